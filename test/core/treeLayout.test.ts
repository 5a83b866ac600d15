/**
 * The fast tree (src/core/treeLayout.ts, and buildTree built on it) against @openzeppelin/merkle-tree's own
 * `StandardMerkleTree.of`: same root, same proofs, same dump, for random paths (Unicode included) and digests.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { buildTree, LEAF_ENCODING, proofFor, verifyFileProof, type FileEntry } from '../../src/core/tree';
import { isCanonicalPath, layoutOfLeaves, leavesOf, treeRoot } from '../../src/core/treeLayout';

/** What buildTree computed before the fast path: the library's tree over the path-sorted entries. */
function reference(files: readonly FileEntry[]): StandardMerkleTree<[string, string]> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return StandardMerkleTree.of(
    sorted.map((f) => [f.path, f.sha256.toLowerCase()] as [string, string]),
    LEAF_ENCODING,
  );
}

/** A path segment: any Unicode (astral planes, combining marks, lone surrogates), ASCII, or long. */
const segment = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
    fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1 }),
    fc.stringMatching(/^[a-z0-9._-]{1,80}$/),
  )
  .filter((part) => !part.includes('/') && !part.includes('\\') && part !== '.' && part !== '..');
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const digest = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .chain((bytes) => fc.constantFrom('0x', '').map((prefix) => prefix + Buffer.from(bytes).toString('hex')));
const files = fc.uniqueArray(fc.record({ path, sha256: digest }), {
  minLength: 1,
  maxLength: 40,
  selector: (file) => file.path,
});

describe('tree layout (fast root and buildTree) against StandardMerkleTree.of', function () {
  it('gives the same root, proofs and dump for random trees', function () {
    fc.assert(
      fc.property(files, (entries) => {
        const normalised = entries.map((f) => ({ path: f.path, sha256: '0x' + f.sha256.replace(/^0x/, '') }));
        expect(entries.every((f) => isCanonicalPath(f.path))).to.equal(true);
        const expected = reference(normalised);
        const tree = buildTree(entries);
        expect(treeRoot(entries)).to.equal(expected.root);
        expect(tree.root).to.equal(expected.root);
        expect(JSON.stringify(tree.dump())).to.equal(JSON.stringify(expected.dump()));
        for (const [index, [leafPath, sha256]] of expected.entries()) {
          const proof = expected.getProof(index);
          expect(tree.getProof(index)).to.deep.equal(proof);
          expect(proofFor(tree, leafPath)).to.deep.equal(proof);
          expect(verifyFileProof(tree.root, leafPath, sha256, proof)).to.equal(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same root whatever order the files come in', function () {
    fc.assert(
      fc.property(files, fc.func(fc.integer()), (entries, key) => {
        const shuffled = [...entries].sort((a, b) => key(a.path) - key(b.path));
        expect(treeRoot(shuffled)).to.equal(treeRoot(entries));
      }),
      { numRuns: 50 },
    );
  });

  it('matches on a tree of 10,000 files, and on one file', function () {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      path: `part-${String(Math.floor(i / 100)).padStart(3, '0')}/table-${String(i).padStart(5, '0')}.csv`,
      sha256: '0x' + Buffer.from(Array.from({ length: 32 }, (_, j) => (i * 7 + j * 13) & 0xff)).toString('hex'),
    }));
    const expected = reference(many);
    expect(treeRoot(many)).to.equal(expected.root);
    expect(JSON.stringify(buildTree(many).dump())).to.equal(JSON.stringify(expected.dump()));
    const one = [{ path: 'only.csv', sha256: '0x' + 'ab'.repeat(32) }];
    expect(treeRoot(one)).to.equal(reference(one).root);
    expect(buildTree(one).getProof(0)).to.deep.equal([]);
  });

  it('orders leaves that share their first bytes, or are equal, as a stable sort on the whole leaf does', function () {
    // Leaves from a few prefixes and tails, so that runs sharing the first 4 bytes (and equal leaves) are common.
    const leaf = fc.tuple(fc.constantFrom(0, 1, 0xff), fc.constantFrom(0, 7), fc.nat({ max: 3 }));
    fc.assert(
      fc.property(fc.array(leaf, { minLength: 1, maxLength: 60 }), (specs) => {
        const leaves = new Uint8Array(32 * specs.length);
        specs.forEach(([first, fifth, last], i) => {
          leaves.fill(first, 32 * i, 32 * i + 4);
          leaves[32 * i + 4] = fifth;
          leaves[32 * i + 31] = last;
        });
        const hexOf = (i: number): string => Buffer.from(leaves.subarray(32 * i, 32 * i + 32)).toString('hex');
        const expected = specs
          .map((_, i) => i)
          .sort((a, b) => (hexOf(a) < hexOf(b) ? -1 : hexOf(a) > hexOf(b) ? 1 : 0));
        const { treeIndices } = layoutOfLeaves(leaves);
        const length = 2 * specs.length - 1;
        expect(expected.map((i) => treeIndices[i])).to.deep.equal(expected.map((_, k) => length - 1 - k));
      }),
      { numRuns: 300 },
    );
  });

  it('recognises canonical paths as the split-based definition does', function () {
    const bySplit = (p: string): boolean =>
      p.length > 0 &&
      !p.startsWith('/') &&
      !p.includes('\\') &&
      p.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
    const tricky = fc.array(fc.constantFrom('a', '.', '..', '...', '/', '\\', '.a', 'é', ' '), { maxLength: 8 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          tricky.map((parts) => parts.join('')),
        ),
        (p) => {
          expect(isCanonicalPath(p), JSON.stringify(p)).to.equal(bySplit(p));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses what buildTree refuses, with the same messages', function () {
    const sha256 = '0x' + 'aa'.repeat(32);
    expect(() => treeRoot([])).to.throw('a tree needs at least one file');
    expect(() => treeRoot([{ path: 'a/../b', sha256 }])).to.throw('"a/../b" is not a relative POSIX path');
    expect(() => treeRoot([{ path: '/a', sha256 }])).to.throw('is not a relative POSIX path');
    expect(() =>
      treeRoot([
        { path: 'a', sha256 },
        { path: 'a', sha256 },
      ]),
    ).to.throw('"a" appears twice');
    expect(() => treeRoot([{ path: 'a', sha256: '0x12' }])).to.throw('is not a SHA-256 digest');
    expect(() => buildTree([{ path: 'a', sha256: '0x12' }])).to.throw('is not a SHA-256 digest');
    for (const bad of ['0x' + 'ag'.repeat(32), '0x' + 'aa'.repeat(31), '0x' + 'aa'.repeat(33), '0x' + 'é'.repeat(64)]) {
      expect(() => leavesOf([{ path: 'a', sha256: bad }]), bad).to.throw('is not a SHA-256 digest');
    }
  });
});
