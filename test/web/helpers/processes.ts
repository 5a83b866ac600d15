/**
 * Child processes of the browser tests: a real `hardhat node` on a free 127.0.0.1 port (stopped by its pid), the
 * scenario run against it with `hardhat run --network localhost`, and the page's Vite build.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { exited, tail, type LocalNode } from '../../verification/helpers/localNode';

// One way to start a test node for every suite that needs its own.
export { startHardhatNode, type LocalNode } from '../../verification/helpers/localNode';

export const ROOT = join(__dirname, '..', '..', '..');
const HARDHAT = require.resolve('hardhat/internal/cli/bootstrap');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

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
