import { expect } from 'chai';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNTS, govanchor, sharedSuite, tempDir, type SharedSuite } from './helpers';

const ADMIN = 13;
const OPERATOR = 14;

describe('govanchor CLI: anchor-many', function () {
  let suite: SharedSuite;
  let dir: string;
  let manifest: string;
  const items: { dataset: string; path: string; uri?: string }[] = [];

  function writeManifest(): void {
    writeFileSync(manifest, JSON.stringify({ format: 'govanchor-manifest/1', receipts: 'receipts', items }, null, 2));
  }

  before(async function () {
    this.timeout(300_000);
    suite = await sharedSuite();
    dir = tempDir();
    manifest = join(dir, 'manifest.json');
    mkdirSync(join(dir, 'monthly'));
    for (let month = 1; month <= 5; month++) {
      const path = `monthly/2024-${String(month).padStart(2, '0')}.csv`;
      writeFileSync(join(dir, path), `month,value\n${month},${month * 1000}\n`);
      items.push({ dataset: `am.stats/monthly-2024-${month}`, path });
    }
    mkdirSync(join(dir, 'atlas', 'layers'), { recursive: true });
    writeFileSync(join(dir, 'atlas', 'index.json'), '{}\n');
    writeFileSync(join(dir, 'atlas', 'layers', 'roads.geojson'), '{"roads":[]}\n');
    items.push({ dataset: 'am.stats/atlas', path: 'atlas', uri: 'https://data.example/atlas' });
    writeManifest();
    const setup = [
      await govanchor(
        ['agency', 'register', 'am.stats', '--name', 'AM Statistics', '--admin', ACCOUNTS[ADMIN].address],
        0,
      ),
      await govanchor(['agency', 'add-operator', 'am.stats', ACCOUNTS[OPERATOR].address], ADMIN),
    ];
    for (const step of setup) expect(step.code, step.stderr).to.equal(0);
  });

  it('reports what would be sent with --dry-run, and sends nothing', async function () {
    const before = await suite.node.rpc<string>('eth_blockNumber');
    const result = await govanchor(['anchor-many', manifest, '--batch-size', '4', '--dry-run', '--json'], OPERATOR);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.json).to.include({ dryRun: true, total: 6, pending: 6, anchored: 0 });
    expect(await suite.node.rpc<string>('eth_blockNumber')).to.equal(before);
  });

  it('anchors every item in batched transactions and writes a receipt per file', async function () {
    const result = await govanchor(['anchor-many', manifest, '--batch-size', '4', '--json'], OPERATOR);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.json).to.include({ total: 6, anchored: 6, alreadyAnchored: 0 });
    expect(result.json.transactions.map((t: { items: number }) => t.items)).to.deep.equal([4, 2]);
    expect(existsSync(join(dir, 'receipts', 'monthly', '2024-01.csv.receipt.json'))).to.equal(true);
    expect(existsSync(join(dir, 'receipts', 'atlas', 'layers', 'roads.geojson.receipt.json'))).to.equal(true);
    const verified = await govanchor([
      'verify',
      join(dir, 'atlas', 'layers', 'roads.geojson'),
      '--receipt',
      join(dir, 'receipts', 'atlas', 'layers', 'roads.geojson.receipt.json'),
      '--json',
    ]);
    expect(verified.code, verified.stdout).to.equal(0);
    expect(verified.json.dataset.key).to.equal('am.stats/atlas');
    const history = await govanchor(['history', 'am.stats/atlas', '--json']);
    expect(history.json.versions[0].uri).to.equal('https://data.example/atlas');
  });

  it('resumes: a re-run sends only what is not anchored yet and restores missing receipts', async function () {
    rmSync(join(dir, 'receipts', 'monthly', '2024-02.csv.receipt.json'));
    for (let month = 6; month <= 8; month++) {
      const path = `monthly/2024-${String(month).padStart(2, '0')}.csv`;
      writeFileSync(join(dir, path), `month,value\n${month},${month * 1000}\n`);
      items.push({ dataset: `am.stats/monthly-2024-${month}`, path });
    }
    writeManifest();
    const result = await govanchor(['anchor-many', manifest, '--batch-size', '4', '--json'], OPERATOR);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.json).to.include({ total: 9, anchored: 3, alreadyAnchored: 6 });
    expect(result.json.transactions).to.have.length(1);
    expect(existsSync(join(dir, 'receipts', 'monthly', '2024-02.csv.receipt.json'))).to.equal(true);
    const again = await govanchor(['anchor-many', manifest, '--json'], OPERATOR);
    expect(again.json).to.include({ anchored: 0, alreadyAnchored: 9 });
    expect(again.json.transactions).to.have.length(0);
  });

  it('rejects a malformed manifest (exit 2)', async function () {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ items: [{ dataset: 'no slash', path: 'x' }] }));
    const result = await govanchor(['anchor-many', bad], OPERATOR);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(
      /^error: manifest .*bad\.json is not a valid govanchor manifest: items\[0\]\.dataset: "no slash" is not a dataset key/,
    );
  });

  it('rejects two items with the same content (exit 2)', async function () {
    const dup = join(dir, 'dup.json');
    writeFileSync(
      dup,
      JSON.stringify({
        items: [
          { dataset: 'am.stats/a', path: 'monthly/2024-01.csv' },
          { dataset: 'am.stats/b', path: 'monthly/2024-01.csv' },
        ],
      }),
    );
    const result = await govanchor(['anchor-many', dup], OPERATOR);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('have the same content');
  });

  it('rejects a --batch-size above the contract limit (exit 2)', async function () {
    const result = await govanchor(['anchor-many', manifest, '--batch-size', '300'], OPERATOR);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('--batch-size 300: expected a whole number from 1 to 256');
  });
});
