/**
 * Turns the measurements into the tables printed on the console and into bench/results.md. Every number here comes
 * from the run; the prose around them is fixed.
 */
import { CONFLUX_NEW_SLOT_GAS, ETHEREUM_NEW_SLOT_GAS, confluxGas, type GasBreakdown } from './measure';
import type { Comparison, GasResults, Op } from './gas';
import type { HashingCase, HashingResults, Timing } from './hashing';
import type { E2EResults } from './e2e';

export const ANCHOR_MANY_TARGET = 500;
export const HASHING_TARGET = 0.9;

export interface RunInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  load: string;
  node: string;
  hardhat: string;
  solc: string;
  seconds: { gas: number; hashing: number; e2e: number; total: number };
  chartFile: string;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dec = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const times = (n: number) => `${n >= 10 ? dec(n, 1) : dec(n, 2)}×`;
const pct = (n: number) => `${n >= 0 ? '+' : ''}${dec(n * 100, 1)}%`;

/** A markdown table. */
export function table(headers: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = headers.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [line(headers), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

function byId(gas: GasResults, id: string): Comparison {
  const found = gas.comparisons.find((c) => c.id === id);
  if (!found) throw new Error(`no measurement ${id}`);
  return found;
}

function comparisonTable(gas: GasResults, price: (op: Op) => number, withSlots: boolean): string {
  const rows: (string | number)[][] = [];
  for (const c of gas.comparisons) {
    const own = price(c.govanchor);
    const peers = c.peers.length > 0 ? c.peers : [undefined];
    peers.forEach((peer, i) => {
      const first = i === 0;
      const peerGas = peer ? price(peer.op) : undefined;
      rows.push([
        first ? c.govanchor.label : '',
        first ? int(own) : '',
        ...(withSlots ? [first ? dec(c.govanchor.newSlots, c.govanchor.newSlots % 1 ? 2 : 0) : ''] : []),
        peer ? peer.system : '—',
        peer ? peer.op.label + (peer.op.note ? ` (${peer.op.note})` : '') : 'no counterpart',
        peerGas !== undefined ? int(peerGas) : '',
        ...(withSlots ? [peer ? dec(peer.op.newSlots, peer.op.newSlots % 1 ? 2 : 0) : ''] : []),
        peerGas !== undefined ? times(peerGas / own) : '',
      ]);
    });
  }
  const headers = [
    'govanchor operation',
    'gas',
    ...(withSlots ? ['new slots'] : []),
    'peer',
    "peer's nearest operation",
    'peer gas',
    ...(withSlots ? ['peer new slots'] : []),
    'peer ÷ govanchor',
  ];
  const align: ('l' | 'r')[] = withSlots ? ['l', 'r', 'r', 'l', 'l', 'r', 'r', 'r'] : ['l', 'r', 'l', 'l', 'r', 'r'];
  return table(headers, rows, align);
}

/** The gas targets: the measurement's id and the target's name. */
const GAS_TARGETS: [string, string][] = [
  ['new-version-by-id', 'New version of an existing dataset: anchorVersion(id), with URI'],
  ['new-version-by-id-no-uri', 'New version of an existing dataset: anchorVersion(id), no URI'],
  ['new-version-by-key', 'New version of an existing dataset: anchor(key), with URI'],
  ['new-version-by-key-no-uri', 'New version of an existing dataset: anchor(key), no URI'],
  ['first-version', 'First version of a new dataset, with URI'],
  ['batch-existing', 'Batch of 100 existing datasets, per item, with URIs (anchorVersionBatch)'],
  ['batch-existing-no-uri', 'Batch of 100 existing datasets, per item, no URIs (anchorVersionBatch)'],
];

/**
 * Figures of the previous full run (bench/results.md of commit 6da0924, dated 2026-11-25T18:55:52Z), measured on the
 * contracts before commit 5b1ab99 (packed one-SSTORE records, hand-encoded Anchored, anchorVersionBatch): the
 * "before" of those changes. Quoted, not measured by this run; bench/header.md quotes them too.
 */
const PREVIOUS_RUN = {
  name: 'the previous run, on the contracts before that commit (figures quoted in the header)',
  gas: {
    'new-version-by-id': 60_283,
    'new-version-by-id-no-uri': 58_975,
    'new-version-by-key': 61_179,
    'new-version-by-key-no-uri': 59_955,
    'first-version': 86_053,
    // anchorBatch (by key), the only batch then
    'batch-existing': 38_323,
    'batch-existing-no-uri': 36_929,
  } as Record<string, number>,
  /** The trace of anchorVersion(id) with URI. */
  single: { rewrites: 300, warmReads: 200, hashing: 210, events: 3_923, other: 3_270 },
  deploy: 6_979_558,
};

interface TargetRow {
  target: string;
  limit: string;
  measured: string;
  met: boolean;
  margin: string;
}

export function targetRows(gas: GasResults, hashing: HashingResults | null, e2e: E2EResults | null): TargetRow[] {
  const rows: TargetRow[] = [];
  const gasTarget = (id: string, name: string) => {
    const c = byId(gas, id);
    const limit = c.target!;
    rows.push({
      target: name,
      limit: `≤ ${int(limit)} gas`,
      measured: `${int(c.govanchor.gas)} gas`,
      met: c.govanchor.gas <= limit,
      margin: `${c.govanchor.gas <= limit ? '' : 'over by '}${int(Math.abs(c.govanchor.gas - limit))} gas (${pct(c.govanchor.gas / limit - 1)})`,
    });
  };
  for (const [id, name] of GAS_TARGETS) gasTarget(id, name);
  const trees = gas.trees;
  const spread = Math.max(...trees.map((t) => t.gas)) - Math.min(...trees.map((t) => t.gas));
  rows.push({
    target: `Tree anchoring flat in N (N = ${trees.map((t) => int(t.files)).join(', ')})`,
    limit: 'no growth with N',
    measured: `${int(trees[0].gas)} … ${int(trees[trees.length - 1].gas)} gas`,
    met: spread <= 0.001 * trees[0].gas,
    margin: `spread ${int(spread)} gas (${pct(spread / trees[0].gas)}): the file count's calldata bytes`,
  });
  if (hashing) {
    for (const c of [hashing.bigFile, hashing.tree]) {
      rows.push({
        target: `Hashing ${c.name} vs sha256sum${hashing.cli ? '' : ' (library: CLI missing)'}`,
        limit: `≥ ${HASHING_TARGET} of sha256sum's throughput`,
        measured: `${dec(c.govanchor.ratio, 2)} (${mbps(c.govanchor)} vs ${mbps(c.sha256sum)})`,
        met: c.govanchor.ratio >= HASHING_TARGET,
        margin: `${pct(c.govanchor.ratio / HASHING_TARGET - 1)} of the target`,
      });
    }
  }
  if (e2e?.anchorMany) {
    const rate = e2e.anchorMany.datasetsPerSecond;
    rows.push({
      target: `anchor-many, ${int(e2e.datasets)} datasets, local hardhat node`,
      limit: `≥ ${ANCHOR_MANY_TARGET} datasets/s`,
      measured: `${dec(rate, 0)} datasets/s`,
      met: rate >= ANCHOR_MANY_TARGET,
      margin: `${pct(rate / ANCHOR_MANY_TARGET - 1)} of the target${rate < ANCHOR_MANY_TARGET ? ` (${dec(ANCHOR_MANY_TARGET / rate, 1)}× too slow)` : ''}`,
    });
  }
  if (e2e?.receipts) {
    const r = e2e.receipts;
    rows.push({
      target: 'anchor-many loses nothing: every dataset has a receipt that verifies',
      limit: `${int(r.expected)} of ${int(r.expected)}`,
      measured: `${int(r.found)} receipts, ${int(r.consistent)} match the chain`,
      met: r.found === r.expected && r.consistent === r.expected,
      margin: r.problems.length ? r.problems.join('; ') : 'none missing',
    });
  }
  return rows;
}

function mbps(t: Timing): string {
  return `${dec(t.throughput / 1e6, 0)} MB/s`;
}

function hashingTable(c: HashingCase): string {
  const rows = [c.sha256sum, c.govanchor, ...c.variants.filter((v) => v !== c.govanchor)].map((t) => [
    t.label,
    dec(t.seconds, 3),
    t.runs.map((s) => dec(s, 2)).join(', '),
    mbps(t),
    dec(t.ratio, 2),
    t.matches === null ? '' : t.matches ? 'yes' : 'NO',
  ]);
  return table(['tool', 'seconds', 'runs (s)', 'throughput', "÷ sha256sum's time", 'same digest or root'], rows, [
    'l',
    'r',
    'r',
    'r',
    'r',
    'l',
  ]);
}

function breakdownTable(gas: GasResults): string {
  const b = gas.breakdowns;
  const parts: [keyof GasBreakdown, string][] = [
    ['base', 'transaction base (21,000 per transaction)'],
    ['calldata', 'calldata (4 gas per zero byte, 16 per other byte)'],
    ['newSlots', 'new storage slot: the anchor record'],
    ['updates', "slot updates: the dataset's version count"],
    ['coldReads', 'cold storage reads (2,100 each)'],
    ['rewrites', 'a slot written again in the same call (single: traced by slot, with the reads back)'],
    ['warmReads', 'other warm reads'],
    ['events', 'events (Anchored)'],
    ['hashing', 'keccak256'],
    ['other', 'other execution (ABI decoding, checks, memory, loop)'],
    ['total', '**total**'],
  ];
  const columns = [b.single, b.versionBatchItem, b.versionBatchItemNoUri, b.keyBatchItem, b.keyBatchItemNoUri];
  return table(
    [
      'where the gas goes',
      'anchorVersion(id), with URI',
      'anchorVersionBatch item, with URI',
      'anchorVersionBatch item, no URI',
      'anchorBatch item (by key), with URI',
      'anchorBatch item (by key), no URI',
    ],
    parts.map(([key, label]) => [label, ...columns.map((column) => int(column[key]))]),
    ['l', 'r', 'r', 'r', 'r', 'r'],
  );
}

/** What an item cannot shed whatever the code: the shared base, its calldata, its storage and its log. */
function floorOf(b: GasBreakdown): number {
  return b.base + b.calldata + b.newSlots + b.coldReads + b.updates + b.events;
}

/** `n` in gas with its sign, e.g. "+1,234" or "−56". */
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${int(Math.abs(n))}`;

/** What the URIs of the anchorVersionBatch items cost, from the batches with and without them. */
function uriCosts(gas: GasResults) {
  const withUri = gas.breakdowns.versionBatchItem;
  const noUri = gas.breakdowns.versionBatchItemNoUri;
  const length = gas.sizes.batchUri;
  const padded = (bytes: number) => Math.ceil(bytes / 32) * 32;
  const calldata = withUri.calldata - noUri.calldata;
  const events = withUri.events - noUri.events;
  const execution = withUri.total - noUri.total - calldata - events;
  const ownBytes = 16 * length; // an ASCII URI has no zero byte
  // The rest of the calldata: the URI's offset and length words, its padding, the array's own offset and length.
  const words = calldata - ownBytes - 4 * (padded(length) - length);
  // Estimated per-item cost of a URI of `bytes` bytes at this run's prices: calldata, log bytes, the same execution.
  const costOf = (bytes: number) => words + 16 * bytes + 4 * (padded(bytes) - bytes) + 8 * padded(bytes) + execution;
  let fits = 0;
  while (fits < 10_000 && noUri.total + costOf(fits + 1) <= 33_000) fits++;
  return { length, calldata, events, execution, ownBytes, words, total: withUri.total - noUri.total, fits };
}

/** Why a missed gas target is missed, from the breakdowns. */
function whyMissed(gas: GasResults, id: string): string {
  const b = gas.breakdowns;
  const g = (which: string) => byId(gas, which).govanchor.gas;
  const single = b.single;
  const singleParts =
    `anchorVersion(id) with a URI costs ${int(single.total)}: the transaction base ${int(single.base)}, the record's new slot ${int(single.newSlots)}, ` +
    `cold reads ${int(single.coldReads)} (the record, the dataset and the operator's agency), the version count ${int(single.updates)}, ` +
    `the log ${int(single.events)}, calldata ${int(single.calldata)} and execution ${int(single.total - floorOf(single))}`;
  switch (id) {
    case 'new-version-by-id':
      return `${singleParts}.`;
    case 'new-version-by-id-no-uri':
      return `${singleParts}; without the URI ${signed(g('new-version-by-id-no-uri') - g('new-version-by-id'))}.`;
    case 'new-version-by-key':
      return `${singleParts}; by key ${signed(g('new-version-by-key') - g('new-version-by-id'))} (the key's calldata, its hash and checks).`;
    case 'new-version-by-key-no-uri':
      return `${singleParts}; by key and without the URI ${signed(g('new-version-by-key-no-uri') - g('new-version-by-id'))}.`;
    case 'first-version':
      return `A first version also creates its dataset (a second new slot and a DatasetCreated event): ${signed(g('first-version') - g('new-version-by-key'))} over a new version by key.`;
    case 'batch-existing': {
      const u = uriCosts(gas);
      const floor = floorOf(b.versionBatchItem);
      return (
        `The same batch without URIs costs ${int(b.versionBatchItemNoUri.total)} per item: the URIs add ${int(u.total)}: ` +
        `${int(u.calldata)} of calldata (the ${u.length}-byte URI at 16 gas per byte: ${int(u.ownBytes)}; its offset and length words and padding: ${int(u.calldata - u.ownBytes)}), ` +
        `${int(u.events)} in the log (its bytes padded to whole words, at 8 gas per byte) and ${int(u.execution)} of execution (copying it into the log). ` +
        `What no code can remove from an item with this URI adds up to ${int(floor)}: its share of the transaction base ${int(b.versionBatchItem.base)}, the record's new slot ${int(b.versionBatchItem.newSlots)}, ` +
        `cold reads ${int(b.versionBatchItem.coldReads)} (the record's and the dataset's slots, and a share of the batch's operator check), the version count ${int(b.versionBatchItem.updates)}, the log ${int(b.versionBatchItem.events)} and calldata ${int(b.versionBatchItem.calldata)}` +
        (floor > 33_000
          ? `: already ${int(floor - 33_000)} over 33,000 before its execution (${int(b.versionBatchItem.total - floor)} gas here). `
          : `; execution adds ${int(b.versionBatchItem.total - floor)} on top. `) +
        (u.fits === 0
          ? `At this run's per-URI costs not even a 1-byte URI fits the ${int(33_000 - b.versionBatchItemNoUri.total)} gas the no-URI item leaves under 33,000.`
          : `At this run's per-URI costs URIs of at most about ${u.fits} bytes would fit the ${int(33_000 - b.versionBatchItemNoUri.total)} gas the no-URI item leaves under 33,000 (estimate).`)
      );
    }
    case 'batch-existing-no-uri': {
      const noUri = b.versionBatchItemNoUri;
      return `Storage, the log, calldata and the base share add up to ${int(floorOf(noUri))} per item; execution (the loop, checks, slot hashing) adds ${int(noUri.total - floorOf(noUri))}.`;
    }
    default:
      return '';
  }
}

/** The outcome of the check of the Anchored logs and records (gas.ts `checkAnchored`). */
function anchoredCheck(gas: GasResults): string {
  const problems = gas.checks.anchoredLogs.problems;
  if (problems.length === 0) return 'Nothing differed.';
  return `**${problems.length} problems**, e.g. ${problems.slice(0, 3).join('; ')}.`;
}

/** The gas targets' misses, each with its reason, and what was changed to close the others. */
function gasMisses(gas: GasResults): string {
  const lines: string[] = [];
  if (gas.checks.anchoredLogs.problems.length > 0) {
    lines.push(
      `**The check of the \`Anchored\` logs and records failed** (see Trade-offs, inline assembly): ${anchoredCheck(gas)}`,
      '',
    );
  }
  const missed = GAS_TARGETS.filter(([id]) => byId(gas, id).govanchor.gas > byId(gas, id).target!);
  lines.push(
    missed.length === 0
      ? `All ${GAS_TARGETS.length} gas targets are met.`
      : `${GAS_TARGETS.length - missed.length} of ${GAS_TARGETS.length} gas targets are met. Missed:`,
    '',
  );
  for (const [id, name] of missed) {
    const c = byId(gas, id);
    const over = c.govanchor.gas - c.target!;
    lines.push(
      `- **${name}**: ${int(c.govanchor.gas)} gas, over ${int(c.target!)} by ${int(over)} (${pct(over / c.target!)}). ${whyMissed(gas, id)}`,
    );
  }
  if (missed.length > 0) lines.push('');

  const b = gas.breakdowns;
  const g = (id: string) => byId(gas, id).govanchor.gas;
  const before = PREVIOUS_RUN.gas;
  const arrow = (id: string) => `${int(before[id])} → ${int(g(id))}`;
  const single = b.single;
  const p = PREVIOUS_RUN.single;
  const version = b.versionBatchItem;
  const key = b.keyBatchItem;
  lines.push(
    `**What was changed to close the targets** (commit 5b1ab99). Before: ${PREVIOUS_RUN.name}; after: this run.`,
    '',
    `- **Packed records, one SSTORE each, and a hand-encoded \`Anchored\`** (every anchor): the anchor record and the dataset record are each built as one packed word and written once (Solidity's struct assignment wrote the packed slot member by member, writing it again and reading it back), and the event is encoded by hand instead of by the ABI encoder (the same log bytes, so the log costs the same: ${int(p.events)} → ${int(single.events)}). ` +
      `Measured together: anchorVersion(id) with URI ${arrow('new-version-by-id')}, no URI ${arrow('new-version-by-id-no-uri')}; anchor(key) with URI ${arrow('new-version-by-key')}, no URI ${arrow('new-version-by-key-no-uri')}; first version ${arrow('first-version')}. ` +
      `In the trace of anchorVersion(id): writes again in the same call ${int(p.rewrites)} → ${int(single.rewrites)}, warm reads ${int(p.warmReads)} → ${int(single.warmReads)}, keccak256 ${int(p.hashing)} → ${int(single.hashing)}, other execution ${int(p.other)} → ${int(single.other)}.`,
    `- **\`anchorVersionBatch(VersionRequest[] requests, string[] uris)\`** (new versions of existing datasets): items name their dataset by id in a static 4-word struct (bytes12 datasetId, contentHash, kind, fileCount), and the URIs travel in a separate array, empty when no item has one; no key in the calldata, no key hash, no key checks. ` +
      `Per item of a batch of 100, with URIs: ${int(before['batch-existing'])} (anchorBatch, previous run) → ${int(g('batch-existing-by-key'))} (anchorBatch, this run: the packed records) → ${int(g('batch-existing'))} (anchorVersionBatch); ` +
      `no URIs: ${int(before['batch-existing-no-uri'])} → ${int(g('batch-existing-by-key-no-uri'))} → ${int(g('batch-existing-no-uri'))}. ` +
      `Against anchorBatch in this run (with URIs): calldata ${int(key.calldata)} → ${int(version.calldata)}, keccak256 ${int(key.hashing)} → ${int(version.hashing)}, other execution ${int(key.other)} → ${int(version.other)}.`,
    `- **An assembly hot loop with a checked fallback** (inside anchorVersionBatch): the loop reads the items straight from calldata, writes the two packed words and the log, and stops at the first item it cannot anchor (for any reason); the checked Solidity path (\`_anchorVersion\`, as \`anchorVersion\` runs it) then takes that item and reverts with its exact error. ` +
      `The loop, the static items and the dropped key checks together take the other execution from ${int(key.other)} to ${int(version.other)} per item; their shares are not measured apart (the checked path only runs for an item the loop refuses).`,
    '',
  );
  const closed = GAS_TARGETS.filter(([id]) => before[id] > byId(gas, id).target! && g(id) <= byId(gas, id).target!);
  const still = GAS_TARGETS.filter(([id]) => before[id] > byId(gas, id).target! && g(id) > byId(gas, id).target!);
  const lost = GAS_TARGETS.filter(([id]) => before[id] <= byId(gas, id).target! && g(id) > byId(gas, id).target!);
  const list = (targets: [string, string][]) =>
    targets.map(([id, name]) => `${name} (${arrow(id)})`).join('; ') || 'none';
  lines.push(
    `Targets missed in the previous run and met now: ${list(closed)}. Still missed: ${list(still)}.` +
      (lost.length > 0 ? ` Met in the previous run and missed now: ${list(lost)}.` : ''),
  );
  return lines.join('\n');
}

export interface Report {
  markdown: string;
  console: string;
}

export function buildReport(
  header: string,
  info: RunInfo,
  gas: GasResults,
  hashing: HashingResults | null,
  e2e: E2EResults | null,
): Report {
  const md: string[] = [];
  const out: string[] = [];
  md.push(header.trim(), '');
  md.push('<!-- Everything below is generated by `npm run bench` (bench/run.ts). Do not edit by hand. -->', '');
  md.push('## This run', '');
  md.push(
    table(
      ['', ''],
      [
        ['date', info.date],
        [
          'machine',
          `${info.cpu}, ${info.cores} cores, ${dec(info.memoryGiB, 0)} GiB; load average at start ${info.load}`,
        ],
        [
          'software',
          `Node ${info.node}, Hardhat ${info.hardhat} (in-process chain, hardfork ${gas.versions.hardfork}), ${info.solc}`,
        ],
        [
          'peers',
          `@ethereum-attestation-service/eas-contracts ${gas.versions.eas} (published artifacts), @govtechsg/document-store ${gas.versions.documentStore} (published artifact)`,
        ],
        [
          'duration',
          `${dec(info.seconds.total, 0)} s (gas ${dec(info.seconds.gas, 0)} s, hashing ${dec(info.seconds.hashing, 0)} s, end to end ${dec(info.seconds.e2e, 0)} s)`,
        ],
      ],
    ),
    '',
  );

  const targets = targetRows(gas, hashing, e2e);
  const targetTable = table(
    ['target', 'limit', 'measured', 'met', 'margin'],
    targets.map((t) => [t.target, t.limit, t.measured, t.met ? 'yes' : '**no**', t.margin]),
  );
  md.push('## Targets', '', targetTable, '');
  out.push('Targets', targetTable, '');

  const ethereumTable = comparisonTable(gas, (op) => op.gas, false);
  md.push(
    '## 1. Gas, side by side (Ethereum pricing)',
    '',
    'Gas used as the receipts report it (views: `eth_estimateGas`, which includes the 21,000 transaction base). ' +
      'Batches are divided by their number of items. "peer ÷ govanchor" above 1 means the peer costs more.',
    '',
    ethereumTable,
    '',
  );
  out.push('Gas (Ethereum pricing)', ethereumTable, '');

  const confluxTable = comparisonTable(gas, (op) => confluxGas(op.gas, op.newSlots), true);
  md.push(
    '## 1b. The same with Conflux eSpace storage pricing',
    '',
    `A new storage slot costs ${int(CONFLUX_NEW_SLOT_GAS)} gas instead of ${int(ETHEREUM_NEW_SLOT_GAS)} (20,000 for the SSTORE plus 2,100 for the cold access), ` +
      `so each call costs ${int(CONFLUX_NEW_SLOT_GAS - ETHEREUM_NEW_SLOT_GAS)} more per slot it creates. New slots are counted from each transaction's opcode trace ` +
      '(`debug_traceTransaction`): SSTOREs charged 20,000 gas, i.e. zero → non-zero. Everything else is priced as on Ethereum.',
    '',
    confluxTable,
    '',
  );
  out.push('Gas (Conflux eSpace storage pricing)', confluxTable, '');

  const chart = gas.chart;
  const treeRows = gas.trees.map((t) => [
    int(t.files),
    dec(t.buildSeconds, 2),
    int(t.gas),
    t.newSlots,
    dec(t.gas / t.files, t.files >= 1000 ? 2 : 0),
    dec(chart.easMultiAttestPerItem, 0),
    dec(chart.easRootAttest / t.files, t.files >= 1000 ? 2 : 0),
    dec(chart.oaIssue / t.files, t.files >= 1000 ? 2 : 0),
    dec(chart.oaBulkIssuePerItem, 0),
    t.proofLength,
    int(t.isFileInTreeGas),
  ]);
  const treeTable = table(
    [
      'files N',
      'buildTree s',
      'govanchor tree anchor gas',
      'new slots',
      'govanchor gas per file',
      'EAS multiAttest per file',
      'EAS attest of a root ÷ N',
      'OA issue(root) ÷ N',
      'OA bulkIssue per file',
      'proof length',
      'isFileInTree gas (estimate)',
    ],
    treeRows,
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  md.push(
    '## Trees: gas per file against the number of files',
    '',
    'Each tree is built for real with `src/core/tree.ts` `buildTree` over N synthetic files, and its root anchored as a new version of an existing dataset with `anchor(key)` and a URI. ' +
      "The peers' per-file lines use the per-item cost measured above (flat: one attestation or one entry per file); " +
      '"attest of a root" and "issue(root)" put one Merkle root on chain for all N files, as govanchor does. ' +
      '`isFileInTree` is the on-chain check of one file with its proof (free as a call; the cost matters to contracts that call it).',
    '',
    treeTable,
    '',
    `![gas per file against the number of files](${info.chartFile})`,
    '',
  );
  out.push('Trees', treeTable, '');

  const breakdown = breakdownTable(gas);
  md.push(
    '## Where the gas goes',
    '',
    "From each transaction's opcode trace (`debug_traceTransaction`), by opcode; calldata and the 21,000 base from the transaction itself. " +
      'Batch columns are per item (÷ 100) of the batches of 100 new versions of existing datasets above. Each column adds up to its receipt\'s gas: "other execution" is what the counted opcodes leave.',
    '',
    breakdown,
    '',
  );
  out.push('Where the gas goes', breakdown, '');

  md.push(
    '## One-off deployment gas',
    '',
    table(
      ['contracts', 'gas'],
      Object.entries(gas.deployGas).map(([name, value]) => [name, int(value)]),
      ['l', 'r'],
    ),
    '',
  );

  if (hashing) {
    md.push('## 2. Hashing', '');
    if (!hashing.cli) {
      md.push(
        '> **TODO**: `bin/govanchor.js` did not exist when this ran, so the library (`src/node/hashFile.ts`, `src/node/hashDirectory.ts`) was measured in process instead of `govanchor hash`. The harness switches to the CLI by itself once it exists.',
        '',
      );
    } else if (hashing.cliProblem) {
      md.push(`> **Note**: ${hashing.cliProblem}; the library figures stand in.`, '');
    }
    md.push(
      `Same data, same run, runs alternating between the tools: sha256sum and \`govanchor hash\` ${hashing.bigFile.sha256sum.runs.length} times each (the median is shown), the in-process variants twice (the best is shown: they explain, the tools are compared). ` +
        'The data sits in the page cache for every tool (24 GiB of RAM), so this measures hashing and process costs, not the disk. ' +
        '`govanchor hash` runs as users run it: a new Node process each time, its start included. The in-process rows are the client library and variants of it, to show where the time goes.',
      '',
      `### ${hashing.bigFile.name} (${int(hashing.bigFile.bytes)} bytes)`,
      '',
      hashingTable(hashing.bigFile),
      '',
      `### ${hashing.tree.name} (${int(hashing.tree.bytes)} bytes)`,
      '',
      hashingTable(hashing.tree),
      '',
    );
    out.push('Hashing: ' + hashing.bigFile.name, hashingTable(hashing.bigFile), '');
    out.push('Hashing: ' + hashing.tree.name, hashingTable(hashing.tree), '');
    md.push(hashingFindings(hashing), '');
  }

  if (e2e) {
    md.push('## 3. End to end against a local hardhat node', '');
    if (e2e.status === 'skipped') {
      md.push(`> **Not run**: ${e2e.reason}. The harness (bench/e2e.ts) runs by itself once the CLI exists.`, '');
    } else if (e2e.status === 'failed' && !e2e.anchorMany) {
      md.push(`> **Failed**: ${e2e.reason}`, '');
    } else {
      if (e2e.status === 'failed') md.push(`> **Failed part way**: ${e2e.reason}`, '');
      const rows: (string | number)[][] = [];
      const a = e2e.anchorMany!;
      rows.push([
        `govanchor anchor-many: ${int(e2e.datasets)} single-file datasets (new), --batch-size ${e2e.batchSize}, with URIs`,
        `${dec(a.seconds, 1)} s`,
        `**${dec(a.datasetsPerSecond, 0)} datasets/s**`,
        `${int(a.anchored)} anchored in ${a.transactions} transactions`,
      ]);
      rows.push([
        '  of which: starting the tool (govanchor --version, best of 3)',
        `${dec(a.startupSeconds, 2)} s`,
        '',
        '',
      ]);
      const phases = anchorManyPhases(e2e);
      rows.push([
        `  of which: hashing the items and checking which are anchored (--dry-run on the first ${int(a.dryRunItems)} items, minus the start, scaled to ${int(e2e.datasets)})`,
        `${dec(phases.hashCheck, 1)} s`,
        `${dec(e2e.datasets / Math.max(phases.hashCheck, 1e-9), 0)} items/s`,
        '',
      ]);
      rows.push([
        '  of which: sending the batches (pipelined) and writing the receipts (the rest)',
        `${dec(phases.send, 1)} s`,
        `${dec(a.transactions / Math.max(phases.send, 1e-9), 2)} transactions/s`,
        '',
      ]);
      if (e2e.receipts) {
        const r = e2e.receipts;
        rows.push([
          "every receipt against the chain: receipt file, the file's SHA-256, the Anchored event of the receipt's transaction",
          `${dec(r.checkSeconds, 1)} s`,
          `${dec(r.found / r.checkSeconds, 0)} receipts/s`,
          `${int(r.consistent)} of ${int(r.expected)} match${r.problems.length ? `; ${r.problems.join('; ')}` : ''}`,
        ]);
        rows.push([
          `the client's verifyFile (what govanchor verify runs), one file after another, ${r.library.sample} files`,
          `${dec(r.library.seconds, 1)} s`,
          `${dec(r.library.filesPerSecond, 1)} files/s`,
          `${r.library.verified} of ${r.library.sample} verified`,
        ]);
      }
      if (e2e.cliVerify) {
        const v = e2e.cliVerify;
        rows.push([
          `govanchor verify FILE --receipt R, one process per file, ${v.sample} files`,
          `${dec(v.seconds, 1)} s`,
          `**${dec(v.filesPerSecond, 2)} files/s**`,
          `${v.verified} of ${v.sample} verified`,
        ]);
      }
      if (e2e.tree) {
        const t = e2e.tree;
        rows.push([`govanchor anchor DIR (a tree of ${int(t.files)} files)`, `${dec(t.anchorSeconds, 1)} s`, '', '']);
        rows.push([
          `govanchor verify DIR (all ${int(t.files)} files against the anchored root)`,
          `${dec(t.verifyDirSeconds, 1)} s`,
          `**${dec(t.filesPerSecond, 0)} files/s**`,
          t.verifyDirVerified ? 'verified' : '**not verified**',
        ]);
        rows.push([
          `govanchor verify FILE for files inside the tree (receipt with Merkle proof found next to the tree), ${t.fileInTree.sample} files`,
          `${dec(t.fileInTree.seconds, 1)} s`,
          `${dec(t.fileInTree.filesPerSecond, 2)} files/s`,
          `${t.fileInTree.verified} of ${t.fileInTree.sample} verified`,
        ]);
      }
      const e2eTable = table(['what', 'time', 'rate', 'result'], rows, ['l', 'r', 'r', 'l']);
      md.push(
        `The benchmark starts \`hardhat node\` on a free port of 127.0.0.1 (automine: one block per transaction), deploys with \`govanchor deploy\`, registers an agency and an operator with \`govanchor agency\`, ` +
          `then runs the CLI as users do (\`node bin/govanchor.js ...\`, one process per command). Setup took ${dec(e2e.setupSeconds, 0)} s.`,
        '',
        e2eTable,
        '',
      );
      out.push('End to end', e2eTable, '');
      md.push(e2eFindings(e2e, gas), '');
    }
  }

  md.push('## Gas targets: misses, why, and what was changed', '', gasMisses(gas), '');
  md.push(tradeOffs(gas), '');
  return { markdown: md.join('\n'), console: out.join('\n') };
}

function hashingFindings(h: HashingResults): string {
  const big = h.bigFile;
  const tree = h.tree;
  const v = (c: HashingCase, prefix: string) => c.variants.find((t) => t.label.startsWith(prefix));
  const hashOnly = v(tree, '  of which: list and hash');
  const build = v(tree, '  of which: buildTree');
  const sequential = v(tree, 'list, then readFile + SHA-256 one file after another');
  const concurrent = v(tree, 'list, then readFile + SHA-256 with 16');
  const fast = v(tree, 'the same root');
  const proposed = v(tree, 'proposed');
  const lines = [
    '### Findings',
    '',
    `- **${big.name}**: ${big.govanchor.ratio >= HASHING_TARGET ? 'target met' : 'target missed'} at ${dec(big.govanchor.ratio, 2)}× sha256sum's throughput` +
      (h.cliStartSeconds !== undefined && h.cli
        ? `; starting the tool (\`govanchor --version\`, best of ${big.sha256sum.runs.length}) takes ${dec(h.cliStartSeconds, 2)} s of its ${dec(big.govanchor.seconds, 2)} s. `
        : '. ') +
      `The client library alone hashes at ${mbps(big.variants[0])} (${dec(big.variants[0].ratio, 2)}× sha256sum). ` +
      `${h.sha256sum.version} ${h.sha256sum.openssl ? 'uses OpenSSL' : 'is built without OpenSSL (portable C, no SHA extensions)'}; Node hashes through OpenSSL ${h.opensslVersion}, which uses the CPU's SHA extensions where present. ` +
      'The read size (64 KiB or 1 MiB stream, 4 MiB read loop) moves the in-process figure less than the process start moves the CLI figure.',
  ];
  if (hashOnly && build && sequential && concurrent && fast && proposed) {
    lines.push(
      `- **${tree.name}**: ${tree.govanchor.ratio >= HASHING_TARGET ? 'target met' : 'target missed'} at ${dec(tree.govanchor.ratio, 2)}× (${dec(tree.govanchor.seconds, 2)} s against ${dec(tree.sha256sum.seconds, 2)} s${h.cli && h.cliStartSeconds !== undefined ? `, of which ${dec(h.cliStartSeconds, 2)} s starting the tool` : ''}). ` +
        "`govanchor hash DIR` lists the directory from its entries' types (no lstat per file), reads each small file whole into one reused buffer (larger ones are streamed), and computes only the root (src/core/treeLayout.ts, with the keccak256 of src/core/keccak.ts): the full StandardMerkleTree is built only when receipts or proofs need it. " +
        `For comparison, in process: hashing with one stream per file (\`hashFile\`) ${dec(hashOnly.seconds, 2)} s, \`buildTree\` (the layout loaded into StandardMerkleTree) ${dec(build.seconds, 2)} s, one \`readFile\` per file ${dec(sequential.seconds, 2)} s (${dec(concurrent.seconds, 2)} s with 16 in flight), the root alone on raw bytes (bench/fastTree.ts, equal to buildTree's root: ${fast.matches ? 'yes' : 'NO'}) ${dec(fast.seconds, 2)} s. ` +
        "What remains is the process start (Node itself, and the CA certificates this machine makes every Node process load), opening, reading and closing 10,000 files, and the tree; the margin over the target moves with the machine's load, so single runs can fall on either side of it.",
    );
  }
  return lines.join('\n');
}

/** anchor-many's time split: the dry run's per-item cost (start excluded) scaled to all items, and the rest. */
function anchorManyPhases(e2e: E2EResults): { hashCheck: number; send: number } {
  const a = e2e.anchorMany!;
  const hashCheck = ((a.dryRunSeconds - a.startupSeconds) * e2e.datasets) / Math.max(a.dryRunItems, 1);
  return { hashCheck, send: a.seconds - a.startupSeconds - hashCheck };
}

function e2eFindings(e2e: E2EResults, gas: GasResults): string {
  const a = e2e.anchorMany!;
  const { hashCheck, send } = anchorManyPhases(e2e);
  const lines = [
    '### Findings',
    '',
    `- **anchor-many**: ${dec(a.datasetsPerSecond, 0)} datasets/s against a target of ${ANCHOR_MANY_TARGET} (${a.datasetsPerSecond >= ANCHOR_MANY_TARGET ? 'met' : `missed, ${dec(ANCHOR_MANY_TARGET / a.datasetsPerSecond, 1)}× too slow`}). ` +
      `Of ${dec(a.seconds, 1)} s, about ${dec(hashCheck, 1)} s go to hashing the items and checking which are anchored already (256 hashes per \`eth_call\`, each chunk checked while the next is hashed), and ${dec(send, 1)} s to ${a.transactions} batches, pipelined: the next batch is estimated once the previous one is sent and sent with the next nonce, at most two under way, each batch's receipts written as it is mined. ` +
      'Nothing is lost: the completeness row above checks every receipt against the chain. The rest is mostly the node: per batch of 100 it estimates (a revert is caught before signing), mines and answers, on the same 2 cores as the tool.',
    `- **Batch size**: the contract takes 256 items, but with the client's 20% gas headroom over the estimate a batch of new datasets (${int(byId(gas, 'batch-new').govanchor.gas)} gas per item here) must stay at or under ${Math.floor(gas.versions.txGasCap / 1.2 / byId(gas, 'batch-new').govanchor.gas)} items to fit the 2^24 per-transaction gas cap of Osaka-era chains (EIP-7825); anchor-many's default is 100.`,
    "- **anchor-many and anchorVersionBatch**: anchor-many sends every batch with `anchorBatch` (by key), which also creates datasets; new versions of datasets that exist already could go through the cheaper `anchorVersionBatch` (the client action exists), which needs the datasets' existence checked first. Not done yet.",
  ];
  if (e2e.cliVerify && e2e.receipts) {
    lines.push(
      `- **verify**: ${dec(e2e.cliVerify.filesPerSecond, 2)} files/s through \`govanchor verify FILE\`, most of it the start of a Node process per file; the client's verifyFile alone does ${dec(e2e.receipts.library.filesPerSecond, 1)} files/s. ` +
        "Per file it fetches the receipt's whole transaction receipt (all events of a 100-item batch) and its block; an `eth_getLogs` filtered by the content-hash topic at the receipt's block would fetch one event. " +
        `A directory verifies at ${e2e.tree ? dec(e2e.tree.filesPerSecond, 0) : '?'} files/s in one process. A \`verify --many\` (or verifying every receipt under a directory) would amortise the start.`,
    );
  }
  return lines.join('\n');
}

function tradeOffs(gas: GasResults): string {
  const attest = byId(gas, 'new-version-by-id').peers.find((p) => p.system === 'EAS')!.op.gas;
  const ts = byId(gas, 'new-version-by-id').peers.find((p) => p.op.label.startsWith('timestamp'))!.op.gas;
  const issue = byId(gas, 'new-version-by-id').peers.find((p) => p.system === 'OpenAttestation')!.op.gas;
  const own = byId(gas, 'new-version-by-id').govanchor.gas;
  const b = gas.breakdowns;
  const withUri = byId(gas, 'batch-existing').govanchor.gas;
  const check = gas.checks.anchoredLogs;
  const testFiles = gas.checks.versionBatchTestFiles;
  const slimEvent = 375 + 32 * 8; // the agencyId topic, and the operator's 32-byte data word at 8 gas per log byte
  const floorWithUri = floorOf(b.versionBatchItem);
  const deploy = Object.entries(gas.deployGas).find(([name]) => name.startsWith('govanchor'))?.[1];
  return [
    '## Trade-offs',
    '',
    '- **Inline assembly in the hot paths**: the packed record writes, the `Anchored` encoding and the whole anchorVersionBatch loop are written in assembly, because Solidity writes a packed struct member by member and its ABI decoder and encoder add checks and helper calls per item ' +
      `(other execution per batch item: ${int(b.keyBatchItem.other)} in anchorBatch, which also checks keys, against ${int(b.versionBatchItem.other)} in anchorVersionBatch). The price: the records' bit layout and the log's encoding are written a second time, by hand, where the compiler checks nothing. ` +
      "How it is checked: the loop anchors only what it has checked itself (a clean bytes12 id, a non-zero hash, a valid kind and file count, a URI inside the calldata, content not anchored yet, a dataset of the caller's agency, a version that does not wrap) and hands any other item to the checked Solidity path, which reverts with the item's exact error. " +
      `This run checked each of the ${check.transactions} anchoring transactions it measured from one operator (anchor, anchorVersion, anchorBatch, anchorVersionBatch, the tree anchors; ${int(check.logs)} \`Anchored\` logs) right after it was mined: every log must be the ABI encoding of the values in the call's calldata, decoded with the ABI (same topics, same data bytes), and every record and version count must read back as expected. ${anchoredCheck(gas)} ` +
      (testFiles.length > 0
        ? `Files under test/ that call anchorVersionBatch: ${testFiles.map((file) => `\`${file}\``).join(', ')} (the guard in \`npm test\`, more than this benchmark)` +
          (testFiles.some((file) => file.startsWith('test/invariants'))
            ? ', the property tests (test/invariants) among them.'
            : '; the property tests (test/invariants) do not call it yet.')
        : "**No file under test/ calls anchorVersionBatch yet**: tests comparing its logs and records with the checked path, its errors item by item, and property tests mixing it into random call sequences are still to be written; until then this run's check is the only one."),
    `- **URIs in a separate array**: with a URI inside each item, every item would be dynamic (an offset word per item, a length word, decoding through offsets). Static items are read by offset arithmetic, and a batch without URIs sends an empty array and pays nothing for them (calldata per item ${int(b.versionBatchItemNoUri.calldata)}, against ${int(b.keyBatchItemNoUri.calldata)} for anchorBatch without URIs). ` +
      "The price: the caller keeps two arrays aligned (`uris` is empty or has one entry per item, else the batch reverts with `BatchSizeOutOfRange`); the client's `anchorVersionBatch` action builds both.",
    "- **No signed variant of anchorVersionBatch yet**: a relayer anchoring new versions for an operator's signature uses `anchorBatchBySig`, by key, at about the anchorBatch cost per item (not measured here: " +
      `${int(byId(gas, 'batch-existing-by-key').govanchor.gas)} with URIs here, plus the signature check); an \`anchorVersionBatchBySig\` would need its own EIP-712 type for the static items and the URI array.`,
    `- **The event kept complete**: each \`Anchored\` still names the agency (an indexed topic) and the operator (a data word), although the dataset fixes the agency and a batch has one operator. Dropping both would save ${int(slimEvent)} gas per anchor (375 for the topic, 256 for the word): ` +
      `a batch item with URIs from ${int(withUri)} to about ${int(withUri - slimEvent)} (${withUri - slimEvent <= 33_000 ? 'under' : 'still over'} 33,000). It is kept so that each log says alone who anchored what: the client reads the operator from it (\`verify\`, the history) and the agency (\`relay\`), and indexers can filter by the agency topic, without joining other events or state.`,
    `- **A batch with URIs ${floorWithUri > 33_000 ? 'cannot reach' : 'is close to'} 33,000 per item in this design**: with each item's URI in calldata and in its event, an item with this run's ${gas.sizes.batchUri}-byte URIs costs at least ${int(floorWithUri)} in storage, log, calldata and base share alone` +
      (floorWithUri > 33_000
        ? `, ${int(floorWithUri - 33_000)} over the target before any execution. `
        : `, ${int(33_000 - floorWithUri)} under the target before execution (${int(b.versionBatchItem.total - floorWithUri)} here). `) +
      "Meeting it with URIs takes a design change that loses something: URIs out of the events (one hash of the batch's URI list on chain, the URIs in the receipts only), so a verifier can no longer find the data's location from the chain alone; or a shared URI prefix per batch, which shortens but does not remove each URI.",
    ...(deploy !== undefined
      ? [
          `- **Deployment**: the registry and AccessGrants cost ${int(deploy)} gas to deploy, against ${int(PREVIOUS_RUN.deploy)} in the previous run (${signed(deploy - PREVIOUS_RUN.deploy)}: the registry's code grew since that run), once per chain.`,
        ]
      : []),
    `- **Against EAS**: an EAS attestation stores its whole request (schema, times, attester, recipient, refUID and the ABI-encoded data, key and URI included) in ${byId(gas, 'new-version-by-id').peers[0].op.newSlots} new slots; govanchor stores one 32-byte record per content hash and emits the key and URI in an event. ` +
      `That is most of the ${times(attest / own)} difference. What EAS gives for it: the data readable on chain by any contract, one generic registry shared by every schema, no agency registration. What govanchor gives: lookup by the file's own SHA-256 (EAS finds an attestation by its uid, so a verifier needs an indexer to go from a file to an attestation), agencies and their status checked at write time, dataset namespaces and version numbers.`,
    `- **Against bare hashes** (EAS \`timestamp\`: ${int(ts)} gas, OpenAttestation \`issue\`: ${int(issue)}): they store one slot per hash like govanchor, without dataset, version, agency or URI; govanchor pays ${int(own - Math.min(ts, issue))} gas more for those.`,
    '- **Trees**: like OpenAttestation, one root per batch of files, so the gas per file falls as 1/N; per-file attestations (EAS) or per-file entries (bulkIssue) stay flat. Verifying one file then needs its proof (the receipt carries it).',
    '- **Conflux eSpace**: pricier storage widens every gap in proportion to slots written: EAS attestations write many slots, govanchor anchors one or two.',
  ].join('\n');
}
