/**
 * The data gateway: an HTTP service, run by the agency that owns the data, that serves the files of anchored dataset
 * versions only to operators of agencies with a current grant, and proves to them that what it serves is what was
 * anchored. Fastify; every decision is appended to the audit log before the answer is sent. docs/gateway.md describes
 * the protocol, the data layout, the staleness bound, the audit log and the limits.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { GovanchorClient } from '../client/connection';
import {
  GATEWAY_ACCESS_PRIMARY_TYPE,
  GATEWAY_HEADERS,
  GATEWAY_PROTOCOL,
  gatewayAccessTypes,
  gatewayAuthDomain,
  parseGatewayChallenge,
  receiptUrlPath,
  recoverChallengeSigner,
  type GatewaySessionRequest,
} from '../core/gatewayProtocol';
import { toSha256sumHex } from '../core/hash';
import { parseDatasetKey } from '../core/identifiers';
import { decideVerdict } from '../core/verdict';
import { AuditLog, type AuditEntry, type AuditEvent } from './auditLog';
import { chainRead, decideAccess } from './authorize';
import { ChainState } from './chainState';
import { scanDataDirectory, type DatasetIndex, type ServedFile, type ServedVersion } from './datasetIndex';
import { FileHashes } from './fileHashes';
import { parseRange } from './range';
import { RateLimiter } from './rateLimit';
import { GatewayRefusal } from './refusal';
import { ChallengeStore, SessionStore, type Session } from './sessions';

/** Request limits. Every one has a default; see docs/gateway.md. */
export interface GatewayLimits {
  /** Largest request body (the authentication requests' JSON), in bytes. */
  bodyBytes: number;
  /** Requests per client address per minute. */
  requestsPerMinute: number;
  /** Authentication requests (challenges, sessions) per client address per minute. */
  authPerMinute: number;
  /** Challenges issued and not yet answered or expired. */
  maxChallenges: number;
  /** Open sessions. */
  maxSessions: number;
  /** Concurrent file transfers per session. */
  downloadsPerSession: number;
  /** Concurrent file transfers in all. */
  maxDownloads: number;
  /** Time allowed to receive a whole request (headers and body), in ms. */
  requestTimeoutMs: number;
  /** A connection that neither sends nor receives for this long is closed, in ms (a stalled download too). */
  idleTimeoutMs: number;
  /** Receipts longer than this (base64url) go only to the sidecar endpoint, not into the response header. */
  receiptHeaderBytes: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  bodyBytes: 16 * 1024,
  requestsPerMinute: 1200,
  authPerMinute: 60,
  maxChallenges: 10_000,
  maxSessions: 10_000,
  downloadsPerSession: 8,
  maxDownloads: 256,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  receiptHeaderBytes: 8 * 1024,
};

export interface CreateGatewayOptions {
  /** The connection to the chain and the suite (no signer needed). */
  client: GovanchorClient;
  /** The directory of the data files and their receipts. */
  dataDir: string;
  /** The JSON-lines audit log (appended to; created if missing). */
  auditLog: string;
  /**
   * The public origin clients reach the gateway at, and sign challenges for (e.g. `https://data.hunan.gov.cn`).
   * Default: `http://<bound address>:<port>` once listening.
   */
  origin?: string;
  /** The staleness bound: how long a chain read answers access decisions, in ms. Default 10 s. */
  cacheTtlMs?: number;
  /** How long a challenge can be answered, in ms. Default 2 min. */
  challengeTtlMs?: number;
  /** How long a session lives, in ms. Default 15 min (every request is still checked against the chain). */
  sessionTtlMs?: number;
  limits?: Partial<GatewayLimits>;
  /** Fastify's logger option (pino). Default: no logging. */
  logger?: FastifyServerOptions['logger'];
  /** Take client addresses from `X-Forwarded-For` (only behind a reverse proxy you run). */
  trustProxy?: boolean;
}

/** What the gateway adds to its Fastify instance (`server.govanchor`). */
export interface GatewayControl {
  /** The origin clients sign for (throws before `listen` if none was configured). */
  origin(): string;
  /** The current index of served datasets. */
  index(): DatasetIndex;
  /** Scans the data directory again (e.g. on SIGHUP, after new versions were added); returns the new index. */
  reload(): Promise<DatasetIndex>;
  /** The staleness bound, in ms. */
  stalenessBoundMs: number;
  auditLogPath: string;
  chainId: number;
}

export type GatewayServer = FastifyInstance & { govanchor: GatewayControl };

/** What is known about a request for its audit entry. */
type AuditContext = Partial<Omit<AuditEntry, 'time' | 'decision' | 'status' | 'reason' | 'ip' | 'requestId'>>;

/** The URL-path parameters of dataset routes. */
interface DatasetParams {
  key: string;
  version?: string;
  '*'?: string;
}

/**
 * Creates the gateway: scans the data directory, checks each version against the chain, opens the audit log and
 * registers the routes. Call `listen` on the result.
 * @param options Chain client, data directory, audit log, origin, staleness bound, limits.
 * @returns The Fastify server, with `server.govanchor` to read the origin and index and to reload.
 * @throws NetworkError if the chain cannot be read; the file-system error if the data directory cannot be read.
 * @example
 * const server = await createGateway({ client, dataDir: '/srv/data', auditLog: '/var/log/govanchor/audit.jsonl' });
 * await server.listen({ host: '127.0.0.1', port: 8080 });
 */
export async function createGateway(options: CreateGatewayOptions): Promise<GatewayServer> {
  const { client } = options;
  const limits: GatewayLimits = { ...DEFAULT_GATEWAY_LIMITS, ...options.limits };
  const ttlMs = options.cacheTtlMs ?? 10_000;
  const state = new ChainState(client, ttlMs);
  const contract = client.suite.datasetRegistry;
  const accessGrants = client.suite.accessGrants;
  if (!accessGrants) throw new Error('the deployment names no AccessGrants contract: the gateway needs it');
  const domain = gatewayAuthDomain(client.chainId, accessGrants);
  const scan = () => scanDataDirectory({ dataDir: options.dataDir, chainId: client.chainId, contract, state });
  let index = await scan();
  const audit = await AuditLog.open(options.auditLog);
  const challenges = new ChallengeStore(options.challengeTtlMs ?? 120_000, limits.maxChallenges);
  const sessions = new SessionStore(options.sessionTtlMs ?? 15 * 60_000, limits.maxSessions);
  const limiter = new RateLimiter({ requests: limits.requestsPerMinute, auth: limits.authPerMinute });
  const hashes = new FileHashes();
  const configuredOrigin = options.origin ? new URL(options.origin).origin : undefined;
  let downloads = 0;

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.bodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: 5_000,
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: 2048, ignoreTrailingSlash: true },
  });

  const origin = (): string => {
    if (configuredOrigin) return configuredOrigin;
    const address = app.server.address() as AddressInfo | null;
    if (!address || typeof address !== 'object') throw new Error('the gateway is not listening yet: no origin');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  };

  const contexts = new WeakMap<FastifyRequest, AuditContext>();
  const context = (request: FastifyRequest): AuditContext => {
    let ctx = contexts.get(request);
    if (!ctx) {
      ctx = {};
      contexts.set(request, ctx);
    }
    return ctx;
  };

  /** Appends the request's audit entry. @throws GatewayRefusal `audit-unavailable` if it cannot be written. */
  const record = async (
    request: FastifyRequest,
    decision: AuditEntry['decision'],
    status: number,
    reason: string,
    message?: string,
  ): Promise<void> => {
    const ctx = context(request);
    const entry: AuditEntry = {
      time: new Date().toISOString(),
      event: ctx.event ?? 'other',
      decision,
      status,
      reason,
      agency: ctx.agency ?? null,
      agencyId: ctx.agencyId ?? null,
      signer: ctx.signer ?? null,
      dataset: ctx.dataset ?? null,
      version: ctx.version ?? null,
      path: ctx.path ?? null,
      range: ctx.range ?? null,
      ip: request.ip,
      requestId: String(request.id),
      ...(message ? { message } : {}),
    };
    try {
      await audit.append(entry);
    } catch (error) {
      request.log.error({ err: error }, 'cannot write the audit log');
      throw new GatewayRefusal('audit-unavailable', 'the gateway cannot record this decision; nothing is served');
    }
  };

  /** Sends a refusal after auditing it. */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, refusal: GatewayRefusal): Promise<void> => {
    let answer = refusal;
    try {
      await record(request, refusal.status >= 500 ? 'error' : 'deny', refusal.status, refusal.reason, refusal.message);
    } catch (error) {
      answer = error as GatewayRefusal;
    }
    if (answer.status >= 500) request.log.error({ reason: answer.reason }, answer.message);
    else request.log.info({ reason: answer.reason }, answer.message);
    if (answer.status === 401) reply.header('www-authenticate', 'Bearer realm="govanchor"');
    reply.headers(answer.headers).header('cache-control', 'no-store');
    await reply.code(answer.status).send(answer.document());
  };

  /** The session of the request's bearer token, for `datasetKey`, with a fresh access decision. */
  const authenticate = async (
    request: FastifyRequest,
    datasetKey: string,
  ): Promise<{ session: Session; reason: string }> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+([A-Za-z0-9_-]{16,128})$/.exec(header.trim());
    if (!match) {
      throw new GatewayRefusal('no-session', 'send Authorization: Bearer <token> from POST /v1/auth/session');
    }
    const session = sessions.get(match[1]);
    const ctx = context(request);
    Object.assign(ctx, { signer: session.signer, agency: session.agencyCode, agencyId: session.agencyId });
    if (session.datasetKey !== datasetKey) {
      throw new GatewayRefusal(
        'wrong-dataset',
        `this session is for ${session.datasetKey}, not ${datasetKey}: open a session for each dataset`,
      );
    }
    const { access } = await decideAccess(state, session.signer, datasetKey, (agency) =>
      Object.assign(ctx, { agency: agency.code, agencyId: agency.id }),
    );
    return { session, reason: access.reason };
  };

  const served = (key: string) => {
    const dataset = index.datasets.get(key);
    if (!dataset) throw new GatewayRefusal('unknown-dataset', `this gateway serves no dataset ${key}`);
    return dataset;
  };

  /** The version named in the URL: a number, or `latest` (the highest served version not withdrawn). */
  const resolveVersion = async (request: FastifyRequest, key: string, name: string): Promise<ServedVersion> => {
    const dataset = served(key);
    let version: ServedVersion | undefined;
    if (name === 'latest') {
      const numbers = [...dataset.versions.keys()].sort((a, b) => b - a);
      for (const number of numbers) {
        const candidate = dataset.versions.get(number)!;
        const facts = await chainRead(() => state.anchor(candidate.contentHash));
        if (!facts.withdrawn) {
          version = candidate;
          break;
        }
      }
      version ??= dataset.versions.get(numbers[0]);
    } else if (/^[1-9]\d{0,9}$/.test(name)) {
      version = dataset.versions.get(Number(name));
    } else {
      throw new GatewayRefusal('bad-request', `"${name}" is not a version: use a number such as 1, or latest`);
    }
    if (!version) throw new GatewayRefusal('unknown-version', `this gateway serves no version ${name} of ${key}`);
    context(request).version = version.version;
    return version;
  };

  /** Refuses a withdrawn version, from a fresh chain read. */
  const checkNotWithdrawn = async (version: ServedVersion): Promise<void> => {
    const facts = await chainRead(() => state.anchor(version.contentHash));
    if (facts.withdrawn) {
      throw new GatewayRefusal(
        'version-withdrawn',
        `version ${version.version} of ${version.datasetKey} was withdrawn by ${facts.agencyCode}`,
      );
    }
  };

  /**
   * Re-checks a file before it is served: its bytes now (re-hashed unless unchanged on disk) against its receipt, and
   * the receipt against the chain, with the verdict rules of `src/core/verdict.ts`.
   */
  const checkIntegrity = async (
    request: FastifyRequest,
    version: ServedVersion,
    file: ServedFile,
  ): Promise<{ sha256: string; size: number }> => {
    let current;
    try {
      current = await hashes.current(file.location);
    } catch (error) {
      const message = `${file.path} of ${version.datasetKey} v${version.version} cannot be read (${(error as Error).message})`;
      request.log.error({ location: file.location }, message);
      throw new GatewayRefusal('file-unavailable', message);
    }
    const facts = await chainRead(() => state.anchor(version.contentHash));
    const verdict = decideVerdict({
      subject: { kind: 'file', path: file.path, sha256: current.sha256 },
      chain: { chainId: client.chainId, contract },
      receipt: file.receipt,
      anchor: facts,
      datasetKey: version.datasetKey,
    });
    if (verdict.verified) return current;
    switch (verdict.reason) {
      case 'content-differs': {
        const message = `${file.path} of ${version.datasetKey} v${version.version} no longer matches the anchored version: its SHA-256 is ${toSha256sumHex(current.sha256)}, anchored ${toSha256sumHex(file.sha256)}; not served`;
        request.log.error({ location: file.location, sha256: current.sha256, anchored: file.sha256 }, message);
        throw new GatewayRefusal('integrity-mismatch', message);
      }
      case 'withdrawn':
        throw new GatewayRefusal('version-withdrawn', verdict.message);
      case 'agency-suspended':
      case 'agency-retired':
        throw new GatewayRefusal('owner-inactive', verdict.message);
      default:
        request.log.error({ receipt: file.receiptLocation }, verdict.message);
        throw new GatewayRefusal(
          'receipt-invalid',
          `the gateway's receipt for ${file.path} does not verify: ${verdict.message}`,
        );
    }
  };

  /** Wraps a route: refusals are audited and answered as JSON; the handler audits its own allowed answers. */
  const route =
    <P>(
      event: AuditEvent,
      handler: (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => Promise<unknown>,
    ) =>
    async (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => {
      context(request).event = event;
      try {
        return await handler(request, reply);
      } catch (error) {
        if (error instanceof GatewayRefusal) return refuse(request, reply, error);
        throw error;
      }
    };

  app.addHook('onRequest', async (request) => {
    const auth = request.url.startsWith('/v1/auth/');
    const retryAfter = limiter.take(request.ip, auth);
    if (retryAfter !== undefined) {
      throw new GatewayRefusal('rate-limited', `too many requests from ${request.ip}; retry in ${retryAfter} s`, {
        'retry-after': String(retryAfter),
      });
    }
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof GatewayRefusal) return refuse(request, reply, error);
    const fastifyError = error as { code?: string; statusCode?: number; message?: string };
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return refuse(
        request,
        reply,
        new GatewayRefusal('body-too-large', `request bodies are limited to ${limits.bodyBytes} bytes`),
      );
    }
    if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return refuse(request, reply, new GatewayRefusal('bad-request', fastifyError.message ?? 'bad request'));
    }
    request.log.error({ err: error }, 'unexpected error');
    return refuse(request, reply, new GatewayRefusal('internal-error', 'internal error; see the gateway log'));
  });

  app.setNotFoundHandler(async (request, reply) =>
    refuse(
      request,
      reply,
      new GatewayRefusal('not-found', `no such endpoint: ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/v1/info', async () => ({
    protocol: GATEWAY_PROTOCOL,
    origin: origin(),
    chainId: client.chainId,
    contracts: { datasetRegistry: contract, accessGrants },
    auth: {
      domain: { ...domain, chainId: client.chainId },
      types: gatewayAccessTypes(),
      primaryType: GATEWAY_ACCESS_PRIMARY_TYPE,
      challengeTtlSeconds: Math.round((options.challengeTtlMs ?? 120_000) / 1000),
      sessionTtlSeconds: Math.round((options.sessionTtlMs ?? 15 * 60_000) / 1000),
    },
    stalenessBoundSeconds: ttlMs / 1000,
    limits,
  }));

  app.get('/v1/datasets', async () => ({
    datasets: [...index.datasets.values()]
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((d) => ({ dataset: d.key, versions: [...d.versions.keys()].sort((a, b) => a - b) })),
  }));

  app.post(
    '/v1/auth/challenge',
    route<unknown>('challenge', async (request) => {
      const body = request.body as { dataset?: unknown } | undefined;
      if (typeof body?.dataset !== 'string') {
        throw new GatewayRefusal('bad-request', 'send {"dataset": "<agency code>/<name>"}');
      }
      const key = body.dataset;
      context(request).dataset = key;
      try {
        parseDatasetKey(key);
      } catch (error) {
        throw new GatewayRefusal('bad-request', (error as Error).message);
      }
      served(key);
      const challenge = challenges.issue(origin(), key);
      await record(request, 'allow', 200, 'challenge-issued');
      return {
        challenge: {
          domain: { ...domain, chainId: client.chainId },
          types: gatewayAccessTypes(),
          primaryType: GATEWAY_ACCESS_PRIMARY_TYPE,
          message: challenge,
        },
      };
    }),
  );

  app.post(
    '/v1/auth/session',
    route<unknown>('session', async (request) => {
      const body = (request.body ?? {}) as Partial<Record<keyof GatewaySessionRequest, unknown>>;
      const message = parseGatewayChallenge(body.message);
      if (typeof message === 'string') throw new GatewayRefusal('bad-request', message);
      const ctx = context(request);
      ctx.dataset = message.datasetKey;
      if (typeof body.signer !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(body.signer)) {
        throw new GatewayRefusal('bad-request', 'signer must be the operator address that signed');
      }
      ctx.signer = body.signer;
      if (typeof body.signature !== 'string' || !/^0x[0-9a-fA-F]+$/.test(body.signature)) {
        throw new GatewayRefusal('bad-request', 'signature must be 0x-prefixed hex');
      }
      if (body.chainId !== client.chainId) {
        throw new GatewayRefusal(
          'wrong-chain',
          `the challenge was signed for chain ${String(body.chainId)}; this gateway enforces the grants of chain ${client.chainId}`,
        );
      }
      if (
        typeof body.verifyingContract !== 'string' ||
        body.verifyingContract.toLowerCase() !== accessGrants.toLowerCase()
      ) {
        throw new GatewayRefusal(
          'wrong-contract',
          `the challenge was signed for contract ${String(body.verifyingContract)}; this gateway enforces AccessGrants ${accessGrants}`,
        );
      }
      if (message.origin !== origin()) {
        throw new GatewayRefusal(
          'wrong-origin',
          `the challenge was signed for ${message.origin}; this gateway is ${origin()}`,
        );
      }
      challenges.check(message);
      const recovered = recoverChallengeSigner(domain, message, body.signature);
      if (!recovered || recovered.toLowerCase() !== body.signer.toLowerCase()) {
        throw new GatewayRefusal('bad-signature', `the signature is not ${body.signer}'s signature of this challenge`);
      }
      ctx.signer = recovered;
      challenges.consume(message);
      served(message.datasetKey);
      const { agency, access } = await decideAccess(state, recovered, message.datasetKey, (found) =>
        Object.assign(ctx, { agency: found.code, agencyId: found.id }),
      );
      const session = sessions.create({
        signer: recovered,
        agencyId: agency.id,
        agencyCode: agency.code,
        datasetKey: message.datasetKey,
      });
      await record(request, 'allow', 200, access.reason);
      return {
        token: session.token,
        expiresAt: new Date(session.expiresAt).toISOString(),
        signer: recovered,
        agency: { id: agency.id, code: agency.code, name: agency.name },
        dataset: message.datasetKey,
        access: { reason: access.reason, grant: access.grant, checkedAt: access.checkedAt },
        stalenessBoundSeconds: ttlMs / 1000,
      };
    }),
  );

  app.get(
    '/v1/datasets/:key/versions',
    route<DatasetParams>('versions', async (request) => {
      const key = request.params.key;
      context(request).dataset = key;
      const { reason } = await authenticate(request, key);
      const dataset = served(key);
      const versions = [];
      for (const version of [...dataset.versions.values()].sort((a, b) => a.version - b.version)) {
        const facts = await chainRead(() => state.anchor(version.contentHash));
        versions.push({
          version: version.version,
          kind: version.kind,
          contentHash: version.contentHash,
          fileCount: version.fileCount,
          servedFiles: version.files.size,
          complete: version.files.size === version.fileCount,
          anchoredAt: new Date(version.anchoredAt * 1000).toISOString(),
          withdrawn: facts.withdrawn,
          uri: version.uri,
        });
      }
      await record(request, 'allow', 200, reason);
      return { dataset: key, versions };
    }),
  );

  app.get(
    '/v1/datasets/:key/versions/:version/files',
    route<DatasetParams>('files', async (request) => {
      const key = request.params.key;
      context(request).dataset = key;
      const { reason } = await authenticate(request, key);
      const version = await resolveVersion(request, key, request.params.version ?? '');
      await checkNotWithdrawn(version);
      const files = [];
      for (const file of [...version.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
        const size = await stat(file.location).then(
          (s) => s.size,
          () => null,
        );
        files.push({ path: file.path, size, sha256: toSha256sumHex(file.sha256) });
      }
      await record(request, 'allow', 200, reason);
      return {
        dataset: key,
        version: version.version,
        kind: version.kind,
        contentHash: version.contentHash,
        fileCount: version.fileCount,
        complete: version.files.size === version.fileCount,
        anchoredAt: new Date(version.anchoredAt * 1000).toISOString(),
        files,
      };
    }),
  );

  app.get(
    '/v1/datasets/:key/versions/:version/receipts/*',
    route<DatasetParams>('receipt', async (request) => {
      const key = request.params.key;
      const path = request.params['*'] ?? '';
      Object.assign(context(request), { dataset: key, path });
      const { reason } = await authenticate(request, key);
      const version = await resolveVersion(request, key, request.params.version ?? '');
      const file = version.files.get(path);
      if (!file) throw new GatewayRefusal('unknown-file', `version ${version.version} of ${key} has no file ${path}`);
      await record(request, 'allow', 200, reason);
      return file.receipt;
    }),
  );

  // GET and HEAD explicitly: Fastify's automatic HEAD route would read the whole file stream and drop its length.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/v1/datasets/:key/versions/:version/files/*',
    handler: route<DatasetParams>('file', async (request, reply) => {
      const key = request.params.key;
      const path = request.params['*'] ?? '';
      const rangeHeader = request.headers.range;
      Object.assign(context(request), { dataset: key, path, range: rangeHeader ?? null });
      const { session, reason } = await authenticate(request, key);
      const version = await resolveVersion(request, key, request.params.version ?? '');
      const file = version.files.get(path);
      if (!file) throw new GatewayRefusal('unknown-file', `version ${version.version} of ${key} has no file ${path}`);
      const { sha256, size } = await checkIntegrity(request, version, file);

      const etag = `"sha256-${toSha256sumHex(sha256)}"`;
      const ifRange = request.headers['if-range'];
      const range =
        ifRange !== undefined && ifRange !== etag ? { kind: 'full' as const } : parseRange(rangeHeader, size);
      if (range.kind === 'unsatisfiable') {
        throw new GatewayRefusal('range-not-satisfiable', `the file has ${size} bytes`, {
          'content-range': `bytes */${size}`,
        });
      }
      const head = request.method === 'HEAD';
      if (!head) {
        if (session.activeDownloads >= limits.downloadsPerSession) {
          throw new GatewayRefusal(
            'too-many-downloads',
            `at most ${limits.downloadsPerSession} transfers at a time per session`,
            { 'retry-after': '1' },
          );
        }
        if (downloads >= limits.maxDownloads) {
          throw new GatewayRefusal('busy', 'the gateway is serving as many transfers as it allows; retry shortly', {
            'retry-after': '5',
          });
        }
      }
      const status = range.kind === 'range' ? 206 : 200;
      await record(request, 'allow', status, reason);

      const receiptJson = Buffer.from(JSON.stringify(file.receipt)).toString('base64url');
      reply
        .code(status)
        .header('content-type', 'application/octet-stream')
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        .header('repr-digest', `sha-256=:${Buffer.from(sha256.slice(2), 'hex').toString('base64')}:`)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(basename(file.path))}`)
        .header(GATEWAY_HEADERS.sha256, toSha256sumHex(sha256))
        .header(GATEWAY_HEADERS.dataset, encodeURIComponent(version.datasetKey))
        .header(GATEWAY_HEADERS.version, String(version.version))
        .header(GATEWAY_HEADERS.contentHash, version.contentHash)
        .header('link', `<${receiptUrlPath(version.datasetKey, version.version, file.path)}>; rel="govanchor-receipt"`);
      if (receiptJson.length <= limits.receiptHeaderBytes) reply.header(GATEWAY_HEADERS.receipt, receiptJson);
      const start = range.kind === 'range' ? range.start : 0;
      const end = range.kind === 'range' ? range.end : size - 1;
      if (range.kind === 'range') reply.header('content-range', `bytes ${start}-${end}/${size}`);
      reply.header('content-length', String(size === 0 ? 0 : end - start + 1));
      if (head || size === 0) return reply.send();

      session.activeDownloads++;
      downloads++;
      reply.raw.once('close', () => {
        session.activeDownloads--;
        downloads--;
      });
      const source = createReadStream(file.location, { start, end, highWaterMark: 64 * 1024 });
      // Access is decided again, every half staleness bound, while a transfer runs: a revocation, a suspension or a
      // removed operator cuts it off, as it refuses the next request. A chain that cannot be read does not.
      const recheck = setInterval(
        () =>
          void decideAccess(state, session.signer, version.datasetKey).catch(async (error: unknown) => {
            if (!(error instanceof GatewayRefusal) || error.reason === 'chain-unavailable' || source.destroyed) return;
            clearInterval(recheck);
            const message = `${error.message}; transfer of ${file.path} cut off`;
            request.log.warn({ reason: error.reason }, message);
            context(request).event = 'transfer';
            await record(request, 'deny', error.status, error.reason, message).catch(() => undefined);
            source.destroy(new Error(message));
          }),
        Math.max(ttlMs / 2, 500),
      );
      recheck.unref();
      reply.raw.once('close', () => clearInterval(recheck));
      if (range.kind === 'range') return reply.send(source);
      // A whole file is hashed again as it is sent: if its bytes changed after the check, the transfer is cut off
      // before its last byte, so the client never receives a complete response with wrong content.
      const checked = verifyingStream(sha256, size, async (actual, bytes) => {
        hashes.forget(file.location);
        const message = `${file.path} of ${version.datasetKey} v${version.version} changed while it was sent (${bytes} bytes, SHA-256 ${actual}); transfer cut off`;
        request.log.error({ location: file.location }, message);
        context(request).event = 'transfer';
        await record(request, 'error', 503, 'integrity-mismatch', message).catch(() => undefined);
      });
      pipeline(source, checked, () => undefined);
      return reply.send(checked);
    }),
  });

  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    await audit.close();
  });
  const sweeper = setInterval(() => {
    challenges.sweep();
    sessions.sweep();
  }, 60_000);
  sweeper.unref();

  const control: GatewayControl = {
    origin,
    index: () => index,
    reload: async () => {
      const next = await scan();
      index = next;
      return next;
    },
    stalenessBoundMs: ttlMs,
    auditLogPath: audit.path,
    chainId: client.chainId,
  };
  app.decorate('govanchor', control);
  return app as unknown as GatewayServer;
}

/**
 * A pass-through stream that hashes what passes and fails at the end if the bytes are not the expected ones, so that
 * the response is cut off before it completes.
 */
function verifyingStream(
  expectedSha256: string,
  expectedSize: number,
  onMismatch: (actualSha256: string, bytes: number) => Promise<void>,
): Transform {
  const hash = createHash('sha256');
  let bytes = 0;
  let held: Buffer | undefined;
  return new Transform({
    // The last chunk is held back until the hash is checked: the client cannot receive every byte of bad content.
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      bytes += chunk.length;
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback: TransformCallback) {
      const actual = '0x' + hash.digest('hex');
      if (actual === expectedSha256 && bytes === expectedSize) {
        callback(null, held);
        return;
      }
      onMismatch(actual, bytes).finally(() => callback(new Error('file content changed while it was sent')));
    },
  });
}
