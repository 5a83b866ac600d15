import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';
import DatasetRegistryModule from './DatasetRegistry';

/** Access requests and grants over the registry's datasets. */
export default buildModule('AccessGrants', (m) => {
  const { datasetRegistry } = m.useModule(DatasetRegistryModule);
  const accessGrants = m.contract('AccessGrants', [datasetRegistry]);
  return { accessGrants };
});
