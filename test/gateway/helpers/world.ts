/**
 * The world of the gateway tests, on a real `hardhat node` of their own (a free 127.0.0.1 port, stopped by its pid):
 * the suite deployed through `deploySuite` (the Ignition modules), four agencies, and a data directory laid out as an
 * agency's operations team would, with every version anchored by `govanchor anchor` (which writes the receipts the
 * gateway serves from):
 *
 * - hunan.stats (owner) anchors economy-2024 (a tree), census-2020 (v1 withdrawn, v2 current), expiring, tamper,
 *   large (a 200 MB file);
 * - hunan.health is granted economy-2024, census-2020, expiring (then expired), tamper and large;
 * - hunan.transport is granted economy-2024, then suspended;
 * - hunan.water has no grant.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { addOperator } from '../../../src/client/addOperator';
import {
  connectProvider,
  createClient,
  type GovanchorClient,
  type SuiteAddresses,
} from '../../../src/client/connection';
import { grantAccess } from '../../../src/client/grantAccess';
import { registerAgency } from '../../../src/client/registerAgency';
import { setAgencyStatus } from '../../../src/client/setAgencyStatus';
import { chainTime } from '../../../src/client/transactions';
import { withdrawAnchor } from '../../../src/client/withdrawAnchor';
import { writeDeploymentRecord } from '../../../src/deploy/deploymentRecord';
import { hashFile } from '../../../src/node/hashFile';
import { ACCOUNTS, cleanEnv } from '../../cli/helpers';
import { deploySuiteOnNode, startHardhatNode, type LocalNode } from '../../verification/helpers/localNode';

export const ROOT = join(__dirname, '..', '..', '..');
export const LAUNCHER = join(ROOT, 'bin', 'govanchor.js');
const SAMPLE = join(ROOT, 'data', 'sample');
const DAY = 86_400;

export const AGENCIES = {
  stats: { code: 'hunan.stats', name: 'Hunan Provincial Bureau of Statistics', admin: 1, operator: 2 },
  health: { code: 'hunan.health', name: 'Hunan Provincial Health Commission', admin: 3, operator: 4 },
  water: { code: 'hunan.water', name: 'Hunan Provincial Department of Water Resources', admin: 5, operator: 6 },
  transport: { code: 'hunan.transport', name: 'Hunan Provincial Department of Transport', admin: 7, operator: 8 },
};
export type AgencyName = keyof typeof AGENCIES;

export const KEYS = {
  economy: 'hunan.stats/economy-2024',
  census: 'hunan.stats/census-2020',
  expiring: 'hunan.stats/expiring',
  tamper: 'hunan.stats/tamper',
  large: 'hunan.stats/large',
};

/** Size of the large file. */
export const LARGE_BYTES = 200 * 1024 * 1024;

export interface World {
  node: LocalNode;
  dir: string;
  dataDir: string;
  deploymentFile: string;
  chainId: number;
  suite: SuiteAddresses;
  /** A read-only client, as the gateway uses. */
  reader: GovanchorClient;
  /** Clients signing as the registrar and as each agency's operator. */
  registrar: GovanchorClient;
  operators: Record<AgencyName, GovanchorClient>;
  /** Each agency's operator key. */
  wallets: Record<AgencyName, Wallet>;
  /** A key that acts for no agency. */
  stranger: Wallet;
  files: {
    /** The economy tree: its directory and its files' paths. */
    economyDir: string;
    economyPaths: string[];
    census1: string;
    census2: string;
    tamper: string;
    large: string;
    largeSha256: string;
  };
  /** Access grants of hunan.health, by dataset key. */
  healthGrants: Record<string, bigint>;
  /** Runs `govanchor` as a subprocess with this world's node and deployment. */
  cli(args: string[], key?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** Runs the launcher to completion. */
export function runGovanchor(
  args: string[],
  env: Record<string, string | undefined>,
  cwd = ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A deterministic large file, written in 1 MiB chunks (never held in memory whole). */
async function writeLargeFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(1024 * 1024);
  for (let written = 0, n = 0; written < bytes; n++) {
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((n * 2654435761 + i) >>> 0, i);
    const part = chunk.subarray(0, Math.min(chunk.length, bytes - written));
    written += part.length;
    if (!out.write(part)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

export async function setUpWorld(): Promise<World> {
  const node = await startHardhatNode();
  try {
    const dir = await mkdtemp(join(tmpdir(), 'govanchor-gateway-'));
    const record = await deploySuiteOnNode(node);
    const deploymentFile = join(dir, 'deployments', `${record.chainId}.json`);
    writeDeploymentRecord(deploymentFile, record);
    const suite: SuiteAddresses = {
      chainId: record.chainId,
      datasetRegistry: record.contracts.DatasetRegistry.address,
      accessGrants: record.contracts.AccessGrants.address,
      startBlock: record.contracts.DatasetRegistry.blockNumber,
      source: deploymentFile,
    };
    const clientFor = async (key?: string): Promise<GovanchorClient> => {
      const { provider, chainId } = await connectProvider({ rpcUrl: node.url });
      return createClient({ provider, rpcUrl: node.url, chainId, suite, signer: key ? new Wallet(key) : undefined });
    };
    const reader = await clientFor();
    const registrar = await clientFor(ACCOUNTS[0].key);
    const operators = {} as Record<AgencyName, GovanchorClient>;
    const wallets = {} as Record<AgencyName, Wallet>;
    for (const [name, agency] of Object.entries(AGENCIES) as [AgencyName, (typeof AGENCIES)[AgencyName]][]) {
      await registerAgency(registrar, { code: agency.code, name: agency.name, admin: ACCOUNTS[agency.admin].address });
      await addOperator(await clientFor(ACCOUNTS[agency.admin].key), {
        code: agency.code,
        operator: ACCOUNTS[agency.operator].address,
      });
      operators[name] = await clientFor(ACCOUNTS[agency.operator].key);
      wallets[name] = new Wallet(ACCOUNTS[agency.operator].key);
    }

    const cli = (args: string[], key?: string) =>
      // In the world's directory: no .env of the repository is read.
      runGovanchor([...args, '--rpc', node.url, '--deployment', deploymentFile], { GOVANCHOR_PRIVATE_KEY: key }, dir);
    const anchor = async (path: string, datasetKey: string) => {
      const result = await cli(
        ['anchor', path, '--dataset', datasetKey, '--json'],
        ACCOUNTS[AGENCIES.stats.operator].key,
      );
      if (result.code !== 0) throw new Error(`govanchor anchor ${path} failed (${result.code}): ${result.stderr}`);
    };

    // The data directory: <data>/<agency code>/<name>/v<version>/..., anchored in place.
    const dataDir = join(dir, 'data');
    const version = (key: string, n: number) => join(dataDir, ...key.split('/'), `v${n}`);
    const economyDir = join(version(KEYS.economy, 1), 'economy-2024');
    await cp(join(SAMPLE, 'economy-2024'), economyDir, { recursive: true });
    await anchor(economyDir, KEYS.economy);
    const census = await readFile(join(SAMPLE, 'census-summary-2020.csv'), 'utf8');
    const census1 = join(version(KEYS.census, 1), 'census-summary-2020.csv');
    const census2 = join(version(KEYS.census, 2), 'census-summary-2020.csv');
    await mkdir(join(census1, '..'), { recursive: true });
    await mkdir(join(census2, '..'), { recursive: true });
    await writeFile(census1, census + 'note,preliminary count,\n');
    await writeFile(census2, census);
    await anchor(census1, KEYS.census);
    await anchor(census2, KEYS.census);
    await withdrawAnchor(operators.stats, {
      contentHash: await hashFile(census1),
      reason: 'Superseded: final count published as version 2',
    });
    const expiring = join(version(KEYS.expiring, 1), 'expiring.csv');
    await mkdir(join(expiring, '..'), { recursive: true });
    await writeFile(expiring, 'month,value\n2025-01,1\n');
    await anchor(expiring, KEYS.expiring);
    const tamper = join(version(KEYS.tamper, 1), 'tamper.csv');
    await mkdir(join(tamper, '..'), { recursive: true });
    await writeFile(tamper, 'district,count\nFurong,1200\nTianxin,980\n');
    await anchor(tamper, KEYS.tamper);
    const large = join(version(KEYS.large, 1), 'large.bin');
    await mkdir(join(large, '..'), { recursive: true });
    await writeLargeFile(large, LARGE_BYTES);
    await anchor(large, KEYS.large);

    // Grants: hunan.health to everything; hunan.transport to the economy data, then suspended; hunan.water none.
    const now = await chainTime(registrar);
    const healthGrants: Record<string, bigint> = {};
    for (const key of [KEYS.economy, KEYS.census, KEYS.tamper, KEYS.large]) {
      const { grantId } = await grantAccess(operators.stats, {
        datasetKey: key,
        granteeCode: AGENCIES.health.code,
        expiresAt: now + 90 * DAY,
        purpose: 'Joint health-economy report 2025',
      });
      healthGrants[key] = grantId;
    }
    const { grantId: expiringGrant } = await grantAccess(operators.stats, {
      datasetKey: KEYS.expiring,
      granteeCode: AGENCIES.health.code,
      expiresAt: now + 600,
      purpose: 'One-off check',
    });
    healthGrants[KEYS.expiring] = expiringGrant;
    await grantAccess(operators.stats, {
      datasetKey: KEYS.economy,
      granteeCode: AGENCIES.transport.code,
      expiresAt: now + 90 * DAY,
      purpose: 'Road investment plan',
    });
    await setAgencyStatus(registrar, { code: AGENCIES.transport.code, status: 'suspended' });
    // Chain time moves past the expiring grant's end (every other grant runs for 90 days).
    await rpc(node.url, 'evm_increaseTime', [3600]);
    await rpc(node.url, 'evm_mine', []);

    const economyPaths = (await listRelative(economyDir)).sort();
    return {
      node,
      dir,
      dataDir,
      deploymentFile,
      chainId: record.chainId,
      suite,
      reader,
      registrar,
      operators,
      wallets,
      stranger: Wallet.createRandom() as unknown as Wallet,
      files: { economyDir, economyPaths, census1, census2, tamper, large, largeSha256: await hashFile(large) },
      healthGrants,
      cli,
      stop: async () => {
        await node.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await node.stop();
    throw error;
  }
}

/** A JSON-RPC call to the node. */
export async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** The files under `dir`, as relative POSIX paths. */
async function listRelative(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listRelative(dir, path)));
    else out.push(path);
  }
  return out;
}
