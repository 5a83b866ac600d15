import { expect } from 'chai';
import { buildFileReceipt, buildTreeReceipts, type AnchorRecord, type Receipt } from '../../src/core/receipt';
import { datasetIdOf } from '../../src/core/identifiers';
import { buildTree } from '../../src/core/tree';
import { suiteFromDeploymentRecord } from '../../web/src/deployments';
import { loadReceipts, receiptFor, treeReceiptsFor, type LoadedReceipt } from '../../web/src/receipts';

const CONTRACT = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const sha = (n: number) => '0x' + n.toString(16).padStart(64, '0');

function record(kind: 'file' | 'tree', contentHash: string, chainId = 31337, fileCount = 1): AnchorRecord {
  const key = 'hunan.stats/economy-2024';
  return {
    chainId,
    contract: CONTRACT,
    agency: { code: 'hunan.stats', name: 'Hunan Statistics' },
    dataset: { key, id: datasetIdOf(key), version: 1 },
    kind,
    contentHash,
    fileCount,
    uri: '',
    transaction: { hash: sha(999), blockNumber: 5, timestamp: 1_700_000_000 },
  };
}

function treeReceipts(files: { path: string; sha256: string }[], chainId = 31337): LoadedReceipt[] {
  const tree = buildTree(files);
  return buildTreeReceipts(record('tree', tree.root, chainId, files.length), tree).map((receipt) => ({
    receipt,
    source: `economy-2024.receipts/${receipt.file.path}.receipt.json`,
  }));
}

const FILES = [
  { path: 'gdp.csv', sha256: sha(1) },
  { path: 'quarterly/retail.csv', sha256: sha(2) },
  { path: 'quarterly/industry.csv', sha256: sha(3) },
];

describe('web receipts', function () {
  describe('receiptFor', function () {
    it('picks the receipt recording the file’s SHA-256', function () {
      const receipts = treeReceipts(FILES);
      expect(receiptFor(receipts, { path: 'retail.csv', sha256: sha(2) }, 31337)?.receipt.file.path).to.equal(
        'quarterly/retail.csv',
      );
    });

    it('prefers the connected chain, then the same path, among receipts of the same content', function () {
      const other = treeReceipts(FILES, 71);
      const here = treeReceipts(FILES, 31337);
      expect(receiptFor([...other, ...here], { path: 'x/gdp.csv', sha256: sha(1) }, 31337)?.receipt.chainId).to.equal(
        31337,
      );
      expect(receiptFor([...other, ...here], { path: 'x/gdp.csv', sha256: sha(1) }, 71)?.receipt.chainId).to.equal(71);
    });

    context('when no receipt records the content', function () {
      it('falls back to a receipt of a file with the same name, so the verdict says the content differs', function () {
        const receipts = treeReceipts(FILES);
        const match = receiptFor(receipts, { path: 'retail.csv', sha256: sha(42) }, 31337);
        expect(match?.receipt.file.path).to.equal('quarterly/retail.csv');
      });

      it('returns nothing for a file of another name', function () {
        expect(receiptFor(treeReceipts(FILES), { path: 'other.csv', sha256: sha(42) }, 31337)).to.equal(undefined);
      });
    });
  });

  describe('treeReceiptsFor', function () {
    it('picks the receipts of the anchor sharing the most paths with the folder', function () {
      const economy = treeReceipts(FILES);
      const unrelated = treeReceipts([{ path: 'gdp.csv', sha256: sha(7) }]);
      const single: LoadedReceipt = { receipt: buildFileReceipt(record('file', sha(1)), 'gdp.csv'), source: 'gdp' };
      const chosen = treeReceiptsFor([...unrelated, single, ...economy], ['gdp.csv', 'quarterly/retail.csv'], 31337);
      expect(chosen.map((receipt: Receipt) => receipt.file.path).sort()).to.deep.equal(FILES.map((f) => f.path).sort());
    });

    it('returns none when no receipt shares a path', function () {
      expect(treeReceiptsFor(treeReceipts(FILES), ['elsewhere.csv'], 31337)).to.deep.equal([]);
    });
  });

  describe('loadReceipts', function () {
    it('loads receipts, reports malformed ones, and skips files that are not JSON', async function () {
      const [good] = treeReceipts(FILES);
      const result = await loadReceipts([
        new File([JSON.stringify(good.receipt)], 'gdp.csv.receipt.json'),
        new File(['{"format":"govanchor-receipt/9"}'], 'future.receipt.json'),
        new File(['not json'], 'broken.json'),
        new File(['a,b\n'], 'notes.csv'),
      ]);
      expect(result.loaded.map((entry) => entry.receipt.file.path)).to.deep.equal([good.receipt.file.path]);
      expect(result.rejected.map((entry) => entry.source)).to.deep.equal(['future.receipt.json', 'broken.json']);
      expect(result.rejected[0].problem).to.include('not supported');
      expect(result.skipped).to.equal(1);
    });
  });
});

describe('web deployments', function () {
  describe('suiteFromDeploymentRecord', function () {
    const valid = {
      format: 'govanchor-deployment/1',
      chainId: 71,
      contracts: {
        DatasetRegistry: { address: CONTRACT.toLowerCase(), blockNumber: 1234 },
        AccessGrants: { address: '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512' },
      },
    };

    it('reads the chain, checksummed addresses and the registry’s deployment block', function () {
      expect(suiteFromDeploymentRecord(valid, 'deployments/71.json')).to.deep.equal({
        chainId: 71,
        datasetRegistry: CONTRACT,
        accessGrants: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
        startBlock: 1234,
        source: 'deployments/71.json',
      });
    });

    it('rejects anything that is not a govanchor deployment record', function () {
      for (const value of [
        null,
        {},
        { ...valid, format: 'other/1' },
        { ...valid, chainId: 0 },
        { ...valid, contracts: {} },
      ]) {
        expect(() => suiteFromDeploymentRecord(value, 'x.json')).to.throw('x.json is not a govanchor deployment file');
      }
    });
  });
});
