/**
 * The reviewers' page: choose a network, add files (and receipts), see for each whether it is exactly what an agency
 * registered. Hashing is `src/core/hashBlob.ts`, the chain reads and the verdict are `src/client/verifyFile.ts` over
 * `src/core/verdict.ts`: this module only wires them to the page.
 */
import './style.css';
import { hashBlob } from '../../src/core/hashBlob';
import { verifyFile } from '../../src/client/verifyFile';
import { verifyTree } from '../../src/client/verifyTree';
import type { VerificationReport } from '../../src/client/verification';
import { explorerAddressUrl } from '../../src/core/explorer';
import { buildTree } from '../../src/core/tree';
import { treeDifferences } from '../../src/core/verdict';
import { connect, describeFailure, type Connection } from './connect';
import { readDeploymentFile } from './deployments';
import { initDatasetView } from './datasetView';
import { byId, externalLink, h, replaceChildren } from './dom';
import { PRESETS, embeddedDeployments, type PresetId } from './networks';
import { loadReceipts, receiptFor, treeReceiptsFor, type LoadedReceipt } from './receipts';
import {
  createFileItem,
  createFolderItem,
  renderFileItem,
  renderSummary,
  showProgress,
  type FileItem,
  type FolderEntry,
} from './results';
import { errorText } from './wording';
import type { SuiteAddresses } from '../../src/client/connection';

const presetSelect = byId<HTMLSelectElement>('network-preset');
const rpcInput = byId<HTMLInputElement>('rpc-url');
const deploymentInput = byId<HTMLInputElement>('deployment-file');
const networkForm = byId<HTMLFormElement>('network-form');
const networkStatus = byId<HTMLDivElement>('network-status');
const connectButton = byId<HTMLButtonElement>('connect-button');
const fileInput = byId<HTMLInputElement>('file-input');
const folderInput = byId<HTMLInputElement>('folder-input');
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
/** Whether a connection was tried: receipts added after a failed attempt may name the registry, so retry then. */
let attempted = false;

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

/** The registry named by a receipt of this chain, for chains whose deployment this page does not know. */
function receiptSuite(chainId: number): SuiteAddresses | undefined {
  const receipt = receipts.find((entry) => entry.receipt.chainId === chainId)?.receipt;
  return receipt && { chainId, datasetRegistry: receipt.contract, startBlock: 0, source: 'receipt' };
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
      connection = await connect({ preset, rpcUrl: rpcInput.value, deployment, fallbackSuite: receiptSuite });
      const { client, network } = connection;
      const contractUrl = explorerAddressUrl(client.chainId, client.suite.datasetRegistry);
      const source =
        client.suite.source === 'receipt' ? 'named by the receipts you added' : `from ${client.suite.source}`;
      setNetworkStatus(
        'ok',
        `Connected to ${network}.`,
        undefined,
        h(
          'p',
          { class: 'hint' },
          'Registry contract ',
          contractUrl
            ? externalLink(contractUrl, client.suite.datasetRegistry)
            : h('span', { class: 'hash' }, client.suite.datasetRegistry),
          ` (${source}).`,
        ),
      );
    } catch (error) {
      const { message, detail } = describeFailure(error);
      setNetworkStatus('bad', message, detail);
    } finally {
      connectButton.disabled = false;
    }
  };
  attempted = true;
  const attempt = run().finally(() => {
    if (connecting === attempt) connecting = undefined;
  });
  connecting = attempt;
  void attempt.then(() => checkAll());
  return attempt;
}

// ---- files and folders --------------------------------------------------------------------------------------

/** A folder the reviewer added: its name and its files, with paths relative to it. */
interface AddedFolder {
  name: string;
  entries: FolderEntry[];
}

function addItems(files: Iterable<File>, folders: Iterable<AddedFolder> = []): void {
  const added: FileItem[] = [];
  for (const folder of folders) {
    if (folder.entries.length > 0) added.push(createFolderItem(folder.name, folder.entries));
  }
  for (const file of files) added.push(createFileItem(file));
  if (added.length === 0) return;
  for (const item of added) {
    items.push(item);
    resultsList.append(item.element);
    renderFileItem(item);
  }
  renderSummary(items);
  if (!connection && !connecting) void startConnect();
  void hashQueue();
}

/** Hashes waiting entries one at a time (memory stays at one slice), checking each as soon as its hash is known. */
async function hashQueue(): Promise<void> {
  if (hashing) return;
  hashing = true;
  try {
    for (let item = nextWaiting(); item; item = nextWaiting()) {
      item.state = 'hashing';
      renderFileItem(item);
      renderSummary(items);
      try {
        item.sha256 = item.kind === 'folder' ? await hashFolder(item) : await hashOne(item, item.file!, 0);
        item.state = 'hashed';
      } catch (error) {
        if (item.abort.signal.aborted) continue;
        item.state = 'failed';
        item.failure = {
          message:
            error instanceof Error && error.name === 'TreeError'
              ? error.message
              : `The ${item.kind} could not be read. It may have been moved or deleted.`,
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

/** Streams one file through SHA-256, showing progress on `item` (offset by the bytes of a folder's earlier files). */
async function hashOne(item: FileItem, file: File, offset: number): Promise<string> {
  let lastPaint = 0;
  return hashBlob(file, {
    signal: item.abort.signal,
    onProgress: (done) => {
      const now = performance.now();
      if (now - lastPaint > 100 || offset + done === item.size) {
        lastPaint = now;
        showProgress(item, offset + done, item.size);
      }
    },
  });
}

/** Hashes a folder's files and returns the Merkle root of the tree over them (`src/core/tree.ts`). */
async function hashFolder(item: FileItem): Promise<string> {
  let offset = 0;
  for (const entry of item.entries!) {
    entry.sha256 = await hashOne(item, entry.file, offset);
    offset += entry.file.size;
  }
  try {
    return buildTree(item.entries!.map((entry) => ({ path: entry.path, sha256: entry.sha256! }))).root;
  } catch (error) {
    const problem = new Error(`This folder cannot be checked as a registered folder: ${errorText(error)}.`);
    problem.name = 'TreeError';
    throw problem;
  }
}

function nextWaiting(): FileItem | undefined {
  return items.find((item) => item.state === 'waiting');
}

/** Checks one hashed entry against the connected network (waits for a connection under way). */
async function checkItem(item: FileItem, force = false): Promise<void> {
  while (connecting) await connecting;
  if (!connection || !item.sha256 || item.abort.signal.aborted) return;
  if (!force && item.checkedIn === generation) return;
  const current = connection;
  const started = generation;
  const stale = () => started !== generation || item.abort.signal.aborted;
  item.checkedIn = started;
  item.receipt =
    item.kind === 'file'
      ? receiptFor(receipts, { path: item.path, sha256: item.sha256 }, current.client.chainId)
      : undefined;
  item.state = 'checking';
  item.failure = undefined;
  renderFileItem(item);
  renderSummary(items);
  try {
    let report: VerificationReport;
    if (item.kind === 'folder') {
      // The folder's receipts (if added) let the verdict say which files differ when the folder does not verify.
      const files = item.entries!.map((entry) => ({ path: entry.path, sha256: entry.sha256! }));
      const treeReceipts = treeReceiptsFor(
        receipts,
        files.map((file) => file.path),
        current.client.chainId,
      );
      const differences = treeDifferences(files, treeReceipts);
      report = await verifyTree(current.client, { path: `${item.path}/`, root: item.sha256, differences });
    } else {
      report = await verifyFile(current.client, {
        path: item.path,
        sha256: item.sha256,
        receipt: item.receipt?.receipt,
      });
    }
    if (stale()) return;
    item.report = report;
    item.network = current.network;
    item.state = 'done';
  } catch (error) {
    if (stale()) return;
    item.state = 'failed';
    item.failure = describeFailure(error);
  }
  renderFileItem(item);
  renderSummary(items);
}

/** Checks every hashed entry: after connecting, or again (`force`) when receipts are added. */
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
  folderInput.value = '';
}

function initFileInputs(): void {
  fileInput.addEventListener('change', () => {
    if (fileInput.files) addItems(Array.from(fileInput.files));
    fileInput.value = '';
  });
  folderInput.addEventListener('change', () => {
    if (folderInput.files) addItems([], foldersOf(Array.from(folderInput.files)));
    folderInput.value = '';
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
    void dropped(event.dataTransfer).then(({ files, folders }) => addItems(files, folders));
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

/** Files picked with a folder picker (`webkitRelativePath` = `<folder>/<path>`), grouped by their top folder. */
function foldersOf(files: File[]): AddedFolder[] {
  const folders = new Map<string, FolderEntry[]>();
  for (const file of files) {
    const [name, ...rest] = (file.webkitRelativePath || file.name).split('/');
    if (rest.length === 0) continue;
    if (!folders.has(name)) folders.set(name, []);
    folders.get(name)!.push({ file, path: rest.join('/') });
  }
  return [...folders].map(([name, entries]) => ({ name, entries }));
}

/** What was dropped: loose files, and folders with their files (paths relative to each folder). */
async function dropped(data: DataTransfer | null): Promise<{ files: File[]; folders: AddedFolder[] }> {
  if (!data) return { files: [], folders: [] };
  const entries = Array.from(data.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((entry): entry is FileSystemEntry => !!entry);
  if (entries.length === 0) return { files: Array.from(data.files), folders: [] };
  const files: File[] = [];
  const folders: AddedFolder[] = [];
  const fileOf = (entry: FileSystemEntry) =>
    new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
  const walk = async (directory: FileSystemDirectoryEntry, prefix: string, into: FolderEntry[]): Promise<void> => {
    const reader = directory.createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) {
        if (child.isFile) into.push({ file: await fileOf(child), path: prefix + child.name });
        else if (child.isDirectory) await walk(child as FileSystemDirectoryEntry, `${prefix}${child.name}/`, into);
      }
    }
  };
  for (const entry of entries) {
    if (entry.isFile) files.push(await fileOf(entry));
    else if (entry.isDirectory) {
      const folder: AddedFolder = { name: entry.name, entries: [] };
      await walk(entry as FileSystemDirectoryEntry, '', folder.entries);
      folders.push(folder);
    }
  }
  return { files, folders };
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
  if (!connection && attempted && !connecting && loaded.length > 0) await startConnect();
  else await checkAll(true);
}

initNetworkForm();
initFileInputs();
initDatasetView(
  () => connection,
  startConnect,
  () => connecting,
);
renderSummary(items);
