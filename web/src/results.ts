/**
 * One entry of the results list: a file (checked by its SHA-256) or a folder (checked by the Merkle root of its
 * files), its fingerprint's progress, and what the chain says about it.
 */
import { explorerAddressUrl } from '../../src/core/explorer';
import type { VerificationReport } from '../../src/client/verification';
import { byId, externalLink, h, replaceChildren, row } from './dom';
import { chainName } from './networks';
import type { LoadedReceipt } from './receipts';
import { AGENCY_STATUS_TEXT, explainVerdict, formatBytes, formatTime, type Explanation } from './wording';

export type FileState = 'waiting' | 'hashing' | 'hashed' | 'checking' | 'done' | 'failed';

/** One file of a folder: its path relative to the folder's top (as in the anchored tree). */
export interface FolderEntry {
  file: File;
  path: string;
  sha256?: string;
}

export interface FileItem {
  id: number;
  kind: 'file' | 'folder';
  /** A file's name (or its path inside a dropped folder), or a folder's name. */
  path: string;
  size: number;
  /** The file (kind `file`). */
  file?: File;
  /** The folder's files, sorted by path (kind `folder`). */
  entries?: FolderEntry[];
  state: FileState;
  /** A file's SHA-256, or a folder's Merkle root. */
  sha256?: string;
  receipt?: LoadedReceipt;
  report?: VerificationReport;
  /** The network the report is about. */
  network?: string;
  /** Why hashing or checking failed. */
  failure?: { message: string; detail?: string };
  /** The connection generation the last check was started under. */
  checkedIn?: number;
  abort: AbortController;
  element: HTMLLIElement;
  progress: HTMLProgressElement;
  progressText: HTMLElement;
  body: HTMLElement;
}

let nextId = 1;

function createItem(kind: FileItem['kind'], path: string, size: number, label: string): FileItem {
  const id = nextId++;
  const progress = h('progress', {
    attrs: { max: '1', value: '0', 'aria-labelledby': `file-${id}-name file-${id}-progress` },
  });
  const progressText = h('span', { id: `file-${id}-progress`, class: 'progress-text' }, 'Waiting…');
  const body = h('div', { class: 'result-body' });
  const element = h(
    'li',
    {
      class: 'result tone-pending',
      attrs: { [`data-${kind}`]: path, 'data-state': 'waiting', 'aria-labelledby': `file-${id}-name` },
    },
    h(
      'div',
      { class: 'result-head' },
      kind === 'folder' ? h('span', { class: 'kind-label' }, 'Folder') : null,
      h('h3', { id: `file-${id}-name`, class: 'file-name' }, path),
      h('span', { class: 'file-size' }, label),
    ),
    h('div', { class: 'progress-line' }, progress, progressText),
    body,
  );
  return {
    id,
    kind,
    path,
    size,
    state: 'waiting',
    abort: new AbortController(),
    element,
    progress,
    progressText,
    body,
  };
}

/** The entry of a newly added file (hashing not started). */
export function createFileItem(file: File): FileItem {
  const item = createItem('file', file.webkitRelativePath || file.name, file.size, formatBytes(file.size));
  item.file = file;
  return item;
}

/** The entry of a newly added folder: `entries` hold paths relative to the folder's top. */
export function createFolderItem(name: string, entries: FolderEntry[]): FileItem {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const size = sorted.reduce((total, entry) => total + entry.file.size, 0);
  const count = sorted.length === 1 ? '1 file' : `${sorted.length} files`;
  const item = createItem('folder', name, size, `${count}, ${formatBytes(size)}`);
  item.entries = sorted;
  return item;
}

/** Shows hashing progress. */
export function showProgress(item: FileItem, done: number, total: number): void {
  const fraction = total === 0 ? 1 : done / total;
  item.progress.value = fraction;
  item.progressText.textContent = `Computing the fingerprint… ${Math.floor(fraction * 100)}% of ${formatBytes(total)}`;
}

/** Re-renders an entry from its state. */
export function renderFileItem(item: FileItem): void {
  const { element } = item;
  element.dataset.state = item.state;
  delete element.dataset.verdict;
  const hashingDone = item.state !== 'waiting' && item.state !== 'hashing';
  item.progress.closest('.progress-line')?.toggleAttribute('hidden', hashingDone);
  if (item.state === 'waiting') item.progressText.textContent = 'Waiting for the files before it…';

  if (item.state === 'failed') {
    setTone(element, 'neutral');
    replaceChildren(
      item.body,
      h('p', { class: 'verdict' }, badge('neutral', 'Could not check')),
      h('p', { class: 'explanation' }, item.failure?.message ?? 'Unknown problem.'),
      item.failure?.detail ? technical(item.failure.detail) : null,
      item.sha256 ? h('dl', { class: 'facts' }, fingerprintRow(item)) : null,
      folderFiles(item),
    );
    return;
  }
  if (!hashingDone) {
    setTone(element, 'pending');
    replaceChildren(item.body);
    return;
  }
  if (item.state === 'hashed' || item.state === 'checking' || !item.report) {
    setTone(element, 'pending');
    const facts = h('dl', { class: 'facts' }, fingerprintRow(item));
    const receiptFacts = receiptRow(item);
    if (receiptFacts) facts.append(receiptFacts);
    replaceChildren(
      item.body,
      h('p', { class: 'verdict' }, badge('pending', item.state === 'checking' ? 'Checking…' : 'Not checked yet')),
      item.state === 'hashed'
        ? h('p', { class: 'explanation' }, `Connect to a network in step 1 to check this ${item.kind}.`)
        : null,
      facts,
      folderFiles(item),
    );
    return;
  }
  const report = item.report;
  element.dataset.verdict = report.verified ? 'verified' : (report.reason ?? 'not-verified');
  const explanation = explainReport(item, report);
  setTone(element, explanation.tone);
  const facts = h('dl', { class: 'facts' });
  if (report.agency) {
    facts.append(
      row(
        'Agency',
        `${report.agency.name} `,
        h('span', { class: 'code' }, `(${report.agency.code})`),
        ' — ',
        h('span', { class: `agency-status status-${report.agency.status}` }, AGENCY_STATUS_TEXT[report.agency.status]),
      ),
    );
  }
  if (report.dataset) {
    facts.append(row('Dataset', h('span', { class: 'code' }, report.dataset.key ?? `id ${report.dataset.id}`)));
    facts.append(row('Version', versionText(item, report)));
  }
  if (report.anchor) facts.append(row('Registered on', formatTime(report.anchor.anchoredAt)));
  if (report.withdrawal) {
    facts.append(row('Withdrawn because', report.withdrawal.reason || '(no reason given)'));
  }
  facts.append(fingerprintRow(item));
  const receiptFacts = receiptRow(item);
  if (receiptFacts) facts.append(receiptFacts);
  if (report.transaction) {
    facts.append(
      row(
        'Transaction',
        report.transaction.explorer
          ? externalLink(report.transaction.explorer, shortHash(report.transaction.hash))
          : h('span', { class: 'hash' }, report.transaction.hash),
        ` (block ${report.transaction.blockNumber})`,
      ),
    );
  }
  const contractUrl = explorerAddressUrl(report.chainId, report.contract);
  facts.append(
    row(
      'Registry contract',
      contractUrl ? externalLink(contractUrl, report.contract) : h('span', { class: 'hash' }, report.contract),
      ` on ${chainName(report.chainId)}`,
    ),
  );
  replaceChildren(
    item.body,
    h('p', { class: 'verdict' }, badge(explanation.tone, explanation.title)),
    h('p', { class: 'explanation' }, explanation.text),
    facts,
    folderFiles(item),
    technical(report.message),
  );
}

function explainReport(item: FileItem, report: VerificationReport): Explanation {
  const receipt = item.receipt;
  const explanation = explainVerdict(report.reason, {
    subject: report.subject.kind === 'tree' ? 'folder' : 'file',
    network: item.network ?? chainName(report.chainId),
    agency: report.agency ? `${report.agency.name} (${report.agency.code})` : undefined,
    dataset: report.dataset?.key ?? report.dataset?.id,
    version: report.dataset?.version,
    date: report.anchor ? formatTime(report.anchor.anchoredAt) : undefined,
    withdrawalReason: report.withdrawal?.reason,
    receiptNetwork: receipt ? chainName(receipt.receipt.chainId) : undefined,
    receiptPath: receipt?.receipt.file.path,
  });
  if (report.reason === 'not-anchored' && report.subject.kind === 'file' && !receipt) {
    explanation.text += ' If the file was published as part of a folder, add its receipt (step 2, Receipts).';
  }
  return explanation;
}

function versionText(item: FileItem, report: VerificationReport): string {
  const version = `Version ${report.dataset?.version}`;
  if (!report.anchor) return version;
  const files = report.anchor.fileCount === 1 ? '1 file' : `${report.anchor.fileCount} files`;
  if (item.kind === 'folder') return `${version}: this folder of ${files}`;
  if (report.anchor.kind === 'tree') return `${version}: a folder of ${files}, this file among them`;
  return `${version}: this single file`;
}

function fingerprintRow(item: FileItem): DocumentFragment {
  const value = h('span', { class: 'hash' }, (item.sha256 ?? '').replace(/^0x/, ''));
  return item.kind === 'folder' ? row('Folder fingerprint (Merkle root)', value) : row('Fingerprint (SHA-256)', value);
}

function receiptRow(item: FileItem): DocumentFragment | null {
  if (!item.receipt) return null;
  const { receipt, source } = item.receipt;
  return row(
    'Receipt',
    h('span', { class: 'code' }, source),
    ` — ${receipt.dataset.key}, version ${receipt.dataset.version}, ${chainName(receipt.chainId)}`,
  );
}

/**
 * A folder's files with their fingerprints; when the folder does not verify and its receipts were added, which files
 * changed, which were added and which are missing (the verdict's `differences`).
 */
function folderFiles(item: FileItem): HTMLDetailsElement | null {
  if (item.kind !== 'folder' || !item.entries) return null;
  const differences = item.report?.differences;
  const changed = new Set(differences?.changed);
  const added = new Set(differences?.added);
  const status = (path: string): [Explanation['tone'], string, string] =>
    changed.has(path)
      ? ['bad', 'Changed since registration', 'changed']
      : added.has(path)
        ? ['bad', 'Not in the registered folder', 'added']
        : ['ok', 'Same as registered', 'unchanged'];
  const details = h(
    'details',
    { class: 'folder-files' },
    h('summary', null, differences ? 'Which files differ' : 'The files in this folder'),
    h(
      'ul',
      null,
      ...item.entries.map((entry) => {
        const [tone, text, name] = status(entry.path);
        return h(
          'li',
          { attrs: { 'data-path': entry.path, 'data-difference': differences ? name : undefined } },
          h('span', { class: 'code' }, entry.path),
          differences ? ' ' : null,
          differences ? badge(tone, text) : null,
          h('br'),
          h('span', { class: 'hash' }, (entry.sha256 ?? '').replace(/^0x/, '')),
        );
      }),
      ...(differences?.missing ?? []).map((path) =>
        h(
          'li',
          { attrs: { 'data-path': path, 'data-difference': 'missing' } },
          h('span', { class: 'code' }, path),
          ' ',
          badge('bad', 'Missing from your folder'),
        ),
      ),
    ),
  );
  details.open = !!differences;
  return details;
}

function technical(message: string): HTMLDetailsElement {
  return h(
    'details',
    { class: 'technical' },
    h('summary', null, 'Technical details'),
    h('p', { class: 'code' }, message),
  );
}

function badge(tone: Explanation['tone'] | 'pending', text: string): HTMLSpanElement {
  const icon = { ok: '✓', bad: '✗', warn: '!', neutral: '?', pending: '…' }[tone];
  return h(
    'span',
    { class: `badge badge-${tone}` },
    h('span', { class: 'badge-icon', attrs: { 'aria-hidden': 'true' } }, icon),
    text,
  );
}

function setTone(element: HTMLElement, tone: Explanation['tone'] | 'pending'): void {
  element.className = `result tone-${tone}`;
}

function shortHash(hash: string): string {
  return `${hash.slice(0, 10)}…${hash.slice(-8)}`;
}

/** The one-line summary above the list, announced to screen readers. */
export function renderSummary(items: readonly FileItem[]): void {
  const summary = byId<HTMLParagraphElement>('results-summary');
  byId<HTMLButtonElement>('clear-button').hidden = items.length === 0;
  if (items.length === 0) {
    summary.textContent = 'No file added yet.';
    return;
  }
  const count = (predicate: (item: FileItem) => boolean) => items.filter(predicate).length;
  const hashing = count((i) => i.state === 'waiting' || i.state === 'hashing');
  const checking = count((i) => i.state === 'checking');
  const verified = count((i) => i.state === 'done' && !!i.report?.verified);
  const notVerified = count((i) => i.state === 'done' && !i.report?.verified);
  const unchecked = count((i) => i.state === 'hashed' || i.state === 'failed');
  const files = count((i) => i.kind === 'file');
  const folders = count((i) => i.kind === 'folder');
  const parts = [
    [
      files && `${files} ${files === 1 ? 'file' : 'files'}`,
      folders && `${folders} ${folders === 1 ? 'folder' : 'folders'}`,
    ]
      .filter(Boolean)
      .join(' and '),
  ];
  if (verified) parts.push(`${verified} verified`);
  if (notVerified) parts.push(`${notVerified} not verified`);
  if (hashing) parts.push(`${hashing} computing fingerprints`);
  if (checking) parts.push(`${checking} being checked`);
  if (unchecked) parts.push(`${unchecked} not checked`);
  summary.textContent = parts.join(', ') + '.';
}
