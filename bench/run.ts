/**
 * `npm run bench`: gas beside EAS and OpenAttestation on one in-process chain, hashing beside sha256sum, and the CLI
 * end to end against a local hardhat node. Prints the tables and writes bench/results.md, bench/results.json and
 * bench/gas-per-file.svg. Not part of `npm test`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import hre from 'hardhat';
import { measureGas, type GasResults } from './gas';
import { measureHashing, type HashingResults } from './hashing';
import { measureEndToEnd, type E2EResults } from './e2e';
import { renderChart, type Series } from './chart';
import { buildReport, type RunInfo } from './report';

const ROOT = join(__dirname, '..');
const CHART_FILE = 'gas-per-file.svg';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw} is not a number`);
  return value;
}

const started = performance.now();
function log(line: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
}

function chartSeries(gas: GasResults): Series[] {
  const c = gas.chart;
  const ends = [1, 100_000];
  const flat = (y: number) => ends.map((x) => ({ x, y }));
  const perRoot = (gasPerRoot: number) => ends.map((x) => ({ x, y: gasPerRoot / x }));
  return [
    {
      label: 'govanchor: one tree root for N files (anchor)',
      color: '#0072B2',
      width: 4,
      points: gas.trees.map((t) => ({ x: t.files, y: t.gas / t.files })),
      measured: gas.trees.map((t) => ({ x: t.files, y: t.gas / t.files })),
    },
    {
      label: 'govanchor: anchorVersionBatch, one anchor per file',
      color: '#56B4E9',
      points: flat(c.govanchorBatchPerItem),
      measured: [{ x: 100, y: c.govanchorBatchPerItem }],
    },
    {
      label: 'EAS: attest, one attestation per file',
      color: '#D55E00',
      points: flat(c.easAttest),
      measured: [{ x: 1, y: c.easAttest }],
    },
    {
      label: 'EAS: multiAttest, one attestation per file',
      color: '#E69F00',
      points: flat(c.easMultiAttestPerItem),
      measured: [{ x: 100, y: c.easMultiAttestPerItem }],
    },
    {
      label: 'EAS: one attestation of a Merkle root, ÷ N',
      color: '#CC79A7',
      dashed: true,
      points: perRoot(c.easRootAttest),
      measured: [{ x: 1, y: c.easRootAttest }],
    },
    {
      label: 'OpenAttestation: issue(root), ÷ N',
      color: '#009E73',
      dashed: true,
      points: perRoot(c.oaIssue),
      measured: [{ x: 1, y: c.oaIssue }],
    },
    {
      label: 'OpenAttestation: bulkIssue, one entry per file',
      color: '#8C564B',
      points: flat(c.oaBulkIssuePerItem),
      measured: [{ x: 100, y: c.oaBulkIssuePerItem }],
    },
  ];
}

/** Writes the chart, bench/results.md and bench/results.json, and prints the tables. */
function writeOutputs(
  info: RunInfo,
  gas: GasResults,
  hashing: HashingResults | null,
  e2e: E2EResults | null,
  json: boolean,
): void {
  const svg = renderChart(chartSeries(gas), {
    title: 'Gas per file anchored, against the number of files',
    subtitle: `govanchor, EAS ${gas.versions.eas} and OpenAttestation DocumentStore ${gas.versions.documentStore} on one Hardhat chain (${gas.versions.hardfork}), ${info.date.slice(0, 10)}`,
    xLabel: 'number of files N (log scale)',
    yLabel: 'gas per file (log scale, Ethereum pricing)',
    xRange: [1, 100_000],
    yRange: [0.1, 1_000_000],
    footnote:
      'Dots: measured in this run. Lines: one root ÷ N (sloped), or the per-item cost of a batch of 100 (flat). govanchor trees measured at N = 1, 100, 10,000, 100,000.',
  });
  writeFileSync(join(__dirname, CHART_FILE), svg);
  const header = readFileSync(join(__dirname, 'header.md'), 'utf8');
  const report = buildReport(header, info, gas, hashing, e2e);
  writeFileSync(join(__dirname, 'results.md'), report.markdown);
  if (json) writeFileSync(join(__dirname, 'results.json'), JSON.stringify({ info, gas, hashing, e2e }, null, 2) + '\n');
  console.log('\n' + report.console);
}

async function main(): Promise<void> {
  if (process.env.BENCH_REPORT_ONLY) {
    // Regenerate the report and chart from bench/results.json (after changing their wording): nothing is measured.
    const saved = JSON.parse(readFileSync(join(__dirname, 'results.json'), 'utf8')) as {
      info: RunInfo;
      gas: GasResults;
      hashing: HashingResults | null;
      e2e: E2EResults | null;
    };
    writeOutputs(saved.info, saved.gas, saved.hashing, saved.e2e, false);
    log('rewrote bench/results.md and bench/' + CHART_FILE + ' from bench/results.json');
    return;
  }
  const parts = new Set((process.env.BENCH_PARTS ?? 'gas,hashing,e2e').split(',').map((p) => p.trim()));
  const info: RunInfo = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    load: loadavg()
      .map((l) => l.toFixed(1))
      .join(' / '),
    node: process.versions.node,
    hardhat: (require('hardhat/package.json') as { version: string }).version,
    solc: `solc ${hre.config.solidity.compilers[0].version} (optimizer ${JSON.stringify(hre.config.solidity.compilers[0].settings?.optimizer ?? {})}, EVM ${hre.config.solidity.compilers[0].settings?.evmVersion ?? 'default'})`,
    seconds: { gas: 0, hashing: 0, e2e: 0, total: 0 },
    chartFile: CHART_FILE,
  };

  log('1/3 gas on the in-process chain');
  let mark = performance.now();
  const gas = await measureGas(hre, (line) => log(`  ${line}`));
  info.seconds.gas = (performance.now() - mark) / 1000;

  let hashing: HashingResults | null = null;
  if (parts.has('hashing')) {
    log('2/3 hashing');
    mark = performance.now();
    hashing = await measureHashing({
      root: ROOT,
      fileBytes: setting('BENCH_FILE_MIB', 1024) * 2 ** 20,
      treeFiles: setting('BENCH_TREE_FILES', 10_000),
      log: (line) => log(`  ${line}`),
    });
    info.seconds.hashing = (performance.now() - mark) / 1000;
  }

  let e2e: E2EResults | null = null;
  if (parts.has('e2e')) {
    log('3/3 end to end against a local hardhat node');
    mark = performance.now();
    const accounts = hre.config.networks.hardhat.accounts as { mnemonic: string; path: string };
    e2e = await measureEndToEnd({
      root: ROOT,
      datasets: setting('BENCH_E2E_DATASETS', 10_000),
      batchSize: setting('BENCH_E2E_BATCH', 100),
      treeFiles: setting('BENCH_E2E_TREE_FILES', 1000),
      cliSample: setting('BENCH_CLI_SAMPLE', 8),
      librarySample: setting('BENCH_LIBRARY_SAMPLE', 50),
      dryRunItems: setting('BENCH_DRY_RUN_ITEMS', 2000),
      mnemonic: accounts.mnemonic,
      accountsPath: accounts.path,
      log: (line) => log(`  ${line}`),
    });
    info.seconds.e2e = (performance.now() - mark) / 1000;
    if (e2e.status !== 'ran') log(`  end to end ${e2e.status}: ${e2e.reason}`);
  }
  info.seconds.total = (performance.now() - started) / 1000;

  writeOutputs(info, gas, hashing, e2e, true);
  log(`wrote bench/results.md, bench/results.json and bench/${CHART_FILE} in ${info.seconds.total.toFixed(0)} s`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
