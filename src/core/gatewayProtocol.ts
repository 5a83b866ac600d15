/**
 * The data gateway's protocol, shared by the gateway (`src/gateway`) and its client (`src/client/gatewaySession.ts`,
 * `fetchDataset.ts`): the EIP-712 challenge an operator signs to open a session, the URL layout, the JSON error
 * document and its reasons, and the errors a client raises (with their exit codes).
 *
 * The challenge is EIP-712 typed data in its own domain, "govanchor Gateway" version "1", bound to the chain id and to
 * the AccessGrants contract whose grants the gateway enforces (as `verifyingContract`). No contract accepts signatures
 * in this domain, and its separator differs from the contracts' domains ("govanchor DatasetRegistry",
 * "govanchor AccessGrants"), so a gateway signature can never be replayed as an on-chain action, nor an on-chain
 * action's signature as a gateway login.
 *
 * Pure: ethers only, no Node-only API.
 */
import { getAddress, toBigInt, verifyTypedData, type TypedDataDomain, type TypedDataField } from 'ethers';
import { GovanchorError } from './errors';
import { ExitCode } from './exitCodes';

/** Protocol tag the gateway announces in `GET /v1/info`. A client rejects tags it does not know. */
export const GATEWAY_PROTOCOL = 'govanchor-gateway/1';

/** The EIP-712 domain name and version of gateway challenges. */
export const GATEWAY_AUTH_DOMAIN = { name: 'govanchor Gateway', version: '1' } as const;

/** The EIP-712 primary type of a gateway challenge. */
export const GATEWAY_ACCESS_PRIMARY_TYPE = 'GatewayAccess';

/**
 * `GatewayAccess(string origin,string datasetKey,bytes32 nonce,uint64 issuedAt,uint64 expiresAt)`: the operator asks
 * the gateway at `origin` for a session to read `datasetKey`, answering the challenge `nonce` the gateway issued at
 * `issuedAt`, valid until `expiresAt` (unix seconds).
 */
export const GATEWAY_ACCESS_TYPES = {
  GatewayAccess: [
    { name: 'origin', type: 'string' },
    { name: 'datasetKey', type: 'string' },
    { name: 'nonce', type: 'bytes32' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'expiresAt', type: 'uint64' },
  ],
} as const satisfies Record<string, readonly TypedDataField[]>;

/** A challenge as issued by the gateway and signed by the operator. JSON-safe. */
export interface GatewayChallenge {
  /** The gateway's public origin (scheme, host, port), e.g. `https://data.hunan.gov.cn`. */
  origin: string;
  /** The dataset the session is for. */
  datasetKey: string;
  /** 32 random bytes chosen by the gateway, 0x-prefixed lowercase hex; usable once. */
  nonce: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds; the gateway refuses the signed challenge after this time. */
  expiresAt: number;
}

/** The typed data of a challenge, as `signer.signTypedData(domain, types, message)` takes it. */
export interface GatewayTypedData {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  primaryType: typeof GATEWAY_ACCESS_PRIMARY_TYPE;
  message: GatewayChallenge;
}

/** The body of `POST /v1/auth/session`: the signed challenge and what the signer signed it for. */
export interface GatewaySessionRequest {
  /** The chain id of the domain the challenge was signed in. */
  chainId: number;
  /** The AccessGrants contract of the domain the challenge was signed in. */
  verifyingContract: string;
  /** The operator (checksummed address) who signed. */
  signer: string;
  message: GatewayChallenge;
  /** The EIP-712 signature, 0x-prefixed hex. */
  signature: string;
}

/** The EIP-712 domain of gateway challenges for a chain and its AccessGrants contract. */
export function gatewayAuthDomain(chainId: number | bigint, accessGrants: string): TypedDataDomain {
  return { ...GATEWAY_AUTH_DOMAIN, chainId: toBigInt(chainId), verifyingContract: getAddress(accessGrants) };
}

/** The challenge's types as a mutable copy (the form `signTypedData` takes). */
export function gatewayAccessTypes(): Record<string, TypedDataField[]> {
  return { GatewayAccess: GATEWAY_ACCESS_TYPES.GatewayAccess.map((field) => ({ ...field })) };
}

/** The full typed data of a challenge in a domain. */
export function gatewayTypedData(domain: TypedDataDomain, message: GatewayChallenge): GatewayTypedData {
  return { domain, types: gatewayAccessTypes(), primaryType: GATEWAY_ACCESS_PRIMARY_TYPE, message };
}

/** The part of an ethers `Signer` that signing a challenge needs. */
export interface ChallengeSigner {
  getAddress(): Promise<string>;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/**
 * Signs a challenge and returns the body of `POST /v1/auth/session`.
 * @param signer The operator's key.
 * @param domain The domain, built by the signer's side from its own chain id and deployment ({@link gatewayAuthDomain}).
 * @param message The challenge the gateway issued.
 */
export async function signGatewayChallenge(
  signer: ChallengeSigner,
  domain: TypedDataDomain,
  message: GatewayChallenge,
): Promise<GatewaySessionRequest> {
  const signature = await signer.signTypedData(domain, gatewayAccessTypes(), { ...message });
  return {
    chainId: Number(domain.chainId),
    verifyingContract: getAddress(String(domain.verifyingContract)),
    signer: getAddress(await signer.getAddress()),
    message,
    signature,
  };
}

/** The address that signed `message` in `domain`, or undefined if the signature is malformed. */
export function recoverChallengeSigner(
  domain: TypedDataDomain,
  message: GatewayChallenge,
  signature: string,
): string | undefined {
  try {
    return verifyTypedData(domain, gatewayAccessTypes(), { ...message }, signature);
  } catch {
    return undefined;
  }
}

/**
 * Checks the shape of a challenge (e.g. the `message` of a session request) and returns it normalised.
 * @returns The challenge, or a one-line problem.
 */
export function parseGatewayChallenge(value: unknown): GatewayChallenge | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'message must be an object';
  const m = value as Record<string, unknown>;
  if (typeof m.origin !== 'string' || m.origin.length === 0 || m.origin.length > 512) {
    return 'message.origin must be a URL origin';
  }
  if (typeof m.datasetKey !== 'string' || m.datasetKey.length === 0 || m.datasetKey.length > 400) {
    return 'message.datasetKey must be a dataset key';
  }
  if (typeof m.nonce !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(m.nonce)) {
    return 'message.nonce must be 0x followed by 64 hex digits';
  }
  for (const field of ['issuedAt', 'expiresAt'] as const) {
    const v = m[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return `message.${field} must be unix seconds`;
  }
  const extra = Object.keys(m).filter((k) => !['origin', 'datasetKey', 'nonce', 'issuedAt', 'expiresAt'].includes(k));
  if (extra.length > 0) return `message.${extra[0]} is not a field of GatewayAccess`;
  return {
    origin: m.origin,
    datasetKey: m.datasetKey,
    nonce: m.nonce.toLowerCase(),
    issuedAt: m.issuedAt as number,
    expiresAt: m.expiresAt as number,
  };
}

/**
 * Why the gateway refused a request (the `reason` of its JSON error document), with the HTTP status it answers with.
 */
export const GATEWAY_REASONS = {
  // 400: the request is malformed.
  'bad-request': 400,
  'body-too-large': 413,
  // 401: the caller is not authenticated: no or bad session, or the signed challenge is not acceptable.
  'no-session': 401,
  'invalid-session': 401,
  'session-expired': 401,
  'wrong-chain': 401,
  'wrong-contract': 401,
  'wrong-origin': 401,
  'unknown-challenge': 401,
  'challenge-mismatch': 401,
  'challenge-expired': 401,
  replayed: 401,
  'bad-signature': 401,
  // 403: authenticated, but the chain says no (now, within the staleness bound).
  'unknown-signer': 403,
  'agency-suspended': 403,
  'agency-retired': 403,
  'no-grant': 403,
  'grant-expired': 403,
  'grant-revoked': 403,
  'grant-superseded': 403,
  'owner-inactive': 403,
  'wrong-dataset': 403,
  // 404: nothing of that name is served here.
  'not-found': 404,
  'unknown-dataset': 404,
  'unknown-version': 404,
  'unknown-file': 404,
  // 410: the version was withdrawn on chain by its agency.
  'version-withdrawn': 410,
  // 416: the Range header asks for bytes the file does not have.
  'range-not-satisfiable': 416,
  // 429: too many requests.
  'rate-limited': 429,
  'too-many-downloads': 429,
  // 503: the gateway cannot serve the file as anchored, or cannot decide now.
  'integrity-mismatch': 503,
  'file-unavailable': 503,
  'receipt-invalid': 503,
  'chain-unavailable': 503,
  'audit-unavailable': 503,
  busy: 503,
  // 500: a bug.
  'internal-error': 500,
} as const;

export type GatewayReason = keyof typeof GATEWAY_REASONS;

/** The JSON document of every refusal: `{"error": {"status": 403, "reason": "grant-revoked", "message": "..."}}`. */
export interface GatewayErrorDocument {
  error: { status: number; reason: GatewayReason; message: string };
}

/** The URL path of a dataset: its key is one URL-encoded path segment (keys contain "/"). */
export function datasetUrlPath(datasetKey: string): string {
  return `/v1/datasets/${encodeURIComponent(datasetKey)}`;
}

/** The URL path of a version's file listing. `version` is a number or `latest`. */
export function filesUrlPath(datasetKey: string, version: number | 'latest'): string {
  return `${datasetUrlPath(datasetKey)}/versions/${version}/files`;
}

/** The URL path of a file of a version; `path` is the file's path in the version, each segment URL-encoded. */
export function fileUrlPath(datasetKey: string, version: number | 'latest', path: string): string {
  return `${filesUrlPath(datasetKey, version)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** The URL path of a file's receipt (the sidecar of {@link fileUrlPath}). */
export function receiptUrlPath(datasetKey: string, version: number | 'latest', path: string): string {
  return `${datasetUrlPath(datasetKey)}/versions/${version}/receipts/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Response headers of a served file (besides the standard `ETag`, `Repr-Digest`, `Content-Range`). */
export const GATEWAY_HEADERS = {
  /** The file's SHA-256 as `sha256sum` prints it (64 hex digits), re-checked by the gateway before serving. */
  sha256: 'x-govanchor-sha256',
  /** The file's receipt (`govanchor-receipt/1` JSON), base64url-encoded; omitted if too long for a header. */
  receipt: 'x-govanchor-receipt',
  dataset: 'x-govanchor-dataset',
  version: 'x-govanchor-version',
  /** The anchored content hash of the version: the file's SHA-256, or the tree root. */
  contentHash: 'x-govanchor-content-hash',
} as const;

/** The gateway refused: access denied, session problem, withdrawn version (exit 1). */
export class GatewayDeniedError extends GovanchorError {
  readonly reason: string;
  readonly status: number;
  constructor(message: string, status: number, reason: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Negative, options);
    this.status = status;
    this.reason = reason;
  }
}

/** A downloaded file, or what the gateway said about it, does not verify against the chain (exit 1). */
export class FetchVerificationError extends GovanchorError {
  readonly path?: string;
  readonly reason?: string;
  constructor(message: string, details: { path?: string; reason?: string } = {}, options?: { cause?: unknown }) {
    super(message, ExitCode.Negative, options);
    this.path = details.path;
    this.reason = details.reason;
  }
}
