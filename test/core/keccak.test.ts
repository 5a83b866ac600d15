import { expect } from 'chai';
import fc from 'fast-check';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex } from '@noble/hashes/utils';
import { createKeccak256, KECCAK_PERMUTATION, keccak256, type Keccak256Into } from '../../src/core/keccak';

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
      const hash: Keccak256Into = createKeccak256(permutation);

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

      it('reads its input before writing its output (the tree hashes a node pair into its parent in place)', function () {
        const data = Uint8Array.from({ length: 96 }, (_, i) => i);
        const expected = keccak_256(data.subarray(32, 96));
        hash(data, data, 0, 32, 96);
        expect(bytesToHex(data.subarray(0, 32))).to.equal(bytesToHex(expected));
      });
    });
  }
});
