/**
 * The verification verdict: from what the chain says about a content hash, an optional receipt and the hash of the
 * file or tree on disk, decide whether the content is verified and, if not, why. Pure: the chain reads are done by
 * `src/client/verifyFile.ts` and `verifyTree.ts`, which pass their results in.
 */
import { toDigest } from './hash';
import type { AnchorKindName, Receipt } from './receipt';
import { verifyFileProof } from './tree';

/** Why content is not verified. */
export type VerdictReason =
  | 'not-anchored' // the hash was never anchored
  | 'content-differs' // the file's SHA-256 is not the one in its receipt
  | 'withdrawn' // the version was withdrawn by its agency
  | 'agency-suspended' // the anchoring agency is suspended now
  | 'agency-retired' // the anchoring agency is retired now
  | 'wrong-chain' // the receipt is for another chain
  | 'wrong-contract' // the receipt names another registry than this chain's deployment
  | 'proof-invalid' // the receipt's proof does not lead from the file to the receipt's root
  | 'root-not-anchored'; // the proof leads to a root that is not anchored as a tree

export type AgencyStatusName = 'none' | 'active' | 'suspended' | 'retired';

/** What `DatasetRegistry.lookup` says about a content hash, in plain types. */
export interface AnchorFacts {
  anchored: boolean;
  withdrawn: boolean;
  datasetId: string;
  version: number;
  kind: AnchorKindName | 'none';
  fileCount: number;
  anchoredAt: number;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  agencyStatus: AgencyStatusName;
}

/** What is being verified: one file (its SHA-256) or a directory tree (its root). */
export type VerdictSubject =
  { kind: 'file'; path: string; sha256: string } | { kind: 'tree'; path: string; root: string };

export interface VerdictInput {
  subject: VerdictSubject;
  /** The chain the node serves and the registry of this chain's deployment (if known). */
  chain: { chainId: number; contract?: string };
  receipt?: Receipt;
  /** The chain's facts about the content hash that matters (the file's hash, the receipt's root, the tree's root). */
  anchor?: AnchorFacts;
  /** For a tree receipt: what `DatasetRegistry.isFileInTree` answered. */
  proofOnChain?: boolean;
  /** The dataset key of the anchor (from the receipt or the chain's `DatasetCreated` event), for messages. */
  datasetKey?: string;
  /** For a withdrawn version: the reason its agency gave, if found. */
  withdrawalReason?: string;
  /** For a tree whose root is not anchored: how its files differ from the receipts of an earlier anchor, if any. */
  differences?: TreeDifferences;
}

/** How a directory differs from the receipts written when it was anchored. */
export interface TreeDifferences {
  /** Files whose SHA-256 differs from their receipt. */
  changed: string[];
  /** Files with a receipt that are no longer in the directory. */
  missing: string[];
  /** Files in the directory without a receipt. */
  added: string[];
}

/**
 * Compares a directory's files with the receipts of an earlier anchor of it (one receipt per file). Pure.
 * @returns The differences, or undefined if there are none (or no receipts to compare with).
 */
export function treeDifferences(
  files: readonly { path: string; sha256: string }[],
  receipts: readonly Receipt[],
): TreeDifferences | undefined {
  if (receipts.length === 0) return undefined;
  const byPath = new Map(receipts.map((r) => [r.file.path, r.file.sha256]));
  const present = new Set(files.map((f) => f.path));
  const changed: string[] = [];
  const added: string[] = [];
  for (const file of files) {
    const expected = byPath.get(file.path);
    if (expected === undefined) added.push(file.path);
    else if (expected !== toDigest(file.sha256)) changed.push(file.path);
  }
  const missing = [...byPath.keys()].filter((path) => !present.has(path)).sort();
  return changed.length + missing.length + added.length === 0 ? undefined : { changed, missing, added };
}

/** `a, b, c, ...`: the first few names of a list. */
function firstFew(names: string[]): string {
  return names.slice(0, 3).join(', ') + (names.length > 3 ? `, ... (${names.length})` : '');
}

export interface Verdict {
  verified: boolean;
  reason?: VerdictReason;
  /** One line for people: "verified: ..." or why not. */
  message: string;
  /** The content hash looked up on chain (file SHA-256 or root), if the check got that far. */
  contentHash?: string;
}

/**
 * Checks a receipt against the chain and the file before any chain read: right chain, right contract, same content,
 * valid proof. Returns the negative verdict, or undefined when the chain must now be asked.
 */
export function checkReceipt(input: Omit<VerdictInput, 'anchor' | 'proofOnChain'>): Verdict | undefined {
  const { receipt, chain, subject } = input;
  if (!receipt) return undefined;
  if (receipt.chainId !== chain.chainId) {
    return negative(
      'wrong-chain',
      `the receipt is for chain ${receipt.chainId}, but the node serves chain ${chain.chainId}: use an RPC endpoint of chain ${receipt.chainId}`,
    );
  }
  if (chain.contract && receipt.contract.toLowerCase() !== chain.contract.toLowerCase()) {
    return negative(
      'wrong-contract',
      `the receipt names registry ${receipt.contract}, but this chain's deployment is ${chain.contract}`,
    );
  }
  if (subject.kind !== 'file') return undefined;
  const sha256 = toDigest(subject.sha256);
  if (sha256 !== receipt.file.sha256) {
    return negative(
      'content-differs',
      `content differs: ${subject.path} has SHA-256 ${sha256.slice(2)}, the receipt for ${receipt.file.path} says ${receipt.file.sha256.slice(2)}`,
    );
  }
  if (receipt.anchor.kind === 'tree') {
    const ok = verifyFileProof(receipt.anchor.contentHash, receipt.file.path, sha256, receipt.proof.siblings);
    if (!ok) {
      return negative(
        'proof-invalid',
        `the receipt's proof does not lead from ${receipt.file.path} to root ${receipt.anchor.contentHash}`,
      );
    }
  }
  return undefined;
}

/** The content hash whose anchor decides the verdict: the tree receipt's root, else the file's hash or tree root. */
export function contentHashToCheck(subject: VerdictSubject, receipt?: Receipt): string {
  if (subject.kind === 'tree') return toDigest(subject.root);
  if (receipt?.anchor.kind === 'tree') return receipt.anchor.contentHash;
  return toDigest(subject.sha256);
}

/** Decides the verdict. Checks in order: receipt, anchored, proof on chain, withdrawn, agency status. */
export function decideVerdict(input: VerdictInput): Verdict {
  const early = checkReceipt(input);
  if (early) return early;
  const { subject, receipt, anchor } = input;
  const contentHash = contentHashToCheck(subject, receipt);
  const viaTree = subject.kind === 'file' && receipt?.anchor.kind === 'tree';
  const what = subject.kind === 'tree' ? `tree root ${contentHash}` : `SHA-256 ${contentHash.slice(2)}`;
  if (!anchor?.anchored) {
    if (viaTree) {
      return negative(
        'root-not-anchored',
        `the receipt's proof leads to root ${contentHash}, which is not anchored on this chain`,
        contentHash,
      );
    }
    const diff = input.differences;
    if (subject.kind === 'tree' && diff) {
      const parts = [
        diff.changed.length ? `changed: ${firstFew(diff.changed)}` : '',
        diff.missing.length ? `missing: ${firstFew(diff.missing)}` : '',
        diff.added.length ? `added: ${firstFew(diff.added)}` : '',
      ].filter(Boolean);
      return negative(
        'content-differs',
        `content differs: ${subject.path} does not match its receipts (${parts.join('; ')}), and ${what} is not anchored`,
        contentHash,
      );
    }
    return negative(
      'not-anchored',
      `not anchored: ${what} of ${subject.path} is not anchored on this chain`,
      contentHash,
    );
  }
  if (viaTree && (anchor.kind !== 'tree' || input.proofOnChain === false)) {
    return negative(
      'root-not-anchored',
      `the receipt's proof does not lead to a tree anchored on this chain`,
      contentHash,
    );
  }
  const where = `version ${anchor.version} of ${input.datasetKey ?? `dataset ${anchor.datasetId}`}`;
  if (anchor.withdrawn) {
    const why = input.withdrawalReason ? ` (reason: ${input.withdrawalReason})` : '';
    return negative(
      'withdrawn',
      `version withdrawn: ${where} was withdrawn by ${anchor.agencyCode}${why}`,
      contentHash,
    );
  }
  if (anchor.agencyStatus === 'suspended' || anchor.agencyStatus === 'retired') {
    return negative(
      anchor.agencyStatus === 'suspended' ? 'agency-suspended' : 'agency-retired',
      `agency ${anchor.agencyStatus}: ${anchor.agencyCode} (${anchor.agencyName}), which anchored ${where}, has been ${anchor.agencyStatus} since`,
      contentHash,
    );
  }
  return {
    verified: true,
    message: `verified: ${subject.path} is ${where}, anchored by ${anchor.agencyCode}`,
    contentHash,
  };
}

function negative(reason: VerdictReason, message: string, contentHash?: string): Verdict {
  return { verified: false, reason, message, contentHash };
}
