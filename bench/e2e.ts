/**
 * Part 3 of the benchmark: end to end through the `govanchor` CLI against a local `hardhat node` that the benchmark
 * starts on a free port of 127.0.0.1 (and stops, by its pid). Datasets anchored per second through `anchor-many`,
 * every receipt checked against the chain, and files verified per second through `govanchor verify`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { eachLimited } from '../src/core/eachLimited';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HDNodeWallet } from 'ethers';

export interface CliRun {
  code: number;
  seconds: number;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface E2EResults {
  /** 'skipped' when the CLI does not exist yet; then `reason` says what is missing. */
  status: 'ran' | 'skipped' | 'failed';
  reason?: string;
  datasets: number;
  batchSize: number;
  setupSeconds: number;
  anchorMany?: {
    /** Wall clock of the whole command, process start to exit. */
    seconds: number;
    /** `govanchor --version`: starting the tool (best of 3). */
    startupSeconds: number;
    /** The same command with --dry-run on the first `dryRunItems` items: start, hash, check; nothing sent. */
    dryRunSeconds: number;
    dryRunItems: number;
    datasetsPerSecond: number;
    anchored: number;
    transactions: number;
    exitCode: number;
  };
  /** Every receipt checked against the chain's Anchored events; the client's verifyFile on a sample. */
  receipts?: {
    expected: number;
    found: number;
    consistent: number;
    checkSeconds: number;
    problems: string[];
    library: { sample: number; verified: number; seconds: number; filesPerSecond: number };
  };
  cliVerify?: { sample: number; verified: number; seconds: number; filesPerSecond: number };
  tree?: {
    files: number;
    anchorSeconds: number;
    verifyDirSeconds: number;
    verifyDirVerified: boolean;
    filesPerSecond: number;
    fileInTree: { sample: number; verified: number; seconds: number; filesPerSecond: number };
  };
}

export interface E2EOptions {
  root: string;
  datasets: number;
  batchSize: number;
  treeFiles: number;
  cliSample: number;
  librarySample: number;
  dryRunItems: number;
  mnemonic: string;
  accountsPath: string;
  log: (line: string) => void;
}

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

/** Starts `hardhat node` on a free loopback port; resolves once it serves JSON-RPC. */
async function startNode(root: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [require.resolve('hardhat/internal/cli/cli'), 'node', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: root, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Started HTTP and WebSocket JSON-RPC server')) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`hardhat node exited with ${code}: ${output.slice(-2000)}`)));
  });
  // The node logs every request: keep draining its output so that it never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return { child, url: `http://127.0.0.1:${port}` };
}

/** This process's environment without govanchor, Hardhat or ts-node settings (`hardhat run` sets some). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(GOVANCHOR_|HARDHAT_|TS_NODE_)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

function runCli(root: string, args: string[], cwd: string, env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin', 'govanchor.js'), ...args], {
      cwd,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      let json;
      try {
        json = args.includes('--json') ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({
        code: code ?? -1,
        seconds: (performance.now() - started) / 1000,
        stdout,
        stderr: Buffer.concat(err).toString('utf8'),
        json,
      });
    });
  });
}

function check(run: CliRun, what: string): CliRun {
  if (run.code !== 0) {
    throw new Error(`${what} exited with ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  }
  return run;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export async function measureEndToEnd(options: E2EOptions): Promise<E2EResults> {
  const { root, log } = options;
  const base: E2EResults = {
    status: 'skipped',
    datasets: options.datasets,
    batchSize: options.batchSize,
    setupSeconds: 0,
  };
  const required = ['bin/govanchor.js', 'src/cli/commands/anchorMany.ts', 'src/cli/commands/verify.ts'];
  const missing = required.filter((path) => !existsSync(join(root, path)));
  if (missing.length > 0) return { ...base, reason: `the CLI is not there yet: missing ${missing.join(', ')}` };

  const keys = [0, 1, 2].map(
    (i) => HDNodeWallet.fromPhrase(options.mnemonic, undefined, `${options.accountsPath}/${i}`).privateKey,
  );
  const addresses = [0, 1, 2].map(
    (i) => HDNodeWallet.fromPhrase(options.mnemonic, undefined, `${options.accountsPath}/${i}`).address,
  );
  const deploymentId = `bench-e2e-${process.pid}`;
  const journal = join(root, 'ignition', 'deployments', deploymentId);
  const dir = await mkdtemp(join(tmpdir(), 'govanchor-e2e-'));
  let node: { child: ChildProcess; url: string } | undefined;
  const started = performance.now();
  try {
    log(`writing ${options.datasets} dataset files and a tree of ${options.treeFiles} files in ${dir}`);
    const items: { dataset: string; path: string; uri: string }[] = [];
    for (let i = 0; i < options.datasets; i++) {
      const sub = `data/part-${pad(Math.floor(i / 100), 3)}`;
      if (i % 100 === 0) await mkdir(join(dir, sub), { recursive: true });
      const path = `${sub}/table-${pad(i, 5)}.csv`;
      await writeFile(join(dir, path), `region,value\n${i},${randomBytes(96).toString('hex')}\n`);
      items.push({
        dataset: `bench.stats/table-${pad(i, 5)}`,
        path,
        uri: `https://data.example.gov/bench/${pad(i, 5)}.csv`,
      });
    }
    const manifest = join(dir, 'manifest.json');
    await writeFile(manifest, JSON.stringify({ format: 'govanchor-manifest/1', receipts: 'receipts', items }));
    for (let i = 0; i < options.treeFiles; i++) {
      const sub = `tree/part-${pad(Math.floor(i / 100), 2)}`;
      if (i % 100 === 0) await mkdir(join(dir, sub), { recursive: true });
      await writeFile(join(dir, sub, `file-${pad(i, 4)}.csv`), `k,v\n${i},${randomBytes(64).toString('hex')}\n`);
    }

    log('starting hardhat node on 127.0.0.1, deploying with govanchor deploy, registering an agency');
    node = await startNode(root);
    const rpc = { GOVANCHOR_RPC_URL: node.url };
    const as = (account: number) => ({ ...rpc, GOVANCHOR_PRIVATE_KEY: keys[account] });
    check(
      await runCli(root, ['deploy', '--json', '--deployment-id', deploymentId, '--reset'], dir, as(0)),
      'govanchor deploy',
    );
    check(
      await runCli(
        root,
        ['agency', 'register', 'bench.stats', '--name', 'Benchmark Statistics Bureau', '--admin', addresses[1]],
        dir,
        as(0),
      ),
      'govanchor agency register',
    );
    check(
      await runCli(root, ['agency', 'add-operator', 'bench.stats', addresses[2]], dir, as(1)),
      'govanchor agency add-operator',
    );
    const setupSeconds = (performance.now() - started) / 1000;

    log('timing the CLI start (govanchor --version) and anchor-many --dry-run (hash and check, send nothing)');
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) starts.push((await runCli(root, ['--version'], dir, {})).seconds);
    // The dry run covers the first items only (hashing and checking cost the same per item): it attributes time
    // without doubling the run.
    const dryItems = Math.min(options.dryRunItems, items.length);
    const dryManifest = join(dir, 'manifest-dry-run.json');
    await writeFile(
      dryManifest,
      JSON.stringify({ format: 'govanchor-manifest/1', receipts: 'receipts', items: items.slice(0, dryItems) }),
    );
    const dryRun = check(
      await runCli(
        root,
        ['anchor-many', dryManifest, '--batch-size', String(options.batchSize), '--dry-run', '--json'],
        dir,
        as(2),
      ),
      'govanchor anchor-many --dry-run',
    );

    log(`govanchor anchor-many: ${options.datasets} datasets, --batch-size ${options.batchSize}`);
    const anchorRun = await runCli(
      root,
      ['anchor-many', manifest, '--batch-size', String(options.batchSize), '--json'],
      dir,
      as(2),
    );
    const anchored = Number(anchorRun.json?.anchored ?? 0);
    const results: E2EResults = {
      ...base,
      status: 'ran',
      setupSeconds,
      anchorMany: {
        seconds: anchorRun.seconds,
        startupSeconds: Math.min(...starts),
        dryRunSeconds: dryRun.seconds,
        dryRunItems: dryItems,
        datasetsPerSecond: anchored / anchorRun.seconds,
        anchored,
        transactions: Array.isArray(anchorRun.json?.transactions) ? anchorRun.json.transactions.length : 0,
        exitCode: anchorRun.code,
      },
    };
    if (anchorRun.code !== 0) {
      return {
        ...results,
        status: 'failed',
        reason: `anchor-many exited with ${anchorRun.code}: ${anchorRun.stderr.trim().split('\n').slice(-2).join(' / ')}`,
      };
    }

    log('checking every receipt against the chain: the file, the receipt and the Anchored event of its transaction');
    const receiptPath = (path: string) => join(dir, 'receipts', path + '.receipt.json');
    const { connectProvider, createClient } = await import('../src/client/connection');
    const { verifyFile } = await import('../src/client/verifyFile');
    const { loadDeployment } = await import('../src/node/deploymentFile');
    const { readReceipt } = await import('../src/node/receiptFiles');
    const { hashFile } = await import('../src/node/hashFile');
    const { provider, chainId } = await connectProvider({ rpcUrl: node.url });
    const suite = loadDeployment({ chainId, cwd: dir })!;
    const client = createClient({ provider, rpcUrl: node.url, chainId, suite });
    try {
      const checkStarted = performance.now();
      // Every Anchored event of the registry, by content hash: the chain's side of every receipt at once.
      const events = await client.registry.queryFilter(client.registry.filters.Anchored(), suite.startBlock, 'latest');
      const onChain = new Map(
        events.map((event) => [
          String(event.args.contentHash).toLowerCase(),
          {
            tx: event.transactionHash.toLowerCase(),
            block: event.blockNumber,
            datasetId: String(event.args.datasetId).toLowerCase(),
            version: Number(event.args.version),
          },
        ]),
      );
      const agency = await client.registry.getAgency(await client.registry.agencyIdOf('bench.stats'));
      const agencyActive = agency.status === 1n;
      let found = 0;
      let consistent = 0;
      const problems: string[] = [];
      await eachLimited(items, 8, async (item) => {
        const path = receiptPath(item.path);
        if (!existsSync(path)) {
          problems.push(`no receipt for ${item.path}`);
          return;
        }
        found++;
        const receipt = await readReceipt(path);
        const sha256 =
          '0x' +
          createHash('sha256')
            .update(await readFile(join(dir, item.path)))
            .digest('hex');
        const event = onChain.get(receipt.anchor.contentHash.toLowerCase());
        const ok =
          agencyActive &&
          receipt.file.sha256 === sha256 &&
          receipt.anchor.contentHash === sha256 &&
          receipt.dataset.key === item.dataset &&
          receipt.anchor.uri === item.uri &&
          event !== undefined &&
          event.tx === receipt.transaction.hash.toLowerCase() &&
          event.block === receipt.transaction.blockNumber &&
          event.datasetId === receipt.dataset.id &&
          event.version === receipt.dataset.version;
        if (ok) consistent++;
        else if (problems.length < 5) problems.push(`receipt of ${item.path} does not match the chain`);
      });
      const checkSeconds = (performance.now() - checkStarted) / 1000;

      // The client's own verification (what `govanchor verify` runs), on a sample, one file after another.
      const librarySample = Array.from(
        { length: Math.min(options.librarySample, items.length) },
        (_, i) => items[Math.floor((i * items.length) / Math.min(options.librarySample, items.length))],
      );
      let libraryVerified = 0;
      const libraryStarted = performance.now();
      for (const item of librarySample) {
        const receipt = await readReceipt(receiptPath(item.path));
        const sha256 = await hashFile(join(dir, item.path));
        const report = await verifyFile(client, { path: item.path, sha256, receipt });
        if (report.verified) libraryVerified++;
      }
      const librarySeconds = (performance.now() - libraryStarted) / 1000;
      results.receipts = {
        expected: items.length,
        found,
        consistent,
        checkSeconds,
        problems,
        library: {
          sample: librarySample.length,
          verified: libraryVerified,
          seconds: librarySeconds,
          filesPerSecond: librarySample.length / librarySeconds,
        },
      };
    } finally {
      provider.destroy();
    }

    log(`govanchor verify FILE --receipt R: ${options.cliSample} files, one process each`);
    const sample = Array.from(
      { length: Math.min(options.cliSample, items.length) },
      (_, i) => items[Math.floor((i * items.length) / options.cliSample)],
    );
    let cliVerified = 0;
    let cliSeconds = 0;
    for (const item of sample) {
      const run = await runCli(
        root,
        ['verify', join(dir, item.path), '--receipt', receiptPath(item.path), '--json'],
        dir,
        rpc,
      );
      cliSeconds += run.seconds;
      if (run.code === 0 && run.json?.verified === true) cliVerified++;
    }
    results.cliVerify = {
      sample: sample.length,
      verified: cliVerified,
      seconds: cliSeconds,
      filesPerSecond: sample.length / cliSeconds,
    };

    if (options.treeFiles > 0) {
      log(`a tree of ${options.treeFiles} files: govanchor anchor DIR, govanchor verify DIR, verify files inside it`);
      const treeDir = join(dir, 'tree');
      const anchorTree = check(
        await runCli(root, ['anchor', treeDir, '--dataset', 'bench.stats/tree', '--json'], dir, as(2)),
        'govanchor anchor (tree)',
      );
      const verifyDir = await runCli(root, ['verify', treeDir, '--json'], dir, rpc);
      const inTree = Array.from({ length: 5 }, (_, i) => {
        const index = Math.floor((i * options.treeFiles) / 5);
        return join(treeDir, `part-${pad(Math.floor(index / 100), 2)}`, `file-${pad(index, 4)}.csv`);
      });
      let inTreeVerified = 0;
      let inTreeSeconds = 0;
      for (const file of inTree) {
        const run = await runCli(root, ['verify', file, '--json'], dir, rpc);
        inTreeSeconds += run.seconds;
        if (run.code === 0 && run.json?.verified === true) inTreeVerified++;
      }
      results.tree = {
        files: options.treeFiles,
        anchorSeconds: anchorTree.seconds,
        verifyDirSeconds: verifyDir.seconds,
        verifyDirVerified: verifyDir.code === 0 && verifyDir.json?.verified === true,
        filesPerSecond: options.treeFiles / verifyDir.seconds,
        fileInTree: {
          sample: inTree.length,
          verified: inTreeVerified,
          seconds: inTreeSeconds,
          filesPerSecond: inTree.length / inTreeSeconds,
        },
      };
    }
    return results;
  } catch (error) {
    return { ...base, status: 'failed', reason: (error as Error).message.split('\n')[0] };
  } finally {
    if (node?.child.pid && node.child.exitCode === null) process.kill(node.child.pid, 'SIGTERM');
    await rm(dir, { recursive: true, force: true });
    await rm(journal, { recursive: true, force: true });
  }
}
