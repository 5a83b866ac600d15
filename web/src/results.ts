/** One entry of the results list: a file, its fingerprint's progress, and what the chain says about it. */
import { explorerAddressUrl } from '../../src/core/explorer';
import type { VerificationReport } from '../../src/client/verification';
import { byId, externalLink, h, replaceChildren, row } from './dom';
import { chainName } from './networks';
import type { LoadedReceipt } from './receipts';
import { AGENCY_STATUS_TEXT, explainVerdict, formatBytes, formatTime, type Explanation } from './wording';

export type FileState = 'waiting' | 'hashing' | 'hashed' | 'checking' | 'done' | 'failed';

export interface FileItem {
  id: number;
  file: File;
  /** The name, or the path inside a dropped folder. */
  path: string;
  state: FileState;
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

/** Creates the list entry of a newly added file (hashing not started). */
export function createFileItem(file: File): FileItem {
  const id = nextId++;
  const path = file.webkitRelativePath || file.name;
  const progress = h('progress', {
    attrs: { max: '1', value: '0', 'aria-labelledby': `file-${id}-name file-${id}-progress` },
  });
  const progressText = h('span', { id: `file-${id}-progress`, class: 'progress-text' }, 'Waiting…');
  const body = h('div', { class: 'result-body' });
  const element = h(
    'li',
    {
      class: 'result tone-pending',
      attrs: { 'data-file': path, 'data-state': 'waiting', 'aria-labelledby': `file-${id}-name` },
    },
    h(
      'div',
      { class: 'result-head' },
      h('h3', { id: `file-${id}-name`, class: 'file-name' }, path),
      h('span', { class: 'file-size' }, formatBytes(file.size)),
    ),
    h('div', { class: 'progress-line' }, progress, progressText),
    body,
  );
  return { id, file, path, state: 'waiting', abort: new AbortController(), element, progress, progressText, body };
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
      item.sha256 ? h('dl', { class: 'facts' }, fingerprintRow(item.sha256)) : null,
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
    replaceChildren(
      item.body,
      h('p', { class: 'verdict' }, badge('pending', item.state === 'checking' ? 'Checking…' : 'Not checked yet')),
      item.state === 'hashed'
        ? h('p', { class: 'explanation' }, 'Connect to a network in step 1 to check this file.')
        : null,
      h('dl', { class: 'facts' }, fingerprintRow(item.sha256 ?? ''), receiptRow(item)),
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
    facts.append(row('Version', versionText(report)));
  }
  if (report.anchor) facts.append(row('Registered on', formatTime(report.anchor.anchoredAt)));
  if (report.withdrawal) {
    facts.append(row('Withdrawn because', report.withdrawal.reason || '(no reason given)'));
  }
  facts.append(fingerprintRow(item.sha256 ?? ''));
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
    technical(report.message),
  );
}

function explainReport(item: FileItem, report: VerificationReport): Explanation {
  const explanation = explainVerdict(report.reason, {
    network: item.network ?? chainName(report.chainId),
    agency: report.agency ? `${report.agency.name} (${report.agency.code})` : undefined,
    dataset: report.dataset?.key ?? report.dataset?.id,
    version: report.dataset?.version,
    date: report.anchor ? formatTime(report.anchor.anchoredAt) : undefined,
    withdrawalReason: report.withdrawal?.reason,
    receiptNetwork: item.receipt ? chainName(item.receipt.receipt.chainId) : undefined,
    receiptPath: item.receipt?.receipt.file.path,
  });
  if (report.reason === 'not-anchored' && !item.receipt) {
    explanation.text += ' If the file was published as part of a folder, add its receipt (step 2, Receipts).';
  }
  return explanation;
}

function versionText(report: VerificationReport): string {
  const version = `Version ${report.dataset?.version}`;
  if (!report.anchor) return version;
  if (report.anchor.kind === 'tree') {
    const files = report.anchor.fileCount === 1 ? '1 file' : `${report.anchor.fileCount} files`;
    return `${version}: a folder of ${files}, this file among them`;
  }
  return `${version}: this single file`;
}

function fingerprintRow(sha256: string): DocumentFragment {
  return row('Fingerprint (SHA-256)', h('span', { class: 'hash' }, sha256.replace(/^0x/, '')));
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
  const parts = [`${items.length} ${items.length === 1 ? 'file' : 'files'}`];
  if (verified) parts.push(`${verified} verified`);
  if (notVerified) parts.push(`${notVerified} not verified`);
  if (hashing) parts.push(`${hashing} computing fingerprints`);
  if (checking) parts.push(`${checking} being checked`);
  if (unchecked) parts.push(`${unchecked} not checked`);
  summary.textContent = parts.join(', ') + '.';
}
