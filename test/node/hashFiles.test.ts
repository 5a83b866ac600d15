/**
 * Hashing many files (src/node/hashFile.ts `hashFiles`, src/node/hashDirectory.ts): the same digests, root, order of
 * progress and errors as hashing one file after another with streams and building the tree with buildTree, with and
 * without the worker thread.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildTree } from '../../src/core/tree';
import { hashDirectory } from '../../src/node/hashDirectory';
import { hashFile, hashFiles, HashWorker } from '../../src/node/hashFile';
import { hashPath } from '../../src/node/hashPath';

const sha256 = (data: Buffer): string => '0x' + createHash('sha256').update(data).digest('hex');

describe('hashFiles and hashDirectory', function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'govanchor-hashfiles-'));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the files (relative path → content) and returns their locations in the order given. */
  function write(files: [string, Buffer][]): string[] {
    return files.map(([path, content]) => {
      const location = join(dir, path);
      mkdirSync(dirname(location), { recursive: true });
      writeFileSync(location, content);
      return location;
    });
  }

  /** A worker that has had time to start, or none. */
  async function workerOrNone(withWorker: boolean): Promise<HashWorker | false> {
    if (!withWorker) return false;
    const worker = HashWorker.start(true)!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return worker;
  }

  /** Slows the main thread down a little, so that the worker surely takes files. */
  function slowly(): void {
    const until = performance.now() + 0.05;
    while (performance.now() < until);
  }

  for (const withWorker of [false, true]) {
    describe(withWorker ? 'with a worker thread' : 'on the main thread alone', function () {
      it('gives every file its SHA-256, small, empty, at and around the 1 MiB buffer, and large (streamed)', async function () {
        // Enough files for the worker to start and take some (it needs some 30 ms); the odd sizes near the end.
        const count = withWorker ? 4000 : 300;
        const sizes = [0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20];
        const contents = Array.from({ length: count }, (_, i) =>
          randomBytes(count - i <= sizes.length ? sizes[count - i - 1] : i % 1000),
        );
        const locations = write(contents.map((content, i) => [`f${i}.bin`, content]));
        const progress: number[] = [];
        const digested = new Map<number, string>();
        const worker = await workerOrNone(withWorker);
        const digests = await hashFiles(locations, {
          worker,
          onFile: (done, total) => {
            slowly();
            expect(total).to.equal(locations.length);
            progress.push(done);
          },
          onDigest: (index, digest) => {
            expect(digested.has(index), `index ${index} twice`).to.equal(false);
            digested.set(index, digest);
          },
        });
        expect(digests).to.deep.equal(contents.map(sha256));
        expect(progress).to.deep.equal(locations.map((_, i) => i + 1));
        expect([...digested.keys()].sort((a, b) => a - b)).to.deep.equal(locations.map((_, i) => i));
        for (const [index, digest] of digested) expect(digest).to.equal(digests[index]);
        if (worker) expect(worker.filesHashed).to.be.greaterThan(0);
      });

      it('throws the error of the first file that cannot be read, as hashFile does', async function () {
        const count = withWorker ? 4000 : 200;
        const locations = write(Array.from({ length: count }, (_, i) => [`f${i}.bin`, randomBytes(100)]));
        rmSync(locations[count - 80]);
        rmSync(locations[count - 50]);
        const expected = await hashFile(locations[count - 80]).catch((error: Error) => error);
        const worker = await workerOrNone(withWorker);
        const error = await hashFiles(locations, { worker, onFile: slowly }).catch((e: NodeJS.ErrnoException) => e);
        expect(error).to.be.instanceOf(Error);
        expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT');
        expect((error as Error).message).to.equal((expected as Error).message);
        if (worker) expect(worker.filesHashed).to.be.greaterThan(0);
      });
    });
  }

  it('gives a worker started beforehand its files, and stops one it does not need', async function () {
    const locations = write(Array.from({ length: 50 }, (_, i) => [`f${i}`, randomBytes(10)]));
    const few = HashWorker.start(true)!;
    expect(await hashFiles(locations, { worker: few })).to.deep.equal(await hashFiles(locations, { worker: false }));
    expect(few.stopped).to.equal(true);
    const used = (await workerOrNone(true)) as HashWorker;
    const many = write(Array.from({ length: 5000 }, (_, i) => [`m/${i}`, randomBytes(i % 300)]));
    const digests = await hashFiles(many, { worker: used, onFile: slowly });
    expect(digests).to.deep.equal(await hashFiles(many, { worker: false }));
    expect(used.filesHashed).to.be.greaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(used.stopped, 'the worker ends with its queue').to.equal(true);
  });

  it('hashDirectory: the same files, root and tree as hashing each file and buildTree, for random trees', async function () {
    this.timeout(120_000);
    const name = fc
      .string({ unit: fc.constantFrom('a', 'b', 'é', '中', '😀', ' ', '-', '.'), minLength: 1, maxLength: 6 })
      .filter((n) => n !== '.' && n !== '..');
    const tree = fc.uniqueArray(fc.array(name, { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 30,
      selector: (parts) => parts.join('/'),
    });
    await fc.assert(
      fc.asyncProperty(tree, fc.boolean(), async (paths, symlink) => {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        // A path that is a prefix directory of another cannot also be a file: keep the first of each conflict.
        const files: [string, Buffer][] = [];
        for (const parts of paths) {
          const path = parts.join('/');
          if (files.some(([p]) => p.startsWith(path + '/') || path.startsWith(p + '/'))) continue;
          files.push([path, randomBytes(parts.length * 5)]);
        }
        write(files);
        if (symlink) symlinkSync(join(dir, files[0][0]), join(dir, 'zz-link'));
        const hashed = await hashDirectory(dir);
        const expected = files
          .map(([path, content]) => ({ path, sha256: sha256(content) }))
          .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        expect(hashed.files).to.deep.equal(expected);
        const reference = buildTree(expected);
        expect(hashed.root).to.equal(reference.root);
        expect(JSON.stringify(hashed.tree.dump())).to.equal(JSON.stringify(reference.dump()));
        expect(hashed.skipped).to.deep.equal(symlink ? ['zz-link'] : []);
      }),
      { numRuns: 40 },
    );
  });

  it('hashDirectory of 5,000 files (with the worker): the root of buildTree', async function () {
    const files: [string, Buffer][] = Array.from({ length: 5000 }, (_, i) => [
      `d${i % 7}/f${i}.csv`,
      randomBytes(50 + (i % 500)),
    ]);
    write(files);
    const hashed = await hashDirectory(dir);
    expect(hashed.root).to.equal(buildTree(files.map(([path, c]) => ({ path, sha256: sha256(c) }))).root);
  });

  it('hashPath: a name with a backslash fails as buildTree does; an unreadable file names itself', async function () {
    write([
      ['a.csv', Buffer.from('a')],
      ['b\\c.csv', Buffer.from('b')],
    ]);
    const error = await hashPath(dir).catch((e: Error) => e);
    expect((error as Error).message).to.equal(`cannot hash ${dir}: "b\\c.csv" is not a relative POSIX path`);
    rmSync(join(dir, 'b\\c.csv'));
    if (process.getuid?.() !== 0) {
      chmodSync(join(dir, 'a.csv'), 0o000);
      const unreadable = await hashPath(dir).catch((e: Error) => e);
      expect((unreadable as Error).message).to.equal(
        `${join(dir, 'a.csv')} (under ${dir}): permission denied (cannot read it)`,
      );
    }
  });
});
