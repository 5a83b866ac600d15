import { toDigest } from '../core/hash';
import type { AnchorFacts } from '../core/verdict';
import { agencyStatusName, anchorKindName } from './agencyStatus';
import type { GovanchorClient } from './connection';
import { guard } from './errors';

export interface LookupAnchorParameters {
  /** A file's SHA-256 or a tree's root (0x-prefixed or bare hex). */
  contentHash: string;
}

export type LookupAnchorReturnType = AnchorFacts;

/**
 * What the registry says about a content hash (`DatasetRegistry.lookup`): whether and where it is anchored, when,
 * by which agency, whether it was withdrawn and the agency's status now.
 * @param client A connected client.
 * @param parameters The content hash.
 * @returns The facts; `anchored: false` if the hash was never anchored.
 * @example
 * const facts = await lookupAnchor(client, { contentHash: '0x9f86d0...' });
 */
export async function lookupAnchor(
  client: GovanchorClient,
  { contentHash }: LookupAnchorParameters,
): Promise<LookupAnchorReturnType> {
  const hash = toDigest(contentHash);
  const info = await guard(`look up ${hash}`, client.rpcUrl, () => client.registry.lookup(hash));
  return {
    anchored: info.anchored,
    withdrawn: info.withdrawn,
    datasetId: info.datasetId.toLowerCase(),
    version: Number(info.version),
    kind: anchorKindName(info.kind),
    fileCount: Number(info.fileCount),
    anchoredAt: Number(info.anchoredAt),
    agencyId: Number(info.agencyId),
    agencyCode: info.agencyCode,
    agencyName: info.agencyName,
    agencyStatus: agencyStatusName(info.agencyStatus),
  };
}
