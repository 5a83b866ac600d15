/**
 * Signed (gasless) submission: the one TypeScript definition of the EIP-712 typed data of every signed action, the
 * domains, signing, nonces, and the `govanchor-signed/1` JSON format of signed-request files.
 *
 * An agency operator signs an action offline (`govanchor anchor --sign-only --out <file>`); a relayer submits the file
 * (`govanchor relay <file>`) and pays the gas. The types below must match, field for field, the type strings in the
 * NatSpec of `IDatasetRegistry` and `IAccessGrants` and the type hashes in the contracts; the contract tests prove it
 * by having the contracts accept signatures made from these definitions.
 *
 * Pure: ethers only, no Node-only API, so the same code signs in a browser wallet page.
 */
import {
  getAddress,
  hexlify,
  isAddress,
  isHexString,
  randomBytes,
  toBigInt,
  TypedDataEncoder,
  verifyTypedData,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';
import { InputError } from './errors';

/** Format tag of signed-request files, version 1. A reader rejects tags it does not know. */
export const SIGNED_REQUEST_FORMAT = 'govanchor-signed/1';

/** The contracts that accept signed actions, and their EIP-712 domain names (the domain version is "1" for both). */
export const SIGNED_ACTION_DOMAINS = {
  DatasetRegistry: { name: 'govanchor DatasetRegistry', version: '1' },
  AccessGrants: { name: 'govanchor AccessGrants', version: '1' },
} as const;

/** A contract that accepts signed actions. */
export type SignedContractName = keyof typeof SIGNED_ACTION_DOMAINS;

/** Largest number of items in one signed `AnchorBatch` (the registry's `MAX_BATCH_SIZE`). */
export const MAX_SIGNED_ANCHOR_BATCH = 256;
/** Largest number of calls in one `relayBatch` transaction. */
export const MAX_RELAY_BATCH = 256;

const AUTH_FIELDS: TypedDataField[] = [
  { name: 'nonce', type: 'uint256' },
  { name: 'deadline', type: 'uint48' },
];
const ANCHOR_ITEM_FIELDS: TypedDataField[] = [
  { name: 'datasetKey', type: 'string' },
  { name: 'contentHash', type: 'bytes32' },
  { name: 'kind', type: 'uint8' },
  { name: 'fileCount', type: 'uint32' },
  { name: 'uri', type: 'string' },
];

/**
 * The EIP-712 types of each signed action, keyed by action (= primary type) name, in the ethers v6 form that
 * `signer.signTypedData(domain, types, message)` takes. Field order and types are exactly the Solidity type strings.
 */
export const SIGNED_ACTION_TYPES = {
  Anchor: { Anchor: [...ANCHOR_ITEM_FIELDS, ...AUTH_FIELDS] },
  AnchorBatch: {
    AnchorBatch: [{ name: 'items', type: 'AnchorItem[]' }, ...AUTH_FIELDS],
    AnchorItem: ANCHOR_ITEM_FIELDS,
  },
  Withdraw: {
    Withdraw: [{ name: 'contentHash', type: 'bytes32' }, { name: 'reason', type: 'string' }, ...AUTH_FIELDS],
  },
  RequestAccess: {
    RequestAccess: [{ name: 'datasetId', type: 'bytes12' }, { name: 'purpose', type: 'string' }, ...AUTH_FIELDS],
  },
  ApproveRequest: {
    ApproveRequest: [{ name: 'requestId', type: 'uint64' }, { name: 'expiresAt', type: 'uint40' }, ...AUTH_FIELDS],
  },
  DenyRequest: {
    DenyRequest: [{ name: 'requestId', type: 'uint64' }, { name: 'reason', type: 'string' }, ...AUTH_FIELDS],
  },
  GrantAccess: {
    GrantAccess: [
      { name: 'datasetId', type: 'bytes12' },
      { name: 'granteeAgencyId', type: 'uint32' },
      { name: 'expiresAt', type: 'uint40' },
      { name: 'purpose', type: 'string' },
      ...AUTH_FIELDS,
    ],
  },
  RevokeGrant: {
    RevokeGrant: [{ name: 'grantId', type: 'uint64' }, { name: 'reason', type: 'string' }, ...AUTH_FIELDS],
  },
} as const satisfies Record<string, Record<string, readonly TypedDataField[]>>;

/** The name of a signed action, which is also its EIP-712 primary type. */
export type SignedActionName = keyof typeof SIGNED_ACTION_TYPES;

/** Every signed action, in a stable order. */
export const SIGNED_ACTION_NAMES = Object.keys(SIGNED_ACTION_TYPES) as SignedActionName[];

/** Which contract takes each action, and through which `...BySig` function. */
export const SIGNED_ACTIONS: Readonly<Record<SignedActionName, { contract: SignedContractName; function: string }>> = {
  Anchor: { contract: 'DatasetRegistry', function: 'anchorBySig' },
  AnchorBatch: { contract: 'DatasetRegistry', function: 'anchorBatchBySig' },
  Withdraw: { contract: 'DatasetRegistry', function: 'withdrawBySig' },
  RequestAccess: { contract: 'AccessGrants', function: 'requestAccessBySig' },
  ApproveRequest: { contract: 'AccessGrants', function: 'approveRequestBySig' },
  DenyRequest: { contract: 'AccessGrants', function: 'denyRequestBySig' },
  GrantAccess: { contract: 'AccessGrants', function: 'grantAccessBySig' },
  RevokeGrant: { contract: 'AccessGrants', function: 'revokeGrantBySig' },
};

/**
 * One anchor item, as signed. JSON-safe: small integers are numbers, hashes are 0x-prefixed lowercase hex.
 * `kind` is 1 for a file (then `fileCount` is 1) and 2 for a directory tree.
 */
export interface AnchorItem {
  datasetKey: string;
  contentHash: string;
  kind: number;
  fileCount: number;
  uri: string;
}

/**
 * The arguments of each action: the EIP-712 message without `nonce` and `deadline`. JSON-safe: uint8 to uint48 are
 * numbers; uint64 ids are decimal strings (they could exceed 2^53); bytes are 0x-prefixed lowercase hex.
 */
export interface SignedActionArgs {
  Anchor: AnchorItem;
  AnchorBatch: { items: AnchorItem[] };
  Withdraw: { contentHash: string; reason: string };
  RequestAccess: { datasetId: string; purpose: string };
  ApproveRequest: { requestId: string; expiresAt: number };
  DenyRequest: { requestId: string; reason: string };
  GrantAccess: { datasetId: string; granteeAgencyId: number; expiresAt: number; purpose: string };
  RevokeGrant: { grantId: string; reason: string };
}

/**
 * Who signed, with which nonce, until when, and the signature: the contracts' `ISignedActions.Authorization`.
 * `signer` is the operator: an EOA, or an ERC-1271 wallet (then one of its owners made `signature`).
 */
export interface Authorization {
  /** The operator (checksummed address). */
  signer: string;
  /** The uint256 nonce, as a decimal string. */
  nonce: string;
  /** Unix seconds; the contracts reject the action after this time. */
  deadline: number;
  /** The EIP-712 signature (0x-prefixed hex; 65 bytes for an EOA, anything the wallet accepts for ERC-1271). */
  signature: string;
}

/** One signed request of a `govanchor-signed/1` file: everything a relayer needs to submit it. */
export type SignedRequest<A extends SignedActionName = SignedActionName> = {
  [K in A]: {
    /** The chain the signature is valid on (bound by the EIP-712 domain). */
    chainId: number;
    /** The contract the signature is valid for (checksummed address, bound by the EIP-712 domain). */
    contract: string;
    action: K;
    args: SignedActionArgs[K];
    authorization: Authorization;
  };
}[A];

/** A `govanchor-signed/1` file: one or more signed requests (for one or several contracts and chains). */
export interface SignedRequestFile {
  format: typeof SIGNED_REQUEST_FORMAT;
  requests: SignedRequest[];
}

/**
 * The EIP-712 domain of a contract's signed actions: name, version "1", chain id and the contract's address. Equals
 * what the contract's `eip712Domain()` (ERC-5267) returns.
 */
export function signedActionDomain(
  contract: SignedContractName,
  chainId: number | bigint,
  address: string,
): TypedDataDomain {
  return { ...SIGNED_ACTION_DOMAINS[contract], chainId: toBigInt(chainId), verifyingContract: getAddress(address) };
}

/**
 * A random 256-bit nonce.
 *
 * The contracts track used nonces per signer in a bitmap (`nonceUsed(signer, nonce)`), in any order, so nonces need
 * not be sequential, only unused. Random nonces let any number of signers (several machines or people holding one
 * operator key, or the owners of a Safe) sign in parallel without coordinating: two random 256-bit nonces collide with
 * probability 2^-256. The cost is storage: 256 nonces share one storage word (nonce >> 8), so a nonce in a fresh word
 * costs about 17,000 gas more than one in a word already used. {@link nonceSequence} keeps that saving for a signer
 * who signs many actions in one session.
 */
export function randomNonce(): bigint {
  return toBigInt(randomBytes(32));
}

/**
 * Nonces for one signing session: a random 248-bit high word and a low byte counting 0, 1, ..., 255, then a new
 * random word. Parallel sessions pick different words (collision probability 2^-248), so they never collide, while
 * the actions of one session share a storage word of the nonce bitmap: relaying them costs ~5,000 gas of nonce
 * storage each instead of ~22,000.
 * @returns A function returning the next nonce of the session.
 */
export function nonceSequence(): () => bigint {
  let word = 0n;
  let next = 256;
  return () => {
    if (next === 256) {
      word = toBigInt(randomBytes(31)) << 8n;
      next = 0;
    }
    return word | BigInt(next++);
  };
}

/** The EIP-712 message of an action: its arguments plus nonce and deadline. */
export function signedActionMessage<A extends SignedActionName>(
  args: SignedActionArgs[A],
  nonce: bigint | string,
  deadline: number,
): Record<string, unknown> {
  return { ...args, nonce: toBigInt(nonce), deadline };
}

/** Options of {@link signAuthorization}. */
export interface SignOptions {
  /** Unix seconds after which the action is rejected. Keep it short: an unrelayed signature is valid until then. */
  deadline: number;
  /** The nonce; default {@link randomNonce}. */
  nonce?: bigint | string;
  /**
   * The authorization's signer, if it is not the signing key's own address: an ERC-1271 wallet (e.g. a Safe) that is
   * the operator and accepts signatures of `signer`.
   */
  account?: string;
}

/** The part of an ethers `Signer` that signing needs (a Wallet, a JsonRpcSigner, a HardhatEthersSigner, ...). */
export interface TypedDataSigner {
  getAddress(): Promise<string>;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** The types of one action as a mutable copy, the form `signTypedData` and `TypedDataEncoder` take. */
export function signedActionTypes(action: SignedActionName): Record<string, TypedDataField[]> {
  const types: Record<string, TypedDataField[]> = {};
  for (const [name, fields] of Object.entries(SIGNED_ACTION_TYPES[action])) types[name] = fields.map((f) => ({ ...f }));
  return types;
}

/**
 * Signs an action with `signer.signTypedData` (EIP-712) and returns the authorization to submit with it.
 * @param signer The key that signs: the operator, or an owner of the operator wallet named by `options.account`.
 * @param domain The contract's domain ({@link signedActionDomain}).
 * @param action The action.
 * @param args Its arguments.
 * @param options Deadline, nonce (default random) and the operator wallet, if any.
 */
export async function signAuthorization<A extends SignedActionName>(
  signer: TypedDataSigner,
  domain: TypedDataDomain,
  action: A,
  args: SignedActionArgs[A],
  options: SignOptions,
): Promise<Authorization> {
  const nonce = toBigInt(options.nonce ?? randomNonce());
  checkUint(options.deadline, 48, 'deadline');
  const signature = await signer.signTypedData(
    domain,
    signedActionTypes(action),
    signedActionMessage(args, nonce, options.deadline),
  );
  return {
    signer: getAddress(options.account ?? (await signer.getAddress())),
    nonce: nonce.toString(),
    deadline: options.deadline,
    signature,
  };
}

/** What {@link signRequest} signs. */
export interface SignRequestParameters<A extends SignedActionName> extends SignOptions {
  chainId: number | bigint;
  /** The address of the contract that takes the action (DatasetRegistry or AccessGrants, per the action). */
  contract: string;
  action: A;
  args: SignedActionArgs[A];
}

/**
 * Signs an action and returns it as a complete signed request, ready for a `govanchor-signed/1` file. The arguments
 * are checked (and normalised) first, as a relayer would check them.
 * @throws SignedRequestError if an argument is malformed.
 */
export async function signRequest<A extends SignedActionName>(
  signer: TypedDataSigner,
  parameters: SignRequestParameters<A>,
): Promise<SignedRequest<A>> {
  const { chainId, contract, action } = parameters;
  const args = parseArgs(action, parameters.args, 'args', failWith('cannot sign')) as SignedActionArgs[A];
  const domain = signedActionDomain(SIGNED_ACTIONS[action].contract, chainId, contract);
  const authorization = await signAuthorization(signer, domain, action, args, parameters);
  return {
    chainId: Number(chainId),
    contract: getAddress(contract),
    action,
    args,
    authorization,
  } as SignedRequest<A>;
}

/** The full EIP-712 payload of a request (domain, types, primary type, message), e.g. to show to a wallet. */
export function signedRequestTypedData(request: SignedRequest) {
  const domain = signedActionDomain(SIGNED_ACTIONS[request.action].contract, request.chainId, request.contract);
  const types = signedActionTypes(request.action);
  const message = signedActionMessage(request.args, request.authorization.nonce, request.authorization.deadline);
  return { domain, types, primaryType: request.action, message };
}

/** The EIP-712 digest the signature signs (what an ERC-1271 wallet's `isValidSignature` receives). */
export function signedRequestDigest(request: SignedRequest): string {
  const { domain, types, message } = signedRequestTypedData(request);
  return TypedDataEncoder.hash(domain, types, message);
}

/**
 * The address an ECDSA signature of this request recovers to, or undefined if the signature is not a plain ECDSA
 * signature. Equal to `authorization.signer` for a good EOA signature. For an ERC-1271 signer only the chain can tell
 * (the wallet decides), so a mismatch proves nothing there.
 */
export function recoverRequestSigner(request: SignedRequest): string | undefined {
  const { domain, types, message } = signedRequestTypedData(request);
  try {
    return verifyTypedData(domain, types, message, request.authorization.signature);
  } catch {
    return undefined;
  }
}

/**
 * The arguments of the request's `...BySig` call, in order, ending with the authorization: pass them to the contract's
 * function named by `SIGNED_ACTIONS[request.action].function`.
 */
export function bySigCallArgs(request: SignedRequest): unknown[] {
  const auth = { ...request.authorization, nonce: toBigInt(request.authorization.nonce) };
  switch (request.action) {
    case 'Anchor':
      return [{ ...request.args }, auth];
    case 'AnchorBatch':
      return [request.args.items.map((item) => ({ ...item })), auth];
    default: {
      const args = request.args as unknown as Record<string, unknown>;
      return [...argumentFields(request.action).map((f) => args[f.name]), auth];
    }
  }
}

/** Thrown when a signed request or a signed-request file is malformed; the message names the field and why. */
export class SignedRequestError extends InputError {}

/** A `govanchor-signed/1` file holding `requests`, as the JSON text to write (two-space indent, final newline). */
export function formatSignedRequestFile(requests: readonly SignedRequest[]): string {
  const file: SignedRequestFile = { format: SIGNED_REQUEST_FORMAT, requests: [...requests] };
  return JSON.stringify(file, null, 2) + '\n';
}

/**
 * Parses the text of a `govanchor-signed/1` file.
 * @param text The file's contents.
 * @param source Where it came from, for messages (e.g. its file name).
 * @throws SignedRequestError naming the first problem.
 */
export function parseSignedRequestFileText(text: string, source = 'signed request file'): SignedRequest[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SignedRequestError(`${source} is not a govanchor signed-request file: not valid JSON (${reason})`);
  }
  return parseSignedRequestFile(value, source);
}

/**
 * Checks a parsed `govanchor-signed/1` file and returns its requests, normalised (checksummed addresses, lowercase
 * hex, decimal-string nonces and ids).
 * @param value The parsed JSON.
 * @param source Where it came from, for messages.
 * @throws SignedRequestError naming the first problem: unknown format, missing or malformed field, an action sent to
 * the wrong kind of contract, too many or no items.
 */
export function parseSignedRequestFile(value: unknown, source = 'signed request file'): SignedRequest[] {
  const fail = failWith(`${source} is not a valid govanchor signed-request file`);
  const root = object(value, 'the document', fail);
  if (root.format !== SIGNED_REQUEST_FORMAT) {
    if (typeof root.format === 'string' && root.format.startsWith('govanchor-signed/')) {
      fail(`format "${root.format}" is not supported by this version of govanchor (it reads ${SIGNED_REQUEST_FORMAT})`);
    }
    fail(`format must be "${SIGNED_REQUEST_FORMAT}"`);
  }
  if (!Array.isArray(root.requests) || root.requests.length === 0) fail('requests must be a non-empty array');
  return (root.requests as unknown[]).map((request, i) => parseRequest(request, `requests[${i}]`, fail));
}

/**
 * Checks one signed request (e.g. built in memory) and returns it normalised.
 * @throws SignedRequestError naming the first problem.
 */
export function parseSignedRequest(value: unknown, source = 'signed request'): SignedRequest {
  return parseRequest(value, 'request', failWith(`${source} is not a valid govanchor signed request`));
}

/** The key grouping requests that one relayer transaction can carry: same chain, same contract. */
export function signedRequestTarget(request: SignedRequest): string {
  return `${request.chainId}:${getAddress(request.contract)}`;
}

/** The fields of an action's primary type other than `nonce` and `deadline`: its arguments, in call order. */
function argumentFields(action: SignedActionName): readonly TypedDataField[] {
  const fields = (SIGNED_ACTION_TYPES[action] as Record<string, readonly TypedDataField[]>)[action];
  return fields.filter((f) => f.name !== 'nonce' && f.name !== 'deadline');
}

type Json = Record<string, unknown>;
type Fail = (problem: string) => never;

function failWith(prefix: string): Fail {
  return (problem: string): never => {
    throw new SignedRequestError(`${prefix}: ${problem}`);
  };
}

function object(v: unknown, field: string, fail: Fail): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : fail(`${field} must be an object`);
}

function parseRequest(value: unknown, at: string, fail: Fail): SignedRequest {
  const request = object(value, at, fail);
  const action = request.action;
  if (typeof action !== 'string' || !(SIGNED_ACTION_NAMES as string[]).includes(action)) {
    fail(`${at}.action must be one of ${SIGNED_ACTION_NAMES.join(', ')}`);
  }
  const name = action as SignedActionName;
  const chainId = request.chainId;
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId < 1) {
    fail(`${at}.chainId must be a whole number >= 1`);
  }
  const contract = parseAddressField(request.contract, `${at}.contract`, fail);
  const args = parseArgs(name, request.args, `${at}.args`, fail);
  const auth = object(request.authorization, `${at}.authorization`, fail);
  const authorization: Authorization = {
    signer: parseAddressField(auth.signer, `${at}.authorization.signer`, fail),
    nonce: parseUint(auth.nonce, 256, `${at}.authorization.nonce`, fail) as string,
    deadline: parseUint(auth.deadline, 48, `${at}.authorization.deadline`, fail) as number,
    signature: parseBytes(auth.signature, undefined, `${at}.authorization.signature`, fail),
  };
  if (authorization.signature === '0x') fail(`${at}.authorization.signature must not be empty`);
  return { chainId: chainId as number, contract, action: name, args, authorization } as SignedRequest;
}

function parseArgs(
  action: SignedActionName,
  value: unknown,
  at: string,
  fail: Fail,
): SignedActionArgs[SignedActionName] {
  const args = object(value, at, fail);
  const result = parseStruct(args, argumentFields(action), at, fail);
  if (action === 'Anchor') checkAnchorItem(result as unknown as AnchorItem, at, fail);
  if (action === 'AnchorBatch') {
    const items = result.items as AnchorItem[];
    if (items.length === 0 || items.length > MAX_SIGNED_ANCHOR_BATCH) {
      fail(`${at}.items must hold 1 to ${MAX_SIGNED_ANCHOR_BATCH} items, not ${items.length}`);
    }
    items.forEach((item, i) => checkAnchorItem(item, `${at}.items[${i}]`, fail));
  }
  return result as unknown as SignedActionArgs[SignedActionName];
}

function parseStruct(value: Json, fields: readonly TypedDataField[], at: string, fail: Fail): Json {
  const names = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(value)) if (!names.has(key)) fail(`${at}.${key} is not a field of this action`);
  const result: Json = {};
  for (const field of fields)
    result[field.name] = parseField(value[field.name], field.type, `${at}.${field.name}`, fail);
  return result;
}

function parseField(value: unknown, type: string, at: string, fail: Fail): unknown {
  if (value === undefined) fail(`${at} is missing`);
  if (type === 'string') return typeof value === 'string' ? value : fail(`${at} must be a string`);
  if (type === 'AnchorItem[]') {
    if (!Array.isArray(value)) fail(`${at} must be an array`);
    return (value as unknown[]).map((item, i) =>
      parseStruct(object(item, `${at}[${i}]`, fail), ANCHOR_ITEM_FIELDS, `${at}[${i}]`, fail),
    );
  }
  const bytes = /^bytes(\d+)$/.exec(type);
  if (bytes) return parseBytes(value, Number(bytes[1]), at, fail);
  const uint = /^uint(\d+)$/.exec(type);
  if (uint) return parseUint(value, Number(uint[1]), at, fail);
  return fail(`${at} has an unsupported type ${type}`);
}

/** uint8 to uint48 as numbers, wider ones as decimal strings; accepts either form. */
function parseUint(value: unknown, bits: number, at: string, fail: Fail): number | string {
  let n: bigint | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) n = BigInt(value);
  else if (typeof value === 'string' && /^(0|[1-9]\d*)$/.test(value)) n = BigInt(value);
  const max = (1n << BigInt(bits)) - 1n;
  if (n === undefined || n > max) {
    return fail(`${at} must be a whole number from 0 to ${bits <= 48 ? max.toString() : `2^${bits}-1`}`);
  }
  return bits <= 48 ? Number(n) : n.toString();
}

function parseBytes(value: unknown, size: number | undefined, at: string, fail: Fail): string {
  const ok = typeof value === 'string' && isHexString(value, size ?? true);
  if (!ok) {
    fail(`${at} must be ${size === undefined ? 'hex bytes (0x...)' : `0x followed by ${2 * size} hex digits`}`);
  }
  return hexlify(value as string);
}

function parseAddressField(value: unknown, at: string, fail: Fail): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value) || !isAddress(value)) {
    fail(`${at} must be an address (0x followed by 40 hex digits, with a valid checksum if mixed-case)`);
  }
  return getAddress(value as string);
}

function checkAnchorItem(item: AnchorItem, at: string, fail: Fail): void {
  if (item.kind !== 1 && item.kind !== 2) fail(`${at}.kind must be 1 (file) or 2 (tree), not ${item.kind}`);
  if (item.kind === 1 && item.fileCount !== 1) fail(`${at}.fileCount must be 1 for a file, not ${item.fileCount}`);
  if (item.fileCount === 0) fail(`${at}.fileCount must be at least 1`);
}

function checkUint(value: number, bits: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || BigInt(value) >= 1n << BigInt(bits)) {
    throw new SignedRequestError(`${what} ${value}: expected a whole number of unix seconds below 2^${bits}`);
  }
}
