import { expect } from 'chai';
import fc from 'fast-check';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex } from '@noble/hashes/utils';
import {
  createKeccakEngine,
  KECCAK_PERMUTATION,
  KECCAK256_RATE,
  keccak256,
  keccakPad,
  type Keccak256Into,
} from '../../src/core/keccak';

describe('keccak256 (src/core/keccak.ts)', function () {
  it('uses the WebAssembly permutation in Node', function () {
    expect(KECCAK_PERMUTATION).to.equal('wasm');
  });

  it('gives the known digests of the empty input and of "abc"', function () {
    expect(bytesToHex(keccak256(new Uint8Array(0)))).to.equal(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
    expect(bytesToHex(keccak256(new TextEncoder().encode('abc')))).to.equal(
      '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    );
  });

  for (const permutation of ['wasm', 'js'] as const) {
    describe(`with the ${permutation === 'wasm' ? 'WebAssembly' : 'JavaScript'} permutation`, function () {
      const engine = createKeccakEngine(permutation);
      const hash: Keccak256Into = engine.keccak256Into;

      it('matches @noble/hashes at every length around the 136-byte block boundaries', function () {
        for (let size = 0; size <= 3 * 136 + 1; size++) {
          const data = Uint8Array.from({ length: size }, (_, i) => (i * 131 + size) & 0xff);
          expect(bytesToHex(hash(data, new Uint8Array(32))), `size ${size}`).to.equal(bytesToHex(keccak_256(data)));
        }
      });

      it('matches @noble/hashes on random inputs, read from any range and written at any offset', function () {
        fc.assert(
          fc.property(
            fc.uint8Array({ maxLength: 600 }),
            fc.nat({ max: 64 }),
            fc.nat({ max: 50 }),
            fc.nat({ max: 50 }),
            (data, outOffset, cutStart, cutEnd) => {
              const start = Math.min(cutStart, data.length);
              const end = Math.max(start, data.length - cutEnd);
              const out = new Uint8Array(outOffset + 32);
              hash(data, out, outOffset, start, end);
              expect(bytesToHex(out.subarray(outOffset))).to.equal(bytesToHex(keccak_256(data.subarray(start, end))));
            },
          ),
          { numRuns: 300 },
        );
      });

      it('hashes inputs larger than its first buffer (WebAssembly: one 64 KiB page at first)', function () {
        for (const size of [65_536 - 512 - 137, 65_536 - 512 - 136, 65_536, 300_001]) {
          const data = Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 9)) & 0xff);
          expect(bytesToHex(hash(data, new Uint8Array(32))), `size ${size}`).to.equal(bytesToHex(keccak_256(data)));
        }
        const small = new Uint8Array([1, 2, 3]);
        expect(bytesToHex(hash(small, new Uint8Array(32)))).to.equal(bytesToHex(keccak_256(small)));
      });

      it('leavesInto is keccak256 of keccak256 of each padded message', function () {
        fc.assert(
          fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 12 }), (list) => {
            const messages = new Uint8Array(list.reduce((size, m) => size + m.length + KECCAK256_RATE, 0));
            const blocks = new Uint32Array(list.length);
            let end = 0;
            list.forEach((message, i) => {
              messages.set(message, end);
              blocks[i] = keccakPad(messages, end, message.length);
              end += blocks[i] * KECCAK256_RATE;
            });
            const out = new Uint8Array(32 * list.length);
            engine.leavesInto(messages.subarray(0, end), blocks, out);
            expect(bytesToHex(out)).to.equal(list.map((m) => bytesToHex(keccak_256(keccak_256(m)))).join(''));
          }),
          { numRuns: 200 },
        );
        // More than the module's first page of memory.
        const many = Array.from({ length: 3000 }, (_, i) => Uint8Array.from({ length: i % 200 }, (_, j) => i + j));
        const messages = new Uint8Array(many.length * 2 * KECCAK256_RATE);
        const blocks = new Uint32Array(many.length);
        let end = 0;
        many.forEach((message, i) => {
          messages.set(message, end);
          blocks[i] = keccakPad(messages, end, message.length);
          end += blocks[i] * KECCAK256_RATE;
        });
        const out = new Uint8Array(32 * many.length);
        engine.leavesInto(messages.subarray(0, end), blocks, out);
        expect(bytesToHex(out)).to.equal(many.map((m) => bytesToHex(keccak_256(keccak_256(m)))).join(''));
      });

      it('fillParents hashes each pair of children, the smaller first, from the leaves up', function () {
        const reference = (nodes: Uint8Array, leafCount: number): Uint8Array => {
          const out = Uint8Array.from(nodes);
          const hex = (at: number): string => bytesToHex(out.subarray(at, at + 32));
          for (let i = leafCount - 2; i >= 0; i--) {
            const [left, right] = [32 * (2 * i + 1), 32 * (2 * i + 2)];
            const [a, b] = hex(left) <= hex(right) ? [left, right] : [right, left];
            const pair = new Uint8Array(64);
            pair.set(out.subarray(a, a + 32), 0);
            pair.set(out.subarray(b, b + 32), 32);
            out.set(keccak_256(pair), 32 * i);
          }
          return out;
        };
        // Leaves from few byte values, so that equal leaves and long common prefixes are common.
        const leaf = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => bytes.map((b) => b % 3));
        fc.assert(
          fc.property(
            fc.array(fc.oneof(leaf, fc.uint8Array({ minLength: 32, maxLength: 32 })), { minLength: 1, maxLength: 40 }),
            (leaves) => {
              const nodes = new Uint8Array(32 * (2 * leaves.length - 1));
              leaves.forEach((l, k) => nodes.set(l, 32 * (leaves.length - 1 + k)));
              const expected = reference(nodes, leaves.length);
              engine.fillParents(nodes, leaves.length);
              expect(bytesToHex(nodes)).to.equal(bytesToHex(expected));
            },
          ),
          { numRuns: 300 },
        );
        // A tree larger than the module's first page of memory.
        const many = Uint8Array.from({ length: 32 * (2 * 5000 - 1) }, (_, i) => (i * 131 + (i >> 5)) & 0xff);
        const expected = reference(many, 5000);
        engine.fillParents(many, 5000);
        expect(bytesToHex(many)).to.equal(bytesToHex(expected));
      });

      it('reads its input before writing its output (the tree hashes a node pair into its parent in place)', function () {
        const data = Uint8Array.from({ length: 96 }, (_, i) => i);
        const expected = keccak_256(data.subarray(32, 96));
        hash(data, data, 0, 32, 96);
        expect(bytesToHex(data.subarray(0, 32))).to.equal(bytesToHex(expected));
      });
    });
  }
});
