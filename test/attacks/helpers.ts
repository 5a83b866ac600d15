/**
 * Shared set-up of the attack tests: the suite with two agencies and a dataset each (test/fixtures.ts), a relayer with
 * no role, and signing through the one definition of the typed data (src/core/signedActions.ts).
 */
import { ethers } from 'hardhat';
import type { ContractTransactionReceipt, LogDescription } from 'ethers';
import { deployDatasetsFixture } from '../fixtures';

export { callData, fileItem, sign, submit, type SignOverrides } from '../helpers/signedRequests';

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
