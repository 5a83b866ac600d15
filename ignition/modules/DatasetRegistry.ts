import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';

/** Two days: how long a governance admin transfer waits before it can be accepted. */
export const DEFAULT_ADMIN_DELAY = 2n * 24n * 60n * 60n;

/**
 * The registry of agencies and dataset anchors. The deploying account is governance admin and registrar unless the
 * `admin` / `registrar` parameters name others.
 */
export default buildModule('DatasetRegistry', (m) => {
  const deployer = m.getAccount(0);
  const adminDelay = m.getParameter('adminDelay', DEFAULT_ADMIN_DELAY);
  const admin = m.getParameter('admin', deployer);
  const registrar = m.getParameter('registrar', deployer);
  const datasetRegistry = m.contract('DatasetRegistry', [adminDelay, admin, registrar]);
  return { datasetRegistry };
});
