/**
 * The reviewers' page: choose a network, add files (and receipts), see for each whether it is exactly what an agency
 * registered. Hashing is `src/core/hashBlob.ts`, the chain reads and the verdict are `src/client/verifyFile.ts` over
 * `src/core/verdict.ts`: this module only wires them to the page.
 */
import './style.css';
import { hashBlob } from '../../src/core/hashBlob';
import { verifyFile } from '../../src/client/verifyFile';
import { connect, describeFailure, type Connection } from './connect';
import { readDeploymentFile } from './deployments';
import { initDatasetView } from './datasetView';
import { byId, h, replaceChildren } from './dom';
import { PRESETS, embeddedDeployments, type PresetId } from './networks';
import { loadReceipts, receiptFor, type LoadedReceipt } from './receipts';
import { createFileItem, renderFileItem, renderSummary, showProgress, type FileItem } from './results';
import { errorText } from './wording';
import type { SuiteAddresses } from '../../src/client/connection';

const presetSelect = byId<HTMLSelectElement>('network-preset');
const rpcInput = byId<HTMLInputElement>('rpc-url');
const deploymentInput = byId<HTMLInputElement>('deployment-file');
const networkForm = byId<HTMLFormElement>('network-form');
const networkStatus = byId<HTMLDivElement>('network-status');
const connectButton = byId<HTMLButtonElement>('connect-button');
const fileInput = byId<HTMLInputElement>('file-input');
const dropZone = byId<HTMLDivElement>('drop-zone');
const receiptInput = byId<HTMLInputElement>('receipt-input');
const receiptFolderInput = byId<HTMLInputElement>('receipt-folder-input');
const receiptStatus = byId<HTMLDivElement>('receipt-status');
const resultsList = byId<HTMLOListElement>('results');
const clearButton = byId<HTMLButtonElement>('clear-button');

const items: FileItem[] = [];
const receipts: LoadedReceipt[] = [];
let connection: Connection | undefined;
/** Bumped on every (re)connection: checks started under an older connection are discarded. */
let generation = 0;
let connecting: Promise<void> | undefined;
let hashing = false;

// ---- network -------------------------------------------------------------------------------------------------

function initNetworkForm(): void {
  for (const preset of PRESETS) presetSelect.append(h('option', { attrs: { value: preset.id } }, preset.label));
  presetSelect.value = defaultPreset();
  rpcInput.value = presetById(presetSelect.value as PresetId).rpcUrl;
  presetSelect.addEventListener('change', () => {
    const preset = presetById(presetSelect.value as PresetId);
    rpcInput.value = preset.rpcUrl;
    if (preset.id === 'custom') rpcInput.focus();
    setNetworkStatus('idle', 'Not connected. Press Connect.');
  });
  networkForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void startConnect();
  });
  setNetworkStatus('idle', 'Not connected yet. Adding files connects automatically.');
}

function presetById(id: PresetId) {
  return PRESETS.find((preset) => preset.id === id) ?? PRESETS[0];
}

/** Local pages (from disk or 127.0.0.1) default to the local chain; hosted pages to the first network they know. */
function defaultPreset(): PresetId {
  const local = location.protocol === 'file:' || ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname);
  if (local) return 'local';
  const known = PRESETS.find(
    (preset) => preset.chainId && preset.id !== 'local' && embeddedDeployments().has(preset.chainId),
  );
  return known?.id ?? 'local';
}

function setNetworkStatus(tone: 'idle' | 'busy' | 'ok' | 'bad', message: string, detail?: string, extra?: Node): void {
  networkStatus.className = `status status-${tone}`;
  replaceChildren(
    networkStatus,
    h('p', null, message),
    detail
      ? h('details', { class: 'technical' }, h('summary', null, 'Technical details'), h('p', { class: 'code' }, detail))
      : null,
    extra ?? null,
  );
}

/** Connects with the form's settings; then re-checks every file. Resolves once connected (or failed). */
function startConnect(): Promise<void> {
  const run = async () => {
    const preset = presetById(presetSelect.value as PresetId);
    connection?.client.provider.destroy();
    connection = undefined;
    generation++;
    connectButton.disabled = true;
    setNetworkStatus('busy', `Connecting to ${rpcInput.value.trim() || 'the network'}…`);
    try {
      let deployment: SuiteAddresses | undefined;
      const deploymentFile = deploymentInput.files?.[0];
      if (deploymentFile) deployment = await readDeploymentFile(deploymentFile);
      connection = await connect({ preset, rpcUrl: rpcInput.value, deployment });
      const { client, network } = connection;
      setNetworkStatus(
        'ok',
        `Connected to ${network}.`,
        undefined,
        h(
          'p',
          { class: 'hint' },
          'Registry contract ',
          h('span', { class: 'hash' }, client.suite.datasetRegistry),
          ` (from ${client.suite.source}).`,
        ),
      );
    } catch (error) {
      const { message, detail } = describeFailure(error);
      setNetworkStatus('bad', message, detail);
    } finally {
      connectButton.disabled = false;
    }
  };
  const attempt = run().finally(() => {
    if (connecting === attempt) connecting = undefined;
  });
  connecting = attempt;
  void attempt.then(() => checkAll());
  return attempt;
}

// ---- files -----------------------------------------------------------------------------------------------------

function addFiles(files: Iterable<File>): void {
  const added: FileItem[] = [];
  for (const file of files) {
    const item = createFileItem(file);
    items.push(item);
    added.push(item);
    resultsList.append(item.element);
    renderFileItem(item);
  }
  if (added.length === 0) return;
  renderSummary(items);
  if (!connection && !connecting) void startConnect();
  void hashQueue();
}

/** Hashes waiting files one at a time (memory stays at one slice), checking each as soon as its hash is known. */
async function hashQueue(): Promise<void> {
  if (hashing) return;
  hashing = true;
  try {
    for (let item = nextWaiting(); item; item = nextWaiting()) {
      item.state = 'hashing';
      renderFileItem(item);
      renderSummary(items);
      let lastPaint = 0;
      try {
        item.sha256 = await hashBlob(item.file, {
          signal: item.abort.signal,
          onProgress: (done, total) => {
            const now = performance.now();
            if (now - lastPaint > 100 || done === total) {
              lastPaint = now;
              showProgress(item, done, total);
            }
          },
        });
        item.state = 'hashed';
      } catch (error) {
        if (item.abort.signal.aborted) continue;
        item.state = 'failed';
        item.failure = {
          message: 'The file could not be read. It may have been moved or deleted.',
          detail: errorText(error),
        };
      }
      renderFileItem(item);
      renderSummary(items);
      if (item.state === 'hashed') void checkItem(item);
    }
  } finally {
    hashing = false;
  }
}

function nextWaiting(): FileItem | undefined {
  return items.find((item) => item.state === 'waiting');
}

/** Checks one hashed file against the connected network (waits for a connection under way). */
async function checkItem(item: FileItem, force = false): Promise<void> {
  while (connecting) await connecting;
  if (!connection || !item.sha256 || item.abort.signal.aborted) return;
  if (!force && item.checkedIn === generation) return;
  const current = connection;
  const started = generation;
  item.checkedIn = started;
  item.receipt = receiptFor(receipts, { path: item.path, sha256: item.sha256 }, current.client.chainId);
  item.state = 'checking';
  item.failure = undefined;
  renderFileItem(item);
  renderSummary(items);
  try {
    const report = await verifyFile(current.client, {
      path: item.path,
      sha256: item.sha256,
      receipt: item.receipt?.receipt,
    });
    if (started !== generation || item.abort.signal.aborted) return;
    item.report = report;
    item.network = current.network;
    item.state = 'done';
  } catch (error) {
    if (started !== generation || item.abort.signal.aborted) return;
    item.state = 'failed';
    item.failure = describeFailure(error);
  }
  renderFileItem(item);
  renderSummary(items);
}

/** Checks every hashed file: after connecting, or again (`force`) when receipts are added. */
async function checkAll(force = false): Promise<void> {
  const ready = items.filter((item) => item.sha256 && item.state !== 'hashing' && item.state !== 'waiting');
  for (const item of ready) {
    if (!connection) {
      item.state = 'hashed';
      item.report = undefined;
      renderFileItem(item);
    }
  }
  renderSummary(items);
  if (!connection) return;
  // Sequential: a public endpoint is not flooded, and the list fills in order.
  for (const item of ready) await checkItem(item, force);
}

function clearFiles(): void {
  for (const item of items) item.abort.abort();
  items.length = 0;
  resultsList.replaceChildren();
  renderSummary(items);
  fileInput.value = '';
}

function initFileInputs(): void {
  fileInput.addEventListener('change', () => {
    if (fileInput.files) addFiles(Array.from(fileInput.files));
    fileInput.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    dropZone.addEventListener(type, (event) => {
      event.preventDefault();
      dropZone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    dropZone.addEventListener(type, () => dropZone.classList.remove('dragging'));
  }
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    void droppedFiles(event.dataTransfer).then(addFiles);
  });
  // A file dropped outside the zone would otherwise replace the page.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
  clearButton.addEventListener('click', () => {
    clearFiles();
    fileInput.focus();
  });

  receiptInput.addEventListener('change', () => void addReceipts(receiptInput.files));
  receiptFolderInput.addEventListener('change', () => void addReceipts(receiptFolderInput.files));
}

/** Files dropped, including the files inside dropped folders (with their paths relative to the folder). */
async function droppedFiles(data: DataTransfer | null): Promise<File[]> {
  if (!data) return [];
  const entries = Array.from(data.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((entry): entry is FileSystemEntry => !!entry);
  if (entries.length === 0 || entries.every((entry) => entry.isFile)) return Array.from(data.files);
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      const path = prefix + file.name;
      files.push(path === file.name ? file : withPath(file, path));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return files;
}

/** A file whose `webkitRelativePath` is `path` (dropped folders do not set it). */
function withPath(file: File, path: string): File {
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

async function addReceipts(files: FileList | null): Promise<void> {
  if (!files || files.length === 0) return;
  const { loaded, rejected } = await loadReceipts(Array.from(files));
  const known = new Set(
    receipts.map((r) => `${r.receipt.chainId}:${r.receipt.anchor.contentHash}:${r.receipt.file.path}`),
  );
  for (const entry of loaded) {
    const key = `${entry.receipt.chainId}:${entry.receipt.anchor.contentHash}:${entry.receipt.file.path}`;
    if (!known.has(key)) receipts.push(entry);
    known.add(key);
  }
  receiptStatus.className = `status ${rejected.length ? 'status-bad' : 'status-ok'}`;
  replaceChildren(
    receiptStatus,
    h('p', null, `${receipts.length} ${receipts.length === 1 ? 'receipt' : 'receipts'} ready.`),
    rejected.length
      ? h(
          'ul',
          null,
          ...rejected.map((r) =>
            h('li', null, `${r.source} was not used: ${r.problem.replace(`${r.source} is `, 'it is ')}`),
          ),
        )
      : null,
  );
  receiptInput.value = '';
  receiptFolderInput.value = '';
  await checkAll(true);
}

initNetworkForm();
initFileInputs();
initDatasetView(
  () => connection,
  startConnect,
  () => connecting,
);
renderSummary(items);
