import { expect } from 'chai';
import { DatasetRegistry__factory } from '../../src/client/contracts';
import { encodeAnchorBatch, type AnchorBatchRequest } from '../../src/client/anchorBatch';

/** anchorBatch calldata encoded directly (anchorBatch.ts) is byte for byte what ethers' ABI coder writes. */
describe('client: anchorBatch calldata without the ABI coder', function () {
  const registry = DatasetRegistry__factory.createInterface();
  const hash = (i: number) => '0x' + (i + 1).toString(16).padStart(2, '0').repeat(32);
  const item = (i: number, datasetKey: string, uri = ''): AnchorBatchRequest => ({
    datasetKey,
    contentHash: hash(i % 255),
    kind: 1 + (i % 2),
    fileCount: i * 997,
    uri,
  });

  it('matches ethers for keys and URIs of every length class, Unicode, empty URIs and 256 items', function () {
    const keys = [
      'a.b/c',
      'hunan.stats/' + 'x'.repeat(20), // exactly 32 bytes
      'hunan.stats/' + 'x'.repeat(21), // 33 bytes
      'hunan.stats/' + 'y'.repeat(52), // 64 bytes
      'hunan.stats/café-\u{1F600}-\u202Ertl', // multi-byte UTF-8
      'hunan.stats/nul\u0000inside',
    ];
    const uris = ['', 'https://data.example.gov/x.csv', 'u'.repeat(32), 'ü'.repeat(100)];
    const cases: AnchorBatchRequest[][] = [
      [item(0, keys[0])],
      keys.flatMap((key, i) => uris.map((uri, j) => item(i * 10 + j, key, uri))),
      Array.from({ length: 256 }, (_, i) => item(i, `bench.stats/table-${i}`, `https://data.example.gov/${i}.csv`)),
    ];
    for (const requests of cases) {
      expect(encodeAnchorBatch(registry, requests)).to.equal(registry.encodeFunctionData('anchorBatch', [requests]));
    }
  });

  it('leaves to ethers what it would refuse or encode otherwise: lone surrogates, values out of range', function () {
    expect(encodeAnchorBatch(registry, [item(1, 'a.b/\uD800')])).to.equal(undefined);
    expect(encodeAnchorBatch(registry, [item(1, 'a.b/c', 'x\uDC00')])).to.equal(undefined);
    expect(encodeAnchorBatch(registry, [{ ...item(1, 'a.b/c'), fileCount: 2 ** 32 }])).to.equal(undefined);
    expect(encodeAnchorBatch(registry, [{ ...item(1, 'a.b/c'), kind: 256 }])).to.equal(undefined);
    expect(encodeAnchorBatch(registry, [{ ...item(1, 'a.b/c'), fileCount: -1 }])).to.equal(undefined);
    expect(encodeAnchorBatch(registry, [{ ...item(1, 'a.b/c'), contentHash: '0x1234' }])).to.equal(undefined);
  });
});
