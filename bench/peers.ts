/**
 * The peers, deployed from their published compiled artifacts on the same in-process chain as the suite:
 * - Ethereum Attestation Service (`@ethereum-attestation-service/eas-contracts`): SchemaRegistry and EAS;
 * - OpenAttestation's DocumentStore (`@govtechsg/document-store`).
 */
import { AbiCoder, Contract, ContractFactory, type Signer } from 'ethers';
import { DocumentStoreFactory } from '@govtechsg/document-store';
import easArtifact from '@ethereum-attestation-service/eas-contracts/artifacts/contracts/EAS.sol/EAS.json';
import schemaRegistryArtifact from '@ethereum-attestation-service/eas-contracts/artifacts/contracts/SchemaRegistry.sol/SchemaRegistry.json';
import easPackage from '@ethereum-attestation-service/eas-contracts/package.json';
import documentStorePackage from '@govtechsg/document-store/package.json';

export const EAS_VERSION = easPackage.version;
export const DOCUMENT_STORE_VERSION = documentStorePackage.version;

/** The schema carrying the same data as a govanchor anchor. */
export const ANCHOR_SCHEMA = 'bytes32 hash, string datasetKey, uint32 version, string uri';
/** The schema carrying the same data as a govanchor access grant (the expiry is the attestation's own). */
export const GRANT_SCHEMA = 'bytes12 datasetId, uint32 granteeAgencyId, string purpose';

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
export const ZERO_UID = '0x' + '00'.repeat(32);

/** EAS's `AttestationRequestData`. */
export interface AttestationData {
  recipient: string;
  expirationTime: bigint;
  revocable: boolean;
  refUID: string;
  data: string;
  value: bigint;
}

/** The EAS `data` of an anchor-like attestation. */
export function anchorAttestationData(hash: string, datasetKey: string, version: number, uri: string): string {
  return AbiCoder.defaultAbiCoder().encode(['bytes32', 'string', 'uint32', 'string'], [hash, datasetKey, version, uri]);
}

/** An anchor-like attestation request, revocable (govanchor versions can be withdrawn), never expiring. */
export function anchorRequest(
  hash: string,
  datasetKey: string,
  version: number,
  uri: string,
  refUID = ZERO_UID,
): AttestationData {
  return {
    recipient: ZERO_ADDRESS,
    expirationTime: 0n,
    revocable: true,
    refUID,
    data: anchorAttestationData(hash, datasetKey, version, uri),
    value: 0n,
  };
}

export interface Peers {
  schemaRegistry: Contract;
  eas: Contract;
  documentStore: Contract;
  /** Gas of the deployments (one-off costs). */
  deployGas: { schemaRegistry: number; eas: number; documentStore: number };
  documentStoreDeployTx: string;
}

async function deploy(
  abi: unknown,
  bytecode: string,
  signer: Signer,
  args: unknown[],
): Promise<{ contract: Contract; gas: number; hash: string }> {
  const factory = new ContractFactory(abi as never, bytecode, signer);
  const deployed = await factory.deploy(...args);
  const receipt = await deployed.deploymentTransaction()!.wait();
  const contract = new Contract(await deployed.getAddress(), abi as never, signer);
  return { contract, gas: Number(receipt!.gasUsed), hash: receipt!.hash };
}

/**
 * Deploys EAS with its SchemaRegistry (by `deployer`) and a DocumentStore owned by `issuer` (an OpenAttestation issuer
 * deploys its own store).
 */
export async function deployPeers(deployer: Signer, issuer: Signer): Promise<Peers> {
  const registry = await deploy(schemaRegistryArtifact.abi, schemaRegistryArtifact.bytecode, deployer, []);
  const eas = await deploy(easArtifact.abi, easArtifact.bytecode, deployer, [await registry.contract.getAddress()]);
  const store = await deploy(DocumentStoreFactory.abi, DocumentStoreFactory.bytecode, issuer, [
    'Hunan Provincial Bureau of Statistics',
    await issuer.getAddress(),
  ]);
  return {
    schemaRegistry: registry.contract,
    eas: eas.contract,
    documentStore: store.contract,
    deployGas: { schemaRegistry: registry.gas, eas: eas.gas, documentStore: store.gas },
    documentStoreDeployTx: store.hash,
  };
}

/** The uid of the attestation a mined EAS transaction created (the first, or the `index`-th, `Attested` event). */
export function attestedUids(eas: Contract, logs: readonly { topics: readonly string[]; data: string }[]): string[] {
  const uids: string[] = [];
  for (const log of logs) {
    const parsed = eas.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === 'Attested') uids.push(parsed.args.uid as string);
  }
  return uids;
}
