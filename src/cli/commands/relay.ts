import { Command } from 'commander';
import { formatEther, isError, type LogDescription } from 'ethers';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { anchorDataset } from '../../client/anchorDataset';
import type { GovanchorClient } from '../../client/connection';
import { guard, toGovanchorError } from '../../client/errors';
import { lookupAnchor } from '../../client/lookupAnchor';
import {
  decodeRelayError,
  relaySignedActions,
  type RelayItemError,
  type RelayTransaction,
} from '../../client/relaySignedActions';
import { eachLimited } from '../../core/eachLimited';
import { ConfigError } from '../../core/errors';
import { ExitCode } from '../../core/exitCodes';
import { isoTime } from '../../core/expiry';
import { explorerTxUrl } from '../../core/explorer';
import { datasetIdOf, parseCount } from '../../core/identifiers';
import { buildFileReceipt, buildTreeReceipts, type AnchorRecord, type Receipt } from '../../core/receipt';
import {
  MAX_RELAY_BATCH,
  SIGNED_ACTIONS,
  bySigCallArgs,
  parseSignedRequestFileText,
  signedRequestTarget,
  SignedRequestError,
  type AnchorItem,
  type SignedRequest,
} from '../../core/signedActions';
import { checkSignedContent, type CheckedContent } from '../../core/signedContent';
import { fsError } from '../../node/hashPath';
import {
  checkReceiptsDir,
  holdsReceipt,
  fileReceiptPath,
  treeReceiptPath,
  treeReceiptsDir,
  writeReceipt,
} from '../../node/receiptFiles';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, note } from '../output';

type Status = 'relayed' | 'would-relay' | 'already-relayed' | 'duplicate' | 'rejected' | 'pending';

/** One signed request of the files given, and what became of it. */
interface Item {
  file: string;
  /** Its position in its file. */
  index: number;
  /** `file` or `file[index]` when the file holds several requests. */
  label: string;
  request: SignedRequest;
  /** Per anchor item (one for `Anchor`): the checked `content`, if the file gives it. */
  content: (CheckedContent | undefined)[];
  status: Status;
  duplicateOf?: string;
  error?: RelayItemError;
  transaction?: { hash: string; blockNumber: number; explorer?: string };
  events: LogDescription[];
  result?: Record<string, unknown>;
  receipts: { location: string; written: number; kept: number }[];
}

/** The anchor items of a request (`Anchor`: one; `AnchorBatch`: its items; others: none). */
function anchorItems(request: SignedRequest): AnchorItem[] {
  if (request.action === 'Anchor') return [request.args];
  if (request.action === 'AnchorBatch') return request.args.items;
  return [];
}

/** Reads and checks every file before anything touches the network. @throws InputError (exit 2). */
async function loadItems(files: string[]): Promise<Item[]> {
  const items: Item[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw fsError(file, error);
    });
    const requests = parseSignedRequestFileText(text, file);
    const raw = (JSON.parse(text) as { requests: Record<string, unknown>[] }).requests;
    requests.forEach((request, index) => {
      const at = `requests[${index}].content`;
      const value = raw[index].content;
      const anchors = anchorItems(request);
      let content: (CheckedContent | undefined)[] = [];
      const fail = (problem: string): never => {
        throw new SignedRequestError(`${file} is not a valid govanchor signed-request file: ${at} ${problem}`);
      };
      if (value !== undefined && anchors.length === 0) {
        fail('is only for Anchor and AnchorBatch requests');
      } else if (request.action === 'Anchor') {
        content = [checkSignedContent(value, anchors[0], at, file)];
      } else if (value !== undefined) {
        if (!Array.isArray(value) || value.length !== anchors.length) fail('must be an array with one entry per item');
        content = anchors.map((item, i) => checkSignedContent((value as unknown[])[i], item, `${at}[${i}]`, file));
      }
      const label = requests.length > 1 ? `${file}[${index}]` : file;
      items.push({ file, index, label, request, content, status: 'pending', events: [], receipts: [] });
    });
  }
  return items;
}

/** The deployment's contract for each action, and a check that every request is for this chain and deployment. */
function checkTargets(client: GovanchorClient, items: Item[]): void {
  for (const { label, request } of items) {
    if (request.chainId !== client.chainId) {
      throw new ConfigError(
        `${label}: signed for chain ${request.chainId}, but the node at ${client.rpcUrl} serves chain ${client.chainId}: relay it with an RPC endpoint of chain ${request.chainId}`,
      );
    }
    const kind = SIGNED_ACTIONS[request.action].contract;
    const expected = kind === 'DatasetRegistry' ? client.suite.datasetRegistry : client.suite.accessGrants;
    if (!expected || expected.toLowerCase() !== request.contract.toLowerCase()) {
      throw new ConfigError(
        `${label}: signed for ${kind} ${request.contract}, but this chain's deployment (${client.suite.source}) has ${kind} ${expected ?? 'none'}: relay it with that deployment's --deployment file`,
      );
    }
  }
}

function contractOf(client: GovanchorClient, request: SignedRequest) {
  return SIGNED_ACTIONS[request.action].contract === 'DatasetRegistry' ? client.registry : client.accessGrants;
}

function callData(client: GovanchorClient, request: SignedRequest): string {
  return contractOf(client, request).interface.encodeFunctionData(
    SIGNED_ACTIONS[request.action].function as never,
    bySigCallArgs(request) as never,
  );
}

/** The revert of a simulated call, or undefined if it succeeds. @throws GovanchorError for network failures. */
async function simulate(client: GovanchorClient, from: string, to: string, data: string): Promise<string | undefined> {
  try {
    await client.provider.call({ from, to, data });
    return undefined;
  } catch (error) {
    if (!isError(error, 'CALL_EXCEPTION')) throw toGovanchorError(error, 'simulate the signed request', client.rpcUrl);
    return error.data ?? '0x';
  }
}

/**
 * Marks the requests that would be rejected now (simulating them as the relayer, in order, as `relayBatch` runs
 * them), so that the relayer pays for none of them.
 */
async function rejectFailing(client: GovanchorClient, relayer: string, group: Item[], batchSize: number) {
  const contract = contractOf(client, group[0].request);
  const to = group[0].request.contract;
  for (let start = 0; start < group.length; start += batchSize) {
    const chunk = group.slice(start, start + batchSize);
    const calls = chunk.map((item) => callData(client, item.request));
    let succeeded: boolean[];
    if (chunk.length === 1) {
      succeeded = [(await simulate(client, relayer, to, calls[0])) === undefined];
    } else {
      succeeded = await guard('simulate the relay batch', client.rpcUrl, () =>
        contract.relayBatch.staticCall(calls, { from: relayer }),
      );
    }
    for (const [i, item] of chunk.entries()) {
      if (succeeded[i]) continue;
      const revert = await simulate(client, relayer, to, calls[i]);
      // Fails only after earlier items of the batch (e.g. the same content twice): relayBatch reports it.
      if (revert === undefined) continue;
      item.status = 'rejected';
      item.error = decodeRelayError(revert);
    }
  }
}

/** What an item did, from its events, for people and for --json. */
function summarize(item: Item): Record<string, unknown> {
  const byName = (name: string) => item.events.filter((e) => e.name === name);
  const relayed = byName('SignedActionRelayed')[0];
  const result: Record<string, unknown> = relayed
    ? { agencyId: Number(relayed.args.agencyId), signer: String(relayed.args.signer) }
    : {};
  const { request } = item;
  switch (request.action) {
    case 'Anchor':
    case 'AnchorBatch': {
      const anchors = anchorItems(request);
      const anchored = byName('Anchored');
      const created = new Set(byName('DatasetCreated').map((e) => String(e.args.datasetId).toLowerCase()));
      const versions = anchors.map((a, i) => ({
        datasetKey: a.datasetKey,
        datasetId: datasetIdOf(a.datasetKey),
        version: Number(anchored[i]?.args.version ?? 0),
        created: created.has(datasetIdOf(a.datasetKey)),
        kind: a.kind === 1 ? 'file' : 'tree',
        fileCount: a.fileCount,
        contentHash: a.contentHash,
      }));
      return request.action === 'Anchor' ? { ...result, ...versions[0] } : { ...result, anchors: versions };
    }
    case 'Withdraw': {
      const e = byName('AnchorWithdrawn')[0];
      return {
        ...result,
        contentHash: request.args.contentHash,
        datasetId: e?.args.datasetId,
        version: Number(e?.args.version ?? 0),
      };
    }
    case 'RequestAccess': {
      const e = byName('AccessRequested')[0];
      return { ...result, requestId: String(e?.args.requestId ?? ''), datasetId: request.args.datasetId };
    }
    case 'ApproveRequest':
    case 'GrantAccess': {
      const e = byName('AccessGranted')[0];
      return {
        ...result,
        grantId: String(e?.args.grantId ?? ''),
        datasetId: String(e?.args.datasetId ?? ''),
        granteeAgencyId: Number(e?.args.granteeAgencyId ?? 0),
        expiresAt: isoTime(Number(e?.args.expiresAt ?? 0)),
      };
    }
    case 'DenyRequest':
      return { ...result, requestId: request.args.requestId };
    case 'RevokeGrant':
      return { ...result, grantId: request.args.grantId };
  }
}

/** One line about what an item does (or did). */
function describe(item: Item): string {
  const { request, result } = item;
  const args = request.args as unknown as Record<string, unknown>;
  switch (request.action) {
    case 'Anchor': {
      const what = `${request.args.kind === 1 ? 'file' : 'tree'}, ${request.args.fileCount} file${request.args.fileCount === 1 ? '' : 's'}`;
      const version = result?.version ? ` v${result.version}` : '';
      return `Anchor ${request.args.datasetKey}${version} (${what})`;
    }
    case 'AnchorBatch':
      return `AnchorBatch of ${request.args.items.length} versions`;
    case 'Withdraw':
      return `Withdraw ${request.args.contentHash}${result?.version ? ` (version ${result.version})` : ''}`;
    case 'RequestAccess':
      return `RequestAccess to ${request.args.datasetId}${result?.requestId ? `: request ${result.requestId}` : ''}`;
    case 'ApproveRequest':
      return `ApproveRequest ${args.requestId}${result?.grantId ? `: grant ${result.grantId} until ${result.expiresAt}` : ''}`;
    case 'GrantAccess':
      return `GrantAccess to ${request.args.datasetId} for agency ${request.args.granteeAgencyId}${result?.grantId ? `: grant ${result.grantId} until ${result.expiresAt}` : ''}`;
    case 'DenyRequest':
      return `DenyRequest ${args.requestId}`;
    case 'RevokeGrant':
      return `RevokeGrant ${args.grantId}`;
  }
}

/** Writes the receipts of a request's anchors (where `content` is given), next to its file or under --receipts. */
async function writeItemReceipts(
  item: Item,
  records: (AnchorRecord | undefined)[],
  receiptsRoot: string | undefined,
  onlyMissing: boolean,
): Promise<void> {
  const base = receiptsRoot ?? dirname(item.file);
  for (const [i, content] of item.content.entries()) {
    const record = records[i];
    if (!content || !record) continue;
    let pairs: [string, Receipt][];
    let location: string;
    if (content.kind === 'file') {
      location = fileReceiptPath(content.name, base);
      pairs = [[location, buildFileReceipt(record, content.name)]];
    } else {
      location = treeReceiptsDir(join(base, content.name));
      pairs = buildTreeReceipts(record, content.tree).map((r) => [treeReceiptPath(location, r.file.path), r]);
    }
    let written = 0;
    let kept = 0;
    for (const [path, receipt] of pairs) {
      if (onlyMissing && (await holdsReceipt(path, receipt))) {
        kept++;
        continue;
      }
      await writeReceipt(path, receipt);
      written++;
    }
    item.receipts.push({ location, written, kept });
  }
}

/** The anchor records of a relayed request, from its `Anchored` events. */
async function relayedRecords(
  client: GovanchorClient,
  item: Item,
  agencies: Map<number, Promise<{ code: string; name: string }>>,
): Promise<AnchorRecord[]> {
  const anchored = item.events.filter((e) => e.name === 'Anchored');
  if (anchored.length === 0 || !item.transaction) return [];
  const { hash, blockNumber } = item.transaction;
  const block = await guard(`read block ${blockNumber}`, client.rpcUrl, () => client.provider.getBlock(blockNumber));
  return Promise.all(
    anchorItems(item.request).map(async (anchor, i) => {
      const agencyId = Number(anchored[i].args.agencyId);
      if (!agencies.has(agencyId)) {
        agencies.set(
          agencyId,
          guard(`read agency ${agencyId}`, client.rpcUrl, () => client.registry.getAgency(agencyId)).then((a) => ({
            code: a.code,
            name: a.name,
          })),
        );
      }
      return {
        chainId: client.chainId,
        contract: client.suite.datasetRegistry,
        agency: await agencies.get(agencyId)!,
        dataset: {
          key: anchor.datasetKey,
          id: datasetIdOf(anchor.datasetKey),
          version: Number(anchored[i].args.version),
        },
        kind: anchor.kind === 1 ? 'file' : 'tree',
        contentHash: anchor.contentHash,
        fileCount: anchor.fileCount,
        uri: anchor.uri,
        transaction: { hash, blockNumber, timestamp: block?.timestamp ?? 0 },
      } satisfies AnchorRecord;
    }),
  );
}

/** For an item relayed before: the records of its anchors that are on chain (to complete missing receipts). */
async function existingRecords(client: GovanchorClient, item: Item): Promise<(AnchorRecord | undefined)[]> {
  const records: (AnchorRecord | undefined)[] = [];
  for (const [i, anchor] of anchorItems(item.request).entries()) {
    if (!item.content[i] || !(await lookupAnchor(client, { contentHash: anchor.contentHash })).anchored) {
      records.push(undefined);
      continue;
    }
    // Anchored already: anchorDataset reports where, and sends nothing. Receipts only for the signed dataset.
    const { record } = await anchorDataset(client, {
      datasetKey: anchor.datasetKey,
      contentHash: anchor.contentHash,
      kind: anchor.kind === 1 ? 'file' : 'tree',
      fileCount: anchor.fileCount,
    });
    const same = record.dataset.id === datasetIdOf(anchor.datasetKey) && record.transaction.hash !== '';
    records.push(same ? record : undefined);
  }
  return records;
}

/** `govanchor relay <file>...`: submit operators' signed requests, paying the gas; write the agencies' receipts. */
export const relay = withTransactionOptions(
  new Command('relay')
    .description(
      "submit signed requests (govanchor-signed/1 files from `--sign-only`) with the relayer's key, which pays the gas; write the receipts of relayed anchors",
    )
    .argument('<file...>', 'signed-request files')
    .option(
      '--receipts <dir>',
      "where receipts go: <dir>/<name>.receipt.json or <dir>/<name>.receipts/ (default: the signed file's directory)",
    )
    .option('--batch-size <n>', `requests per relayBatch transaction, 1-${MAX_RELAY_BATCH}`, '100')
    .option('--single', 'send each request in its own transaction instead of relayBatch')
    .option('--dry-run', 'check and simulate every request, send nothing'),
).action(
  action<[string[]]>(async (files, options) => {
    const batchSize = parseCount(String(options.batchSize), '--batch-size', { min: 1, max: MAX_RELAY_BATCH });
    const receiptsRoot = options.receipts as string | undefined;
    if (receiptsRoot) await checkReceiptsDir(receiptsRoot);
    // 1. Every file read and checked, then key, node and deployment: a bad file or setting sends nothing (exit 2).
    const items = await loadItems(files);
    const client = await openClient(options, { signer: !options.dryRun });
    checkTargets(client, items);
    const relayer = client.signer ? await client.signer.getAddress() : '0x0000000000000000000000000000000000000000';

    // 2. Duplicates in this run, and requests relayed before (their nonce is used): not sent again.
    const seen = new Map<string, Item>();
    for (const item of items) {
      const { contract, authorization } = item.request;
      const key = `${contract.toLowerCase()}:${authorization.signer.toLowerCase()}:${authorization.nonce}`;
      const first = seen.get(key);
      if (first) {
        item.status = 'duplicate';
        item.duplicateOf = first.label;
      } else seen.set(key, item);
    }
    await eachLimited(
      items.filter((i) => i.status === 'pending'),
      8,
      async (item) => {
        const { signer, nonce } = item.request.authorization;
        const used = await guard(`check nonce ${nonce} of ${signer}`, client.rpcUrl, () =>
          contractOf(client, item.request).nonceUsed(signer, nonce),
        );
        if (used) item.status = 'already-relayed';
      },
    );
    for (const item of items.filter((i) => i.status === 'already-relayed')) {
      if (options.dryRun || !item.content.some(Boolean)) continue;
      await writeItemReceipts(item, await existingRecords(client, item), receiptsRoot, true);
    }

    // 3. Per contract: simulate, then submit what would succeed; write receipts as each group is mined.
    const groups = new Map<string, Item[]>();
    for (const item of items.filter((i) => i.status === 'pending')) {
      const target = signedRequestTarget(item.request);
      groups.set(target, [...(groups.get(target) ?? []), item]);
    }
    const transactions: (Omit<RelayTransaction, 'items'> & { items: string[]; explorer?: string })[] = [];
    const agencies = new Map<number, Promise<{ code: string; name: string }>>();
    for (const group of groups.values()) {
      await rejectFailing(client, relayer, group, batchSize);
      const sending = group.filter((i) => i.status === 'pending');
      if (options.dryRun) {
        for (const item of sending) item.status = 'would-relay';
        continue;
      }
      if (sending.length === 0) continue;
      note(options, `relaying ${sending.length} signed request(s) to ${sending[0].request.contract}`);
      let relayed;
      try {
        relayed = await relaySignedActions(client.signer!, {
          requests: sending.map((i) => i.request),
          mode: options.single ? 'single' : 'auto',
          batchSize,
          confirmations: client.transactions.confirmations,
        });
      } catch (error) {
        throw toGovanchorError(error, 'relay', client.rpcUrl);
      }
      for (const t of relayed.transactions) {
        transactions.push({
          ...t,
          items: t.items.map((i) => sending[i].label),
          explorer: explorerTxUrl(client.chainId, t.hash),
        });
      }
      for (const r of relayed.results) {
        const item = sending[r.index];
        item.status = r.ok ? 'relayed' : 'rejected';
        item.error = r.error;
        item.events = r.events;
        if (r.transactionHash) {
          item.transaction = {
            hash: r.transactionHash,
            blockNumber: r.blockNumber ?? 0,
            explorer: explorerTxUrl(client.chainId, r.transactionHash),
          };
        }
        if (!r.ok) continue;
        item.result = summarize(item);
        if (item.content.some(Boolean)) {
          await writeItemReceipts(item, await relayedRecords(client, item, agencies), receiptsRoot, false);
        }
      }
    }

    const count = (status: Status) => items.filter((i) => i.status === status).length;
    const rejected = count('rejected');
    const fee = transactions.reduce((sum, t) => sum + t.fee, 0n);
    const output = {
      dryRun: !!options.dryRun,
      chainId: client.chainId,
      relayer: client.signer ? relayer : undefined,
      total: items.length,
      relayed: count('relayed'),
      wouldRelay: options.dryRun ? count('would-relay') : undefined,
      alreadyRelayed: count('already-relayed'),
      duplicates: count('duplicate'),
      rejected,
      fee: formatEther(fee),
      transactions,
      items: items.map((item) => ({
        file: item.file,
        index: item.index,
        action: item.request.action,
        signer: item.request.authorization.signer,
        nonce: item.request.authorization.nonce,
        deadline: isoTime(item.request.authorization.deadline),
        status: item.status,
        duplicateOf: item.duplicateOf,
        error: item.error && {
          name: item.error.name,
          signature: item.error.signature,
          args: item.error.args,
          message: item.error.message,
        },
        transaction: item.transaction,
        result: item.result,
        receipts: item.receipts.length ? item.receipts : undefined,
      })),
    };
    emit(options, output, () => [
      options.dryRun
        ? `dry run: ${count('would-relay')} of ${items.length} signed request(s) would be relayed; ${output.alreadyRelayed} already relayed, ${rejected} would be rejected`
        : `relayed ${output.relayed} of ${items.length} signed request(s) in ${transactions.length} transaction(s), paid ${output.fee} (native currency); ${output.alreadyRelayed} already relayed, ${rejected} rejected`,
      ...items.flatMap((item) => {
        const lines = [
          `  ${item.status.padEnd(16)} ${item.label}  ${describe(item)}, signed by ${item.request.authorization.signer}`,
        ];
        const pad = ' '.repeat(19);
        if (item.status === 'already-relayed') lines.push(`${pad}nonce already used: relayed before; nothing sent`);
        if (item.status === 'duplicate') lines.push(`${pad}the same signed request as ${item.duplicateOf}; sent once`);
        if (item.error) lines.push(`${pad}${item.error.message}`);
        if (item.transaction && item.status === 'relayed') {
          lines.push(`${pad}transaction ${item.transaction.hash} (block ${item.transaction.blockNumber})`);
        }
        for (const r of item.receipts) {
          lines.push(`${pad}receipts ${r.location} (${r.written} written${r.kept ? `, ${r.kept} kept` : ''})`);
        }
        return lines;
      }),
      ...transactions.map(
        (t) =>
          `  transaction ${t.hash} (block ${t.blockNumber}, ${t.method}, ${t.items.length} request(s), gas ${t.gasUsed})${t.explorer ? ` ${t.explorer}` : ''}`,
      ),
    ]);
    return rejected > 0 ? ExitCode.Negative : ExitCode.Success;
  }),
);
