/**
 * Hashing many files (src/node/hashFile.ts `hashFiles`, src/node/hashDirectory.ts): the same digests, root, order of
 * progress and errors as hashing one file after another with streams and building the tree with buildTree.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildTree } from '../../src/core/tree';
import { hashDirectory } from '../../src/node/hashDirectory';
import { hashFile, hashFiles } from '../../src/node/hashFile';
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

  it('gives every file its SHA-256, small, empty, at and around the 1 MiB buffer, and large (streamed)', async function () {
    const sizes = [0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20];
    const contents = Array.from({ length: 300 }, (_, i) => randomBytes(i < sizes.length ? sizes[i] : i * 37));
    const locations = write(contents.map((content, i) => [`f${i}.bin`, content]));
    const progress: number[] = [];
    const digests = await hashFiles(locations, (done, total) => {
      expect(total).to.equal(locations.length);
      progress.push(done);
    });
    expect(digests).to.deep.equal(contents.map(sha256));
    expect(progress).to.deep.equal(locations.map((_, i) => i + 1));
  });

  it('throws the error of the first file that cannot be read, as hashFile does', async function () {
    const locations = write(Array.from({ length: 200 }, (_, i) => [`f${i}.bin`, randomBytes(100)]));
    rmSync(locations[120]);
    rmSync(locations[150]);
    const expected = await hashFile(locations[120]).catch((error: Error) => error);
    const error = await hashFiles(locations).catch((e: NodeJS.ErrnoException) => e);
    expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT');
    expect((error as Error).message).to.equal((expected as Error).message);
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

  it('hashDirectory of 5,000 files: the root of buildTree', async function () {
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
