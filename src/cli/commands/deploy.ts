import { Command } from 'commander';
import { rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { HardhatRuntimeEnvironment } from 'hardhat/types';
import { connectProvider } from '../../client/connection';
import { ConfigError, TransactionError } from '../../core/errors';
import { explorerAddressUrl } from '../../core/explorer';
import { parseAddress, parseCount } from '../../core/identifiers';
import { deploymentPath, writeDeploymentRecord } from '../../deploy/deploymentRecord';
import { loadSigner, promptHidden } from '../../node/signer';
import { toGovanchorError } from '../../client/errors';
import { action, withChainOptions } from '../context';
import { emit, note } from '../output';

/** The package root: hardhat.config.ts, the Ignition modules and the compiled artifacts live here. */
const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * Loads Hardhat in this process on its `govanchor` network (see hardhat.config.ts), pointed at the given node and key.
 * The key goes through this process's environment only: never on a command line, never printed.
 */
function loadHardhat(rpcUrl: string, privateKey: string): HardhatRuntimeEnvironment {
  process.env.GOVANCHOR_RPC_URL = rpcUrl;
  process.env.GOVANCHOR_PRIVATE_KEY = privateKey;
  process.env.HARDHAT_NETWORK = 'govanchor';
  process.env.HARDHAT_CONFIG = join(ROOT, 'hardhat.config.ts');
  try {
    return require('hardhat') as HardhatRuntimeEnvironment;
  } catch (error) {
    throw new ConfigError(`cannot load Hardhat from ${ROOT}: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
}

/** `govanchor deploy`: the suite through the Ignition modules (the same code as scripts/deploy.ts). */
export const deploy = withChainOptions(
  new Command('deploy')
    .description(
      'deploy the suite (DatasetRegistry, AccessGrants) and write deployments/<chainId>.json; the deployer becomes governance admin and registrar',
    )
    .option('--keystore <file>', 'encrypted JSON keystore of the deployer (default key: GOVANCHOR_PRIVATE_KEY)')
    .option('--admin <address>', 'governance admin (default: the deployer)')
    .option('--registrar <address>', 'first registrar (default: the deployer)')
    .option('--admin-delay <seconds>', 'how long a governance admin transfer waits (default: two days)')
    .option('--confirmations <n>', 'confirmations per deployment transaction (default: 5, 1 on automining nodes)')
    .option(
      '--deployment-id <id>',
      'Ignition deployment id; its journal is ignition/deployments/<id> (default: chain-<chainId>)',
    )
    .option('--reset', 'discard the Ignition journal of this deployment id first (e.g. after restarting a local node)'),
).action(
  action<[]>(async (options) => {
    const admin = options.admin ? parseAddress(String(options.admin), 'admin address') : undefined;
    const registrar = options.registrar ? parseAddress(String(options.registrar), 'registrar address') : undefined;
    const adminDelay =
      options.adminDelay !== undefined ? BigInt(parseCount(String(options.adminDelay), '--admin-delay')) : undefined;
    const confirmations =
      options.confirmations !== undefined
        ? parseCount(String(options.confirmations), '--confirmations', { min: 1, max: 1000 })
        : undefined;
    const deploymentId = options.deploymentId as string | undefined;
    if (deploymentId !== undefined && !/^[A-Za-z0-9_-]+$/.test(deploymentId)) {
      throw new ConfigError(`--deployment-id ${deploymentId}: use letters, digits, _ and -`);
    }
    const wallet = await loadSigner({
      keystore: options.keystore,
      promptPassword: process.stdin.isTTY ? promptHidden : undefined,
    });
    if (!wallet)
      throw new ConfigError(
        'no deployer key: set GOVANCHOR_PRIVATE_KEY (environment or .env) or pass --keystore <file>',
      );
    if (!options.rpc)
      throw new ConfigError('no RPC endpoint: pass --rpc <url> or set GOVANCHOR_RPC_URL (e.g. http://127.0.0.1:8545)');
    const rpcUrl = options.rpc;
    const { chainId, provider } = await connectProvider({ rpcUrl });
    provider.destroy();

    const hre = loadHardhat(rpcUrl, wallet.privateKey);
    if (confirmations !== undefined) hre.config.ignition.requiredConfirmations = confirmations;
    const journal = join(hre.config.paths.ignition, 'deployments', deploymentId ?? `chain-${chainId}`);
    if (options.reset) await rm(journal, { recursive: true, force: true });
    note(
      options,
      `deploying the suite to chain ${chainId} from ${wallet.address} (Ignition journal ${relative(process.cwd(), journal)})`,
    );
    const { deploySuite } = await import('../../deploy/deploySuite');
    let record;
    try {
      ({ record } = await deploySuite(hre, { admin, registrar, adminDelay, deploymentId }));
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (/IGN\d+/.test(message) && /reconcil|journal|previous run|already/i.test(message)) {
        throw new TransactionError(
          `deploy failed: Ignition's journal ${journal} does not match this chain (${message.split('\n')[0]}); after restarting a local node pass --reset`,
          { cause: error },
        );
      }
      throw toGovanchorError(error, 'deploy', rpcUrl);
    }
    const path = resolve(options.deployment ?? deploymentPath(record.chainId));
    writeDeploymentRecord(path, record);
    const file = relative(process.cwd(), path) || path;
    const registry = record.contracts.DatasetRegistry.address;
    const grants = record.contracts.AccessGrants.address;
    emit(options, { deploymentFile: file, ...record }, () => [
      `deployed govanchor to chain ${record.chainId}`,
      `  DatasetRegistry ${registry}${explorerAddressUrl(record.chainId, registry) ? `  ${explorerAddressUrl(record.chainId, registry)}` : ''}`,
      `  AccessGrants    ${grants}${explorerAddressUrl(record.chainId, grants) ? `  ${explorerAddressUrl(record.chainId, grants)}` : ''}`,
      `  governance admin ${admin ?? record.deployer}, registrar ${registrar ?? record.deployer}`,
      `wrote ${file}`,
    ]);
  }),
);
