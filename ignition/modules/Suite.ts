import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';
import DatasetRegistryModule from './DatasetRegistry';
import AccessGrantsModule from './AccessGrants';

/** The whole govanchor suite: the registry and the access grants that read it. */
export default buildModule('Suite', (m) => {
  const { datasetRegistry } = m.useModule(DatasetRegistryModule);
  const { accessGrants } = m.useModule(AccessGrantsModule);
  return { datasetRegistry, accessGrants };
});
