/**
 * Child processes of the browser tests: a real `hardhat node` on a free 127.0.0.1 port (stopped by its pid), the
 * scenario run against it with `hardhat run --network localhost`, and the page's Vite build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
const HARDHAT = require.resolve('hardhat/internal/cli/bootstrap');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
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

/** Keeps the last characters a child prints (and keeps its pipes drained). */
function tail(child: ChildProcess, limit = 8000): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-limit);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Runs a command to completion. @throws Error with its output if it exits non-zero. */
export async function run(args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const output = tail(child);
  const code = await exited(child);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}):\n${output()}`);
}

export interface LocalNode {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `hardhat node` on a free port and resolves once it answers JSON-RPC. */
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
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (response.ok) return { url, pid, stop };
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

/** Sets up `scenario.ts` on the node, writing its files under `dir`. */
export async function runScenario(node: LocalNode, dir: string): Promise<void> {
  await run(
    [HARDHAT, 'run', '--no-compile', '--network', 'localhost', join(__dirname, 'scenario.ts')],
    { LOCALHOST_RPC_URL: node.url, WEB_SCENARIO_DIR: dir },
    `setting up the scenario on ${node.url}`,
  );
}

/** Builds the page into `outDir` with the deployment records of `deploymentsDir` embedded. */
export async function buildPage(outDir: string, deploymentsDir: string): Promise<void> {
  await run(
    [
      VITE,
      'build',
      '--config',
      join(ROOT, 'web', 'vite.config.mts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { GOVANCHOR_DEPLOYMENTS_DIR: deploymentsDir },
    'building the page (vite build)',
  );
}
