/**
 * Shared by the CLI tests: one real `hardhat node` on a free loopback port for all CLI test files (started on first
 * use, killed by its pid after the run), the `govanchor` launcher run as a subprocess the way users run it, and one
 * suite deployed through `govanchor deploy`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'govanchor.js');

/** Hardhat's well-known test accounts (public knowledge; never use them on a real chain). */
export const ACCOUNTS = [
  ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'],
  ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'],
  ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'],
  ['0x90F79bf6EB2c4f870365E785982E1f101E93b906', '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'],
  ['0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65', '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a'],
  ['0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc', '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba'],
  ['0x976EA74026E726554dB657fA54763abd0C3a0aa9', '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e'],
  ['0x14dC79964da2C08b23698B3D3cc7Ca32193d9955', '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356'],
  ['0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f', '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97'],
  ['0xa0Ee7A142d267C1f36714E4a8F75612F20a79720', '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6'],
  ['0xBcd4042DE499D14e55001CcbB24a551F3b954096', '0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897'],
  ['0x71bE63f3384f5fb98995898A86B02Fb2426c5788', '0x701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82'],
  ['0xFABB0ac9d68B0B445fB7357272Ff202C5651694a', '0xa267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1'],
  ['0x1CBd3b2770909D4e10f157cABC84C7264073C9Ec', '0x47c99abed3324a2707c28affff1267e45918ec8c3f20b8aa892e8b065d2942dd'],
  ['0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097', '0xc526ee95bf44d8fc405a158bb884d9d1238d99f0612e9f33d006bb0789009aaa'],
  ['0xcd3B766CCDd6AE721141F452C550Ca635964ce71', '0x8166f546bab6da521a8369cab06c5d2b9e46670292d85c875ee9ec20e84ffb61'],
  ['0x2546BcD3c84621e976D8185a91A922aE77ECEc30', '0xea6c44ac03bff858b476bba40716402b03e41b8e97e276d1baec7c37d42484a0'],
  ['0xbDA5747bFD65F08deb54cb465eB87D40e51B197E', '0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd'],
  ['0xdD2FD4581271e230360230F9337D5c0430Bf44C0', '0xde9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0'],
  ['0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199', '0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e'],
].map(([address, key]) => ({ address, key }));

export interface LocalNode {
  url: string;
  /** Sends a JSON-RPC request to the node. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

let nodeProcess: ChildProcess | undefined;
let nodePromise: Promise<LocalNode> | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The shared node: a `hardhat node` on a free port of 127.0.0.1, started once. */
export function localNode(): Promise<LocalNode> {
  nodePromise ??= (async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [require.resolve('hardhat/internal/cli/cli'), 'node', '--hostname', '127.0.0.1', '--port', String(port)],
      { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    nodeProcess = child;
    const url = `http://127.0.0.1:${port}`;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Started HTTP and WebSocket JSON-RPC server')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`hardhat node exited with ${code}: ${output.slice(-2000)}`)));
    });
    // Keep draining the node's (verbose) output so that it never blocks on a full pipe.
    child.stdout!.resume();
    child.stderr!.resume();
    let id = 0;
    const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
      });
      const body = (await response.json()) as { result?: T; error?: { message: string } };
      if (body.error) throw new Error(`${method}: ${body.error.message}`);
      return body.result as T;
    };
    return { url, rpc };
  })();
  return nodePromise;
}

// Root-level hook: kill the node (by its pid) once every test file is done.
after(() => {
  if (nodeProcess?.pid && nodeProcess.exitCode === null) process.kill(nodeProcess.pid, 'SIGTERM');
});

/** The environment without govanchor, Hardhat or ts-node settings of the test process. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(GOVANCHOR_|HARDHAT_|TS_NODE_)/.test(name)) continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (when --json was given). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RunOptions {
  /** Extra environment, e.g. GOVANCHOR_RPC_URL, GOVANCHOR_PRIVATE_KEY. */
  env?: Record<string, string | undefined>;
  cwd: string;
  /** Called with each chunk of stderr as it arrives (e.g. to act once a transaction is sent). */
  onStderr?: (chunk: string) => void;
}

/** Runs `bin/govanchor.js` as a subprocess, as users do. */
export function runCli(args: string[], { env, cwd, onStderr }: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(chunk.toString());
    });
    child.once('error', reject);
    child.once('close', (code) => {
      let json;
      if (args.includes('--json')) {
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}

/** A fresh temporary directory, removed after the run. */
export function tempDir(prefix = 'govanchor-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}
const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

export interface SharedSuite {
  node: LocalNode;
  /** A working directory holding deployments/31337.json. */
  cwd: string;
  deploymentFile: string;
  /** The JSON output of `govanchor deploy --json`. */
  deployOutput: CliResult;
  /** Environment for read-only commands: the RPC URL only. */
  env: Record<string, string>;
}

let suitePromise: Promise<SharedSuite> | undefined;
const IGNITION_ID = `cli-test-${process.pid}`;

/** The suite deployed once on the shared node with `govanchor deploy` (account #0: governance admin, registrar). */
export function sharedSuite(): Promise<SharedSuite> {
  suitePromise ??= (async () => {
    const node = await localNode();
    const cwd = tempDir();
    const env = { GOVANCHOR_RPC_URL: node.url };
    const deployOutput = await runCli(['deploy', '--json', '--deployment-id', IGNITION_ID, '--reset'], {
      cwd,
      env: { ...env, GOVANCHOR_PRIVATE_KEY: ACCOUNTS[0].key },
    });
    if (deployOutput.code !== 0) throw new Error(`govanchor deploy failed: ${deployOutput.stderr}`);
    return { node, cwd, deploymentFile: join(cwd, 'deployments', '31337.json'), deployOutput, env };
  })();
  return suitePromise;
}
after(() => {
  // The Ignition journal of the test deployment (under the repository's ignition/deployments/).
  if (suitePromise) rmSync(join(ROOT, 'ignition', 'deployments', IGNITION_ID), { recursive: true, force: true });
});

/** Runs the CLI in the shared suite's directory, signing with `account` (an index into ACCOUNTS) if given. */
export async function govanchor(
  args: string[],
  account?: number,
  extraEnv: Record<string, string | undefined> = {},
  onStderr?: (chunk: string) => void,
) {
  const suite = await sharedSuite();
  const env = {
    ...suite.env,
    ...(account === undefined ? {} : { GOVANCHOR_PRIVATE_KEY: ACCOUNTS[account].key }),
    ...extraEnv,
  };
  return runCli(args, { cwd: suite.cwd, env, onStderr });
}
