/**
 * A real `hardhat node` on a free 127.0.0.1 port, started as a child process of the test and stopped by its pid, and
 * the suite deployed on it through the project's deploy path (`deploySuite` over the Ignition modules).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDeploymentRecord, type DeploymentRecord } from '../../../src/deploy/deploymentRecord';

const ROOT = join(__dirname, '..', '..', '..');
const HARDHAT = require.resolve('hardhat/internal/cli/bootstrap');
const DEPLOY_SCRIPT = join(__dirname, 'deployToNode.ts');

export interface LocalNode {
  url: string;
  pid: number;
  /** The last lines the node printed, for failure messages. */
  output(): string;
  /** Stops the node (SIGTERM to its pid, SIGKILL if it does not exit within 5 s). */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Keeps the last `limit` characters a child prints (and keeps its pipes drained). */
export function tail(child: ChildProcess, limit = 8000): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-limit);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

async function rpc(url: string, method: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Starts `hardhat node` and resolves once it answers JSON-RPC. */
export async function startHardhatNode(timeoutMs = 90_000): Promise<LocalNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [HARDHAT, 'node', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const pid = child.pid!;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', kill);
  const stop = async () => {
    process.removeListener('exit', kill);
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(kill, 5000);
    await exited(child);
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await rpc(url, 'eth_chainId')) !== undefined) return { url, pid, output, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hardhat node did not answer on ${url} within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Deploys the suite on the node with `deploySuite` in a `hardhat run --network localhost` child, with Ignition's
 * journal and the deployment record in a temporary directory (never the repository's).
 * @returns The deployment record, as `npm run deploy` would write it.
 */
export async function deploySuiteOnNode(node: LocalNode): Promise<DeploymentRecord> {
  const dir = mkdtempSync(join(tmpdir(), 'govanchor-node-'));
  try {
    const out = join(dir, 'deployment.json');
    const child = spawn(process.execPath, [HARDHAT, 'run', '--no-compile', '--network', 'localhost', DEPLOY_SCRIPT], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LOCALHOST_RPC_URL: node.url,
        GOVANCHOR_TEST_DEPLOYMENT_OUT: out,
        GOVANCHOR_TEST_IGNITION_DIR: join(dir, 'ignition'),
      },
    });
    const output = tail(child);
    const code = await exited(child);
    if (code !== 0) throw new Error(`deploying to ${node.url} failed (exit ${code}):\n${output()}`);
    return readDeploymentRecord(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
