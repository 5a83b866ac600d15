import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { HASH_CHUNK_SIZE, hashBlob } from '../../src/core/hashBlob';

function expected(bytes: Uint8Array<ArrayBuffer>): string {
  return '0x' + createHash('sha256').update(bytes).digest('hex');
}

function pattern(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

describe('hashBlob', function () {
  it('gives the SHA-256 of the empty blob', async function () {
    expect(await hashBlob(new Blob([]))).to.equal('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches node:crypto at and around slice boundaries', async function () {
    for (const size of [1, 63, 64, 65, 999, 1000, 1001, 4096]) {
      const bytes = pattern(size);
      expect(await hashBlob(new Blob([bytes]), { chunkSize: 1000 }), `size ${size}`).to.equal(expected(bytes));
    }
  });

  it('matches node:crypto over several default-size slices', async function () {
    const bytes = pattern(2 * HASH_CHUNK_SIZE + 12_345);
    expect(await hashBlob(new Blob([bytes]))).to.equal(expected(bytes));
  });

  it('reports progress after each slice, ending at the size', async function () {
    const calls: [number, number][] = [];
    await hashBlob(new Blob([pattern(2500)]), {
      chunkSize: 1000,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls).to.deep.equal([
      [0, 2500],
      [1000, 2500],
      [2000, 2500],
      [2500, 2500],
    ]);
  });

  context('when aborted', function () {
    it('rejects with the signal reason', async function () {
      const controller = new AbortController();
      const promise = hashBlob(new Blob([pattern(5000)]), {
        chunkSize: 1000,
        signal: controller.signal,
        onProgress: (done) => done >= 2000 && controller.abort(new Error('stopped by the reviewer')),
      });
      await expect(promise).to.be.rejectedWith('stopped by the reviewer');
    });
  });

  it('rejects a slice size that is not a positive integer', async function () {
    await expect(hashBlob(new Blob([]), { chunkSize: 0 })).to.be.rejectedWith(RangeError);
  });
});
