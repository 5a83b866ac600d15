/**
 * Shared set-up of the attack tests: the suite with two agencies and a dataset each (test/fixtures.ts), a relayer with
 * no role, and signing through the one definition of the typed data (src/core/signedActions.ts).
 */
import { ethers } from 'hardhat';
import { time } from '@nomicfoundation/hardhat-network-helpers';
import type {
  ContractTransactionReceipt,
  ContractTransactionResponse,
  Interface,
  LogDescription,
  Signer,
} from 'ethers';
import {
  bySigCallArgs,
  SIGNED_ACTIONS,
  signRequest,
  type AnchorItem,
  type SignedActionArgs,
  type SignedActionName,
  type SignedRequest,
} from '../../src/core/signedActions';
import { deployDatasetsFixture, digest } from '../fixtures';

/** {deployDatasetsFixture} plus the relayer (the outsider, account 6), the chain id and the contracts' addresses. */
export async function attackFixture() {
  const base = await deployDatasetsFixture();
  return {
    ...base,
    relayer: base.outsider,
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    registryAddress: await base.registry.getAddress(),
    grantsAddress: await base.grants.getAddress(),
  };
}
export type AttackFixture = Awaited<ReturnType<typeof attackFixture>>;

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
  f: AttackFixture,
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

function contractOf(f: AttackFixture, request: SignedRequest) {
  return SIGNED_ACTIONS[request.action].contract === 'DatasetRegistry' ? f.registry : f.grants;
}

/** Submits a signed request to its `...BySig` function, from `relayer` (default: the fixture's relayer). */
export function submit(
  f: AttackFixture,
  request: SignedRequest,
  relayer: Signer = f.relayer,
): Promise<ContractTransactionResponse> {
  const fn = contractOf(f, request).connect(relayer).getFunction(SIGNED_ACTIONS[request.action].function);
  return fn(...bySigCallArgs(request));
}

/** The calldata of a request's `...BySig` call, for `relayBatch`. */
export function callData(f: AttackFixture, request: SignedRequest): string {
  const iface: Interface = contractOf(f, request).interface;
  return iface.encodeFunctionData(SIGNED_ACTIONS[request.action].function, bySigCallArgs(request));
}

/** A file anchor item with the digest of `label`. */
export function fileItem(datasetKey: string, label: string, uri = ''): AnchorItem {
  return { datasetKey, contentHash: digest(label), kind: 1, fileCount: 1, uri };
}

/** The registry's and the access grants' events in a receipt, parsed. */
export function events(f: AttackFixture, receipt: ContractTransactionReceipt | null): LogDescription[] {
  return receipt!.logs
    .map((log) => (log.address === f.registryAddress ? f.registry.interface : f.grants.interface).parseLog(log))
    .filter((event): event is LogDescription => event !== null);
}

/** The failed items of a relayBatch receipt: index → custom error name ('' for a revert without data). */
export function relayFailures(f: AttackFixture, receipt: ContractTransactionReceipt | null): Map<number, string> {
  const failures = new Map<number, string>();
  for (const event of events(f, receipt)) {
    if (event.name !== 'RelayItemFailed') continue;
    const data: string = event.args.reason;
    const parsed =
      data === '0x' ? null : (f.registry.interface.parseError(data) ?? f.grants.interface.parseError(data));
    failures.set(Number(event.args.index), parsed?.name ?? '');
  }
  return failures;
}
