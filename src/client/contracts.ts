/** The TypeChain bindings the client uses, and one interface that knows every custom error of the suite. */
import { ErrorFragment, Interface, type InterfaceAbi } from 'ethers';
import { AccessGrants__factory } from '../../typechain-types/factories/contracts/AccessGrants__factory';
import { DatasetRegistry__factory } from '../../typechain-types/factories/contracts/DatasetRegistry__factory';

export { AccessGrants__factory, DatasetRegistry__factory };
export type { AccessGrants } from '../../typechain-types/contracts/AccessGrants';
export type { DatasetRegistry } from '../../typechain-types/contracts/DatasetRegistry';

let errorInterface: Interface | undefined;

/**
 * An interface holding the custom errors of both contracts (AccessGrants bubbles up the registry's errors, such as
 * `NotAnOperator`), each once.
 */
export function suiteErrorInterface(): Interface {
  if (errorInterface) return errorInterface;
  const seen = new Set<string>();
  const fragments: ErrorFragment[] = [];
  for (const abi of [DatasetRegistry__factory.abi, AccessGrants__factory.abi] as InterfaceAbi[]) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment instanceof ErrorFragment && !seen.has(fragment.format('sighash'))) {
        seen.add(fragment.format('sighash'));
        fragments.push(fragment);
      }
    }
  }
  errorInterface = new Interface(fragments);
  return errorInterface;
}
