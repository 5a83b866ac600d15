/**
 * Talking to a data gateway (`src/gateway`): read what it announces, answer its challenge with the operator's
 * signature, and make requests with the session, mapping its refusals to govanchor errors. No Node-only API.
 */
import { getAddress } from 'ethers';
import { ConfigError, GovanchorError, NetworkError, NotFoundError, UsageError } from '../core/errors';
import {
  GATEWAY_PROTOCOL,
  GatewayDeniedError,
  FetchVerificationError,
  gatewayAuthDomain,
  parseGatewayChallenge,
  signGatewayChallenge,
  type ChallengeSigner,
  type GatewayErrorDocument,
} from '../core/gatewayProtocol';
import type { GovanchorClient } from './connection';

/** What a gateway announces at `GET /v1/info`. */
export interface GatewayInfo {
  protocol: string;
  origin: string;
  chainId: number;
  contracts: { datasetRegistry: string; accessGrants: string };
  stalenessBoundSeconds: number;
  auth: { challengeTtlSeconds: number; sessionTtlSeconds: number };
}

/** An open session with a gateway, for one dataset. */
export interface GatewaySession {
  /** The gateway's base URL as given (no trailing slash). */
  gatewayUrl: string;
  info: GatewayInfo;
  /** The bearer token. */
  token: string;
  expiresAt: string;
  signer: string;
  agency: { id: number; code: string; name: string };
  datasetKey: string;
  access: { reason: string; grant?: { id: string; expiresAt: string } };
}

/** Longest challenge lifetime a client signs: a signature is a credential until it expires. */
const MAX_CHALLENGE_SECONDS = 3600;
const JSON_TIMEOUT_MS = 30_000;

/** The gateway's base URL, checked. @throws UsageError for anything but an http(s) URL. */
export function gatewayBaseUrl(gatewayUrl: string): string {
  let url: URL;
  try {
    url = new URL(gatewayUrl);
  } catch {
    throw new UsageError(`"${gatewayUrl}" is not a URL: expected the gateway's address, e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`gateway URL ${gatewayUrl} must use http or https`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Maps a refusal of the gateway to a govanchor error: access denied, session problems and withdrawn versions are
 * negative answers (exit 1), as is a file the gateway refuses because it no longer matches its anchor; unknown names
 * are input errors (exit 2); everything else (busy, chain unavailable, rate limits, server errors) is a failure to
 * retry (exit 3).
 */
export async function gatewayError(response: Response, what: string): Promise<GovanchorError> {
  let document: GatewayErrorDocument | undefined;
  try {
    document = (await response.json()) as GatewayErrorDocument;
  } catch {
    document = undefined;
  }
  const reason = document?.error?.reason ?? `http-${response.status}`;
  const detail = document?.error?.message ?? response.statusText;
  const message = `${what}: the gateway answered ${response.status} ${reason}: ${detail}`;
  const status = response.status;
  if (status === 401 || status === 403 || status === 410) return new GatewayDeniedError(message, status, reason);
  if (reason === 'integrity-mismatch' || reason === 'receipt-invalid')
    return new FetchVerificationError(message, { reason });
  if (status === 404) return new NotFoundError(message);
  if (status === 400 || status === 413 || status === 416) return new UsageError(message);
  return new NetworkError(message);
}

/**
 * A request to the gateway.
 * @throws NetworkError if the gateway cannot be reached; the mapped refusal ({@link gatewayError}) unless it answers 2xx.
 */
export async function gatewayRequest(
  baseUrl: string,
  path: string,
  what: string,
  init: RequestInit & { token?: string } = {},
): Promise<Response> {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(baseUrl + path, { ...rest, headers, redirect: 'error' });
  } catch (error) {
    if ((error as Error).name === 'AbortError' && init.signal?.aborted) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new NetworkError(`${what}: cannot reach the gateway at ${baseUrl} (${reason})`, { cause: error });
  }
  if (!response.ok) throw await gatewayError(response, what);
  return response;
}

/** A JSON request to the gateway, with a timeout. */
export async function gatewayJson<T>(
  baseUrl: string,
  path: string,
  what: string,
  init: RequestInit & { token?: string } = {},
): Promise<T> {
  const timeout = AbortSignal.timeout(JSON_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  const response = await gatewayRequest(baseUrl, path, what, { ...init, signal });
  try {
    return (await response.json()) as T;
  } catch (error) {
    throw new NetworkError(`${what}: the gateway's answer is not JSON`, { cause: error });
  }
}

export interface OpenGatewaySessionParameters {
  /** The gateway's URL, e.g. `https://data.hunan.gov.cn`. */
  gatewayUrl: string;
  /** The dataset to read. */
  datasetKey: string;
  /** The operator's key. */
  signer: ChallengeSigner;
}

export type OpenGatewaySessionReturnType = GatewaySession;

/**
 * Opens a session: checks that the gateway enforces the grants of the client's chain and deployment, asks it for a
 * challenge, checks the challenge (the origin is the URL contacted, the dataset is the one asked for, the lifetime is
 * short), signs it in the domain built from the client's own chain id and AccessGrants address, and sends it.
 * @param client A connected client: its chain and deployment decide what is signed, never the gateway's word.
 * @param parameters Gateway URL, dataset key and the operator's key.
 * @returns The session.
 * @throws ConfigError if the gateway serves another chain or deployment, or asks to sign for another origin;
 * GatewayDeniedError (exit 1) if it refuses access; NetworkError if it cannot be reached.
 * @example
 * const session = await openGatewaySession(client, { gatewayUrl: 'http://127.0.0.1:8080', datasetKey, signer });
 */
export async function openGatewaySession(
  client: GovanchorClient,
  { gatewayUrl, datasetKey, signer }: OpenGatewaySessionParameters,
): Promise<OpenGatewaySessionReturnType> {
  const base = gatewayBaseUrl(gatewayUrl);
  const info = await gatewayJson<GatewayInfo>(base, '/v1/info', 'read the gateway information');
  if (info.protocol !== GATEWAY_PROTOCOL) {
    throw new ConfigError(`${base} does not speak ${GATEWAY_PROTOCOL} (it announces ${String(info.protocol)})`);
  }
  if (info.chainId !== client.chainId) {
    throw new ConfigError(
      `the gateway at ${base} enforces the grants of chain ${info.chainId}, but the node at ${client.rpcUrl} is chain ${client.chainId}: use an RPC endpoint of chain ${info.chainId}`,
    );
  }
  const accessGrants = client.suite.accessGrants;
  if (!accessGrants) throw new ConfigError(`${client.suite.source} names no AccessGrants contract`);
  if (
    info.contracts.datasetRegistry.toLowerCase() !== client.suite.datasetRegistry.toLowerCase() ||
    info.contracts.accessGrants.toLowerCase() !== accessGrants.toLowerCase()
  ) {
    throw new ConfigError(
      `the gateway at ${base} uses registry ${info.contracts.datasetRegistry} and AccessGrants ${info.contracts.accessGrants}, but ${client.suite.source} names ${client.suite.datasetRegistry} and ${accessGrants}`,
    );
  }
  const { challenge } = await gatewayJson<{ challenge: { message: unknown } }>(
    base,
    '/v1/auth/challenge',
    `ask the gateway for a challenge for ${datasetKey}`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: datasetKey }) },
  );
  const message = parseGatewayChallenge(challenge?.message);
  if (typeof message === 'string') throw new NetworkError(`the gateway's challenge is malformed: ${message}`);
  const contacted = new URL(base).origin;
  if (message.origin !== contacted) {
    throw new ConfigError(
      `the gateway asks for a signature for ${message.origin}, but you contacted ${contacted}: not signed (use the gateway's public URL, or have its operator fix --origin)`,
    );
  }
  if (message.datasetKey !== datasetKey) {
    throw new ConfigError(`the gateway's challenge is for ${message.datasetKey}, not ${datasetKey}: not signed`);
  }
  if (message.expiresAt - Math.floor(Date.now() / 1000) > MAX_CHALLENGE_SECONDS) {
    throw new ConfigError(`the gateway's challenge would stay valid past ${MAX_CHALLENGE_SECONDS} s: not signed`);
  }
  const request = await signGatewayChallenge(signer, gatewayAuthDomain(client.chainId, accessGrants), message);
  const session = await gatewayJson<Omit<GatewaySession, 'gatewayUrl' | 'info' | 'datasetKey'>>(
    base,
    '/v1/auth/session',
    `open a session for ${datasetKey} as ${request.signer}`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) },
  );
  return { ...session, signer: getAddress(session.signer), gatewayUrl: base, info, datasetKey };
}
