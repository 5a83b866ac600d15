/**
 * Signing and submitting signed actions in contract tests, through the one definition of the typed data
 * (src/core/signedActions.ts). Used by test/SignedActions.test.ts and the attack tests.
 */
import { time } from '@nomicfoundation/hardhat-network-helpers';
import type { ContractTransactionResponse, Interface, Signer } from 'ethers';
import {
  bySigCallArgs,
  SIGNED_ACTIONS,
  signRequest,
  type AnchorItem,
  type SignedActionArgs,
  type SignedActionName,
  type SignedRequest,
} from '../../src/core/signedActions';
import type { AccessGrants, DatasetRegistry } from '../../typechain-types';
import { digest } from '../fixtures';

/** What these helpers need of a fixture: the two contracts, their addresses, the chain id and a default relayer. */
export interface SignedActionsTarget {
  registry: DatasetRegistry;
  grants: AccessGrants;
  registryAddress: string;
  grantsAddress: string;
  chainId: number;
  relayer: Signer;
}

export interface SignOverrides {
  nonce?: bigint;
  deadline?: number;
  /** The operator is this ERC-1271 wallet, not the signing key's address. */
  account?: string;
  chainId?: number;
  /** Sign for this contract address instead of the fixture's. */
  contract?: string;
}

/** Signs `action` as `signer` for the fixture's contract (or another chain or contract), valid for an hour by default. */
export async function sign<A extends SignedActionName>(
  f: SignedActionsTarget,
  signer: Signer,
  action: A,
  args: SignedActionArgs[A],
  overrides: SignOverrides = {},
): Promise<SignedRequest<A>> {
  const contract = SIGNED_ACTIONS[action].contract === 'DatasetRegistry' ? f.registryAddress : f.grantsAddress;
  return signRequest(signer, {
    chainId: overrides.chainId ?? f.chainId,
    contract: overrides.contract ?? contract,
    action,
    args,
    nonce: overrides.nonce,
    deadline: overrides.deadline ?? (await time.latest()) + 3600,
    account: overrides.account,
  });
}

export function contractOf(f: SignedActionsTarget, request: SignedRequest) {
  return SIGNED_ACTIONS[request.action].contract === 'DatasetRegistry' ? f.registry : f.grants;
}

/** Submits a signed request to its `...BySig` function, from `relayer` (default: the fixture's relayer). */
export function submit(
  f: SignedActionsTarget,
  request: SignedRequest,
  relayer: Signer = f.relayer,
): Promise<ContractTransactionResponse> {
  const fn = contractOf(f, request).connect(relayer).getFunction(SIGNED_ACTIONS[request.action].function);
  return fn(...bySigCallArgs(request));
}

/** The calldata of a request's `...BySig` call, for `relayBatch`. */
export function callData(f: SignedActionsTarget, request: SignedRequest): string {
  const iface: Interface = contractOf(f, request).interface;
  return iface.encodeFunctionData(SIGNED_ACTIONS[request.action].function, bySigCallArgs(request));
}

/** A file anchor item with the digest of `label`. */
export function fileItem(datasetKey: string, label: string, uri = ''): AnchorItem {
  return { datasetKey, contentHash: digest(label), kind: 1, fileCount: 1, uri };
}
