/**
 * Shared by {@link verifyFile} and {@link verifyTree}: read what the chain says about the content hash that matters,
 * let `src/core/verdict.ts` decide, and describe the anchor for the report.
 */
import { explorerTxUrl } from '../core/explorer';
import { isoTime } from '../core/expiry';
import type { AnchorKindName, Receipt } from '../core/receipt';
import {
  checkReceipt,
  contentHashToCheck,
  decideVerdict,
  type AgencyStatusName,
  type AnchorFacts,
  type TreeDifferences,
  type VerdictReason,
  type VerdictSubject,
} from '../core/verdict';
import type { GovanchorClient } from './connection';
import { datasetKeyOf } from './datasetKeyOf';
import { guard } from './errors';
import { anchorTransactionOf, findAnchorTransaction, type AnchorTransaction } from './findAnchorTransaction';
import { findWithdrawal } from './findWithdrawal';
import { lookupAnchor } from './lookupAnchor';

/** The outcome of a verification, with everything a reviewer wants to see. */
export interface VerificationReport {
  verified: boolean;
  reason?: VerdictReason;
  message: string;
  subject: { kind: 'file' | 'tree'; path: string; sha256?: string; root?: string };
  chainId: number;
  /** The registry that was asked. */
  contract: string;
  /** False when the registry address came from the receipt because no deployment file was found for the chain. */
  contractFromDeployment: boolean;
  /** The content hash looked up on chain. */
  contentHash?: string;
  anchor?: { kind: AnchorKindName | 'none'; fileCount: number; anchoredAt: string; withdrawn: boolean };
  dataset?: { key?: string; id: string; version: number };
  agency?: { code: string; name: string; status: AgencyStatusName };
  transaction?: { hash: string; blockNumber: number; explorer?: string; from?: string };
  /**
   * The operator who anchored the version (the `Anchored` event's `operator`): the sender, or the operator who signed
   * it for a relayer (then `transaction.from` is the relayer).
   */
  operator?: string;
  withdrawal?: { reason: string; transactionHash: string };
  /** For a directory that does not verify: how it differs from the receipts of its earlier anchor. */
  differences?: TreeDifferences;
  /** The receipt used, if any: its dataset and version. */
  receipt?: { datasetKey: string; version: number; contentHash: string; kind: AnchorKindName };
}

/** Verifies `subject` against the chain, through `receipt` if given. */
export async function verifySubject(
  client: GovanchorClient,
  subject: VerdictSubject,
  receipt?: Receipt,
  differences?: TreeDifferences,
): Promise<VerificationReport> {
  const fromDeployment = client.suite.source !== 'receipt';
  const chain = { chainId: client.chainId, contract: fromDeployment ? client.suite.datasetRegistry : undefined };
  const base: VerificationReport = {
    verified: false,
    message: '',
    subject:
      subject.kind === 'file'
        ? { kind: 'file', path: subject.path, sha256: subject.sha256.replace(/^0x/, '') }
        : { kind: 'tree', path: subject.path, root: subject.root },
    chainId: client.chainId,
    contract: client.suite.datasetRegistry,
    contractFromDeployment: fromDeployment,
    receipt: receipt && {
      datasetKey: receipt.dataset.key,
      version: receipt.dataset.version,
      contentHash: receipt.anchor.contentHash,
      kind: receipt.anchor.kind,
    },
  };
  const early = checkReceipt({ subject, chain, receipt });
  if (early) return { ...base, ...early, reason: early.reason };
  if (!fromDeployment) {
    const code = await guard('read the registry code', client.rpcUrl, () =>
      client.provider.getCode(client.suite.datasetRegistry),
    );
    if (code === '0x') {
      return {
        ...base,
        reason: 'wrong-contract',
        message: `the receipt names registry ${client.suite.datasetRegistry}, but no contract lives there on chain ${client.chainId}`,
      };
    }
  }

  const contentHash = contentHashToCheck(subject, receipt);
  const facts: AnchorFacts = await lookupAnchor(client, { contentHash });
  let proofOnChain: boolean | undefined;
  if (subject.kind === 'file' && receipt?.anchor.kind === 'tree' && facts.anchored) {
    proofOnChain = await guard('check the proof on chain', client.rpcUrl, () =>
      client.registry.isFileInTree(contentHash, receipt.file.path, subject.sha256, receipt.proof.siblings),
    );
  }
  let transaction: AnchorTransaction | undefined;
  let withdrawal;
  let datasetKey: string | undefined;
  if (facts.anchored) {
    if (receipt && receipt.anchor.contentHash === contentHash) {
      transaction = await anchorTransactionOf(client, { transactionHash: receipt.transaction.hash, contentHash });
    }
    transaction ??= await findAnchorTransaction(client, { contentHash, anchoredAt: facts.anchoredAt });
    if (facts.withdrawn)
      withdrawal = await findWithdrawal(client, { contentHash, fromBlock: transaction?.blockNumber });
    datasetKey =
      receipt && receipt.dataset.id === facts.datasetId ? receipt.dataset.key : await datasetKeyOf(client, facts);
  }
  const verdict = decideVerdict({
    subject,
    chain,
    receipt,
    datasetKey,
    anchor: facts,
    proofOnChain,
    withdrawalReason: withdrawal?.reason,
    differences,
  });
  const report: VerificationReport = { ...base, ...verdict, reason: verdict.reason, contentHash };
  if (!verdict.verified && !facts.anchored && differences) report.differences = differences;
  if (facts.anchored) {
    report.anchor = {
      kind: facts.kind,
      fileCount: facts.fileCount,
      anchoredAt: isoTime(facts.anchoredAt),
      withdrawn: facts.withdrawn,
    };
    report.dataset = { key: datasetKey, id: facts.datasetId, version: facts.version };
    report.agency = { code: facts.agencyCode, name: facts.agencyName, status: facts.agencyStatus };
    if (transaction) {
      const sent = await guard(`read transaction ${transaction.hash}`, client.rpcUrl, () =>
        client.provider.getTransaction(transaction.hash),
      );
      report.transaction = {
        hash: transaction.hash,
        blockNumber: transaction.blockNumber,
        explorer: explorerTxUrl(client.chainId, transaction.hash),
        from: sent?.from,
      };
      if (transaction.operator) report.operator = transaction.operator;
    }
    if (withdrawal) report.withdrawal = { reason: withdrawal.reason, transactionHash: withdrawal.transactionHash };
  }
  return report;
}
