import { expect } from 'chai';
import { ExitCode } from '../../src/core/exitCodes';
import { exitCodeOf, InputError, NetworkError, TransactionError, UsageError } from '../../src/core/errors';
import { parseDuration, parseExpiry } from '../../src/core/expiry';
import { explorerTxUrl } from '../../src/core/explorer';
import { datasetIdOf, parseDatasetKey } from '../../src/core/identifiers';
import { parseManifest } from '../../src/core/manifest';
import { buildFileReceipt, buildTreeReceipts, parseReceipt, type AnchorRecord } from '../../src/core/receipt';
import { buildTree } from '../../src/core/tree';
import { decideVerdict, treeDifferences, type AnchorFacts } from '../../src/core/verdict';

const NOW = 1_800_000_000;
const FILES = [
  { path: 'a.csv', sha256: '0x' + 'aa'.repeat(32) },
  { path: 'dir/b.csv', sha256: '0x' + 'bb'.repeat(32) },
  { path: 'dir/c.csv', sha256: '0x' + 'cc'.repeat(32) },
];
const TREE = buildTree(FILES);
const RECORD: AnchorRecord = {
  chainId: 71,
  contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  agency: { code: 'hunan.stats', name: 'Hunan Statistics' },
  dataset: { key: 'hunan.stats/census', id: datasetIdOf('hunan.stats/census'), version: 3 },
  kind: 'tree',
  contentHash: TREE.root,
  fileCount: 3,
  uri: '',
  transaction: { hash: '0x' + '12'.repeat(32), blockNumber: 42, timestamp: NOW },
};
const FACTS: AnchorFacts = {
  anchored: true,
  withdrawn: false,
  datasetId: RECORD.dataset.id,
  version: 3,
  kind: 'tree',
  fileCount: 3,
  anchoredAt: NOW,
  agencyId: 1,
  agencyCode: 'hunan.stats',
  agencyName: 'Hunan Statistics',
  agencyStatus: 'active',
};

describe('CLI rules in src/core', function () {
  describe('parseExpiry', function () {
    it('reads durations from chain time and dates as UTC', function () {
      expect(parseDuration('1d12h')).to.equal(129_600);
      expect(parseExpiry('90d', NOW)).to.equal(NOW + 90 * 86_400);
      expect(parseExpiry('2030-01-01', NOW)).to.equal(Date.UTC(2030, 0, 1) / 1000);
      expect(parseExpiry('2030-01-01T08:00:00+08:00', NOW)).to.equal(Date.UTC(2030, 0, 1) / 1000);
    });

    it('rejects the past, zero, and anything else with a usage error', function () {
      expect(() => parseExpiry('2020-01-01', NOW)).to.throw(UsageError, 'is not in the future');
      expect(() => parseExpiry('0d', NOW)).to.throw(UsageError, 'longer than zero');
      expect(() => parseExpiry('next week', NOW)).to.throw(UsageError, 'expected a date');
    });
  });

  describe('receipts', function () {
    it('builds one receipt per tree file that parses back unchanged', function () {
      const receipts = buildTreeReceipts(RECORD, TREE);
      expect(receipts.map((r) => r.file.path)).to.deep.equal(['a.csv', 'dir/b.csv', 'dir/c.csv']);
      for (const receipt of receipts) {
        expect(parseReceipt(JSON.parse(JSON.stringify(receipt)))).to.deep.equal(receipt);
      }
      const single = buildFileReceipt({ ...RECORD, kind: 'file', contentHash: FILES[0].sha256, fileCount: 1 }, 'a.csv');
      expect(single.proof.siblings).to.deep.equal([]);
    });

    it('rejects malformed receipts naming the field', function () {
      const [receipt] = buildTreeReceipts(RECORD, TREE);
      expect(() => parseReceipt({ ...receipt, format: 'govanchor-receipt/2' })).to.throw(
        InputError,
        'is not supported',
      );
      expect(() => parseReceipt({ ...receipt, chainId: '71' })).to.throw(InputError, 'chainId must be a whole number');
      expect(() => parseReceipt({ ...receipt, file: { path: '../a.csv', sha256: receipt.file.sha256 } })).to.throw(
        InputError,
        'is not a relative POSIX path',
      );
      expect(() => parseReceipt({ ...receipt, dataset: { ...receipt.dataset, id: '0x' + '00'.repeat(12) } })).to.throw(
        InputError,
        'dataset.id is not the id of dataset.key',
      );
    });
  });

  describe('decideVerdict', function () {
    const [receipt] = buildTreeReceipts(RECORD, TREE);
    const subject = { kind: 'file' as const, path: 'a.csv', sha256: FILES[0].sha256 };
    const chain = { chainId: 71, contract: RECORD.contract };

    it('verifies a tree file through its receipt', function () {
      expect(decideVerdict({ subject, chain, receipt, anchor: FACTS, proofOnChain: true })).to.include({
        verified: true,
      });
    });

    it('gives the reason of each negative verdict, in order', function () {
      const reason = (input: Partial<Parameters<typeof decideVerdict>[0]>) =>
        decideVerdict({ subject, chain, receipt, anchor: FACTS, proofOnChain: true, ...input }).reason;
      expect(reason({ chain: { chainId: 1 } })).to.equal('wrong-chain');
      expect(reason({ chain: { chainId: 71, contract: '0x' + '11'.repeat(20) } })).to.equal('wrong-contract');
      expect(reason({ subject: { ...subject, sha256: '0x' + 'dd'.repeat(32) } })).to.equal('content-differs');
      expect(
        reason({
          subject: { ...subject, path: 'x' },
          receipt: { ...receipt, file: { ...receipt.file, path: 'dir/b.csv' } },
        }),
      ).to.equal('proof-invalid');
      expect(reason({ anchor: { ...FACTS, anchored: false } })).to.equal('root-not-anchored');
      expect(reason({ proofOnChain: false })).to.equal('root-not-anchored');
      expect(reason({ anchor: { ...FACTS, withdrawn: true } })).to.equal('withdrawn');
      expect(reason({ anchor: { ...FACTS, agencyStatus: 'suspended' } })).to.equal('agency-suspended');
      expect(reason({ anchor: { ...FACTS, agencyStatus: 'retired' } })).to.equal('agency-retired');
      expect(reason({ receipt: undefined, anchor: { ...FACTS, anchored: false } })).to.equal('not-anchored');
    });

    it('names the files of a directory that differ from its receipts', function () {
      const receipts = buildTreeReceipts(RECORD, TREE);
      const now = [
        FILES[0],
        { ...FILES[1], sha256: '0x' + 'ee'.repeat(32) },
        { path: 'new.csv', sha256: FILES[2].sha256 },
      ];
      expect(treeDifferences(now, receipts)).to.deep.equal({
        changed: ['dir/b.csv'],
        missing: ['dir/c.csv'],
        added: ['new.csv'],
      });
      expect(treeDifferences(FILES, receipts)).to.equal(undefined);
    });
  });

  describe('identifiers, manifests, exit codes, explorers', function () {
    it('parses dataset keys as the contract does', function () {
      expect(parseDatasetKey('hunan.stats/census').agencyCode).to.equal('hunan.stats');
      expect(() => parseDatasetKey('/census')).to.throw(UsageError);
      expect(() => parseDatasetKey('Hunan/census')).to.throw(UsageError, 'is not an agency code');
    });

    it('checks manifests item by item', function () {
      expect(parseManifest({ items: [{ dataset: 'a.b/c', path: 'x.csv' }] }).items).to.have.length(1);
      expect(() => parseManifest({ items: [] })).to.throw(InputError, 'items must be a non-empty array');
      expect(() => parseManifest({ items: [{ dataset: 'a.b/c' }] })).to.throw(InputError, 'items[0].path');
    });

    it('maps errors to exit codes', function () {
      expect(exitCodeOf(new UsageError('x'))).to.equal(ExitCode.Usage);
      expect(exitCodeOf(new NetworkError('x'))).to.equal(ExitCode.Failure);
      expect(exitCodeOf(new TransactionError('x'))).to.equal(ExitCode.Failure);
      expect(exitCodeOf(new Error('x'))).to.equal(ExitCode.Failure);
    });

    it('links transactions on known explorers only', function () {
      expect(explorerTxUrl(71, '0xab')).to.equal('https://evmtestnet.confluxscan.org/tx/0xab');
      expect(explorerTxUrl(1030, '0xab')).to.equal('https://evm.confluxscan.org/tx/0xab');
      expect(explorerTxUrl(11155111, '0xab')).to.equal('https://sepolia.etherscan.io/tx/0xab');
      expect(explorerTxUrl(31337, '0xab')).to.equal(undefined);
    });
  });
});
