/**
 * Part 2 of the benchmark: hashing throughput of `govanchor hash` against `sha256sum` on the same data in the same
 * run, plus in-process variants of the client's hashing that show where the time goes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashFile } from '../src/node/hashFile';
import { hashDirectory } from '../src/node/hashDirectory';
import { listFiles } from '../src/node/listFiles';
import { buildTree, type FileEntry } from '../src/core/tree';
import { fastTreeRoot } from './fastTree';

const REPEATS = 3;
const MIB = 1024 * 1024;

/** One way of hashing the data, timed over several runs. */
export interface Timing {
  label: string;
  /** Median wall-clock seconds. */
  seconds: number;
  runs: number[];
  /** Bytes per second at the median. */
  throughput: number;
  /** sha256sum's median seconds divided by this one's: above 1 is faster than sha256sum. */
  ratio: number;
  /** Whether the output matched the expected digest or root (null: not checked). */
  matches: boolean | null;
  note?: string;
}

export interface HashingCase {
  name: string;
  bytes: number;
  files: number;
  sha256sum: Timing;
  /** What the target is measured on: `govanchor hash` (the CLI), or the library when the CLI is missing. */
  govanchor: Timing;
  variants: Timing[];
}

export interface HashingResults {
  /** `govanchor --version`: starting the tool, best of the runs (undefined without the CLI). */
  cliStartSeconds?: number;
  /** The first start in this run (includes transpiling the tool into its cache if it was cold). */
  cliFirstStartSeconds?: number;
  sha256sum: { version: string; openssl: boolean };
  opensslVersion: string;
  /** The CLI command benchmarked, or null if bin/govanchor.js did not exist (the library was benchmarked). */
  cli: string | null;
  cliProblem?: string;
  bigFile: HashingCase;
  tree: HashingCase;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface RunOutput {
  seconds: number;
  stdout: string;
  code: number | null;
  stderr: string;
}

/** Runs a command to completion and times it (wall clock, from spawn to exit). */
function timeCommand(command: string, args: string[], cwd: string): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        seconds: (performance.now() - started) / 1000,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
      }),
    );
  });
}

async function timeFunction<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - started) / 1000, value };
}

/** Hashes a file with a stream of the given chunk size. */
async function hashStream(path: string, highWaterMark?: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, highWaterMark ? { highWaterMark } : {}))
    hash.update(chunk as Buffer);
  return '0x' + hash.digest('hex');
}

/** Hashes a file with a read loop into one reused buffer. */
async function hashReadLoop(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, size, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return '0x' + hash.digest('hex');
}

/** Hashes every listed file with `readFile` (one read for a small file), `concurrency` files at a time. */
async function hashFilesConcurrently(dir: string, concurrency: number): Promise<FileEntry[]> {
  const { files } = await listFiles(dir);
  const entries: FileEntry[] = new Array(files.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < files.length) {
      const index = next++;
      const data = await readFile(files[index].location);
      entries[index] = { path: files[index].path, sha256: '0x' + createHash('sha256').update(data).digest('hex') };
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return entries;
}

async function makeBigFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const chunk = Buffer.allocUnsafe(4 * MIB);
    for (let written = 0; written < bytes; written += chunk.length) {
      randomFillSync(chunk);
      await handle.write(chunk, 0, Math.min(chunk.length, bytes - written));
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `count` files of 512 B to 8 KiB in directories of 100, deterministic sizes. Returns the total size. */
async function makeTree(dir: string, count: number): Promise<number> {
  let total = 0;
  let state = 12345;
  const content = Buffer.allocUnsafe(8192);
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `part-${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) await mkdir(sub, { recursive: true });
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 512 + (state % (8192 - 512));
    randomFillSync(content, 0, size);
    await writeFile(join(sub, `table-${String(i).padStart(5, '0')}.csv`), content.subarray(0, size));
    total += size;
  }
  spawnSync('sync');
  return total;
}

function timing(
  label: string,
  runs: number[],
  bytes: number,
  baseline: number,
  matches: boolean | null,
  note?: string,
): Timing {
  // Tools run REPEATS times: their median. In-process variants run twice: their best (the least disturbed run).
  const seconds = runs.length >= REPEATS ? median(runs) : Math.min(...runs);
  return { label, seconds, runs, throughput: bytes / seconds, ratio: baseline / seconds, matches, note };
}

/** The hex digests and roots a command printed, lowercase, without 0x. */
function printedDigests(stdout: string): Set<string> {
  return new Set((stdout.toLowerCase().match(/[0-9a-f]{64}/g) ?? []).map((hex) => hex));
}

/** sha256sum's version line, and whether its binary links OpenSSL's libcrypto (then it can use SHA extensions). */
function sha256sumInfo(): { version: string; openssl: boolean } {
  const version = spawnSync('sha256sum', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'sha256sum';
  const path = spawnSync('bash', ['-c', 'command -v sha256sum'], { encoding: 'utf8' }).stdout.trim();
  const libraries = path ? (spawnSync('ldd', [path], { encoding: 'utf8' }).stdout ?? '') : '';
  return { version, openssl: /libcrypto/.test(libraries) };
}

export interface HashingOptions {
  root: string;
  fileBytes: number;
  treeFiles: number;
  log: (line: string) => void;
}

export async function measureHashing(options: HashingOptions): Promise<HashingResults> {
  const { root, log } = options;
  const cliPath = join(root, 'bin', 'govanchor.js');
  const cli = existsSync(cliPath) ? cliPath : null;
  let cliProblem: string | undefined;
  const dir = await mkdtemp(join(tmpdir(), 'govanchor-bench-'));
  try {
    // One big file.
    const bigPath = join(dir, 'big.bin');
    log(
      `writing a ${(options.fileBytes / MIB).toFixed(0)} MiB file and a tree of ${options.treeFiles} files in ${dir}`,
    );
    await makeBigFile(bigPath, options.fileBytes);
    const treeDir = join(dir, 'tree');
    const treeBytes = await makeTree(treeDir, options.treeFiles);

    const runCli = async (path: string, expected: string, runs: number[]): Promise<boolean | null> => {
      if (!cli) return null;
      const out = await timeCommand(process.execPath, [cli, 'hash', path], root);
      if (out.code !== 0) {
        cliProblem = `\`govanchor hash\` exited with ${out.code}: ${out.stderr.trim().split('\n')[0] ?? ''}`;
        return false;
      }
      runs.push(out.seconds);
      return printedDigests(out.stdout).has(expected.replace(/^0x/, '').toLowerCase());
    };

    // The launcher transpiles the tool into node_modules/.cache on its first run (e.g. on a fresh clone): do that now.
    let cliFirstStartSeconds: number | undefined;
    if (cli) cliFirstStartSeconds = (await timeCommand(process.execPath, [cli, '--version'], root)).seconds;

    log('hashing the big file: sha256sum, govanchor hash, library variants');
    const big = {
      sha256sum: [] as number[],
      cli: [] as number[],
      library: [] as number[],
      stream64k: [] as number[],
      readLoop: [] as number[],
    };
    let expectedDigest = '';
    let cliMatchesBig: boolean | null = null;
    let libraryMatchesBig = true;
    for (let r = 0; r < REPEATS; r++) {
      const out = await timeCommand('sha256sum', [bigPath], dir);
      big.sha256sum.push(out.seconds);
      expectedDigest = out.stdout.split(/\s/)[0];
      if (cli) cliMatchesBig = (await runCli(bigPath, expectedDigest, big.cli)) ?? cliMatchesBig;
      // The in-process variants explain the figures: they run in the first and the last round only (the CLI
      // missing, the library stands in for it and runs every time).
      const variantRound = r === 0 || r === REPEATS - 1;
      if (!variantRound && cli) continue;
      const library = await timeFunction(() => hashFile(bigPath));
      big.library.push(library.seconds);
      libraryMatchesBig &&= library.value === '0x' + expectedDigest;
      if (!variantRound) continue;
      big.stream64k.push((await timeFunction(() => hashStream(bigPath))).seconds);
      big.readLoop.push((await timeFunction(() => hashReadLoop(bigPath, 4 * MIB))).seconds);
    }
    const bigBase = median(big.sha256sum);
    const bigLibrary = timing(
      'library hashFile (src/node/hashFile.ts: stream, 1 MiB chunks), in process',
      big.library,
      options.fileBytes,
      bigBase,
      libraryMatchesBig,
    );
    const bigCase: HashingCase = {
      name: `one ${(options.fileBytes / MIB).toFixed(0)} MiB file`,
      bytes: options.fileBytes,
      files: 1,
      sha256sum: timing('sha256sum FILE', big.sha256sum, options.fileBytes, bigBase, true),
      govanchor:
        cli && big.cli.length > 0
          ? timing(
              'govanchor hash FILE (node bin/govanchor.js, process start included)',
              big.cli,
              options.fileBytes,
              bigBase,
              cliMatchesBig,
            )
          : bigLibrary,
      variants: [
        bigLibrary,
        timing('stream, default 64 KiB chunks', big.stream64k, options.fileBytes, bigBase, null),
        timing('read loop into one reused 4 MiB buffer', big.readLoop, options.fileBytes, bigBase, null),
      ],
    };

    log('hashing the tree: sha256sum, govanchor hash, library variants');
    const tree = {
      sha256sum: [] as number[],
      cli: [] as number[],
      library: [] as number[],
      hashOnly: [] as number[],
      sequentialReadFile: [] as number[],
      buildTree: [] as number[],
      concurrent: [] as number[],
      fastRoot: [] as number[],
      proposed: [] as number[],
    };
    let expectedRoot = '';
    let cliMatchesTree: boolean | null = null;
    let fastMatches = true;
    for (let r = 0; r < REPEATS; r++) {
      const out = await timeCommand(
        'bash',
        ['-c', 'find "$1" -type f -print0 | xargs -0 sha256sum', '_', treeDir],
        dir,
      );
      tree.sha256sum.push(out.seconds);
      const variantRound = r === 0 || r === REPEATS - 1;
      if (variantRound || !cli) {
        const library = await timeFunction(() => hashDirectory(treeDir));
        tree.library.push(library.seconds);
        expectedRoot = library.value.tree.root;
      }
      if (cli) cliMatchesTree = (await runCli(treeDir, expectedRoot, tree.cli)) ?? cliMatchesTree;
      if (!variantRound) continue;
      const hashed = await timeFunction(async () => {
        const { files } = await listFiles(treeDir);
        const entries: FileEntry[] = [];
        for (const file of files) entries.push({ path: file.path, sha256: await hashFile(file.location) });
        return entries;
      });
      tree.hashOnly.push(hashed.seconds);
      tree.sequentialReadFile.push((await timeFunction(() => hashFilesConcurrently(treeDir, 1))).seconds);
      tree.buildTree.push((await timeFunction(async () => buildTree(hashed.value))).seconds);
      tree.concurrent.push((await timeFunction(() => hashFilesConcurrently(treeDir, 16))).seconds);
      const fast = await timeFunction(async () => fastTreeRoot(hashed.value));
      tree.fastRoot.push(fast.seconds);
      fastMatches &&= fast.value === expectedRoot;
      const proposed = await timeFunction(async () => fastTreeRoot(await hashFilesConcurrently(treeDir, 16)));
      tree.proposed.push(proposed.seconds);
      fastMatches &&= proposed.value === expectedRoot;
    }
    const treeBase = median(tree.sha256sum);
    const treeLibrary = timing(
      'library hashDirectory (src/node/hashDirectory.ts: list, hash one file after another, buildTree), in process',
      tree.library,
      treeBytes,
      treeBase,
      true,
    );
    const treeCase: HashingCase = {
      name: `a tree of ${options.treeFiles.toLocaleString('en-US')} small files (512 B to 8 KiB)`,
      bytes: treeBytes,
      files: options.treeFiles,
      sha256sum: timing('find DIR -type f -print0 | xargs -0 sha256sum', tree.sha256sum, treeBytes, treeBase, true),
      govanchor:
        cli && tree.cli.length > 0
          ? timing(
              'govanchor hash DIR (node bin/govanchor.js, process start included)',
              tree.cli,
              treeBytes,
              treeBase,
              cliMatchesTree,
            )
          : treeLibrary,
      variants: [
        treeLibrary,
        timing(
          '  of which: list and hash the files one after another (hashFile, a stream per file)',
          tree.hashOnly,
          treeBytes,
          treeBase,
          null,
        ),
        timing(
          '  of which: buildTree (layout loaded into StandardMerkleTree)',
          tree.buildTree,
          treeBytes,
          treeBase,
          null,
        ),
        timing(
          'list, then readFile + SHA-256 one file after another (no stream, no 1 MiB buffer per file)',
          tree.sequentialReadFile,
          treeBytes,
          treeBase,
          null,
        ),
        timing('list, then readFile + SHA-256 with 16 files in flight', tree.concurrent, treeBytes, treeBase, null),
        timing('the same root on raw bytes (bench/fastTree.ts)', tree.fastRoot, treeBytes, treeBase, fastMatches),
        timing(
          'proposed: 16 files in flight with readFile, then the raw-bytes root',
          tree.proposed,
          treeBytes,
          treeBase,
          fastMatches,
        ),
      ],
    };
    let cliStartSeconds: number | undefined;
    if (cli) {
      const starts: number[] = [];
      for (let r = 0; r < REPEATS; r++)
        starts.push((await timeCommand(process.execPath, [cli, '--version'], root)).seconds);
      cliStartSeconds = Math.min(...starts);
    }
    return {
      cli: cli ? 'node bin/govanchor.js hash <path>' : null,
      cliProblem,
      cliStartSeconds,
      cliFirstStartSeconds,
      sha256sum: sha256sumInfo(),
      opensslVersion: process.versions.openssl,
      bigFile: bigCase,
      tree: treeCase,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
