/** The gateway under test (in this process or as `govanchor gateway`) and small HTTP helpers for talking to it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Wallet } from 'ethers';
import { openGatewaySession, type GatewaySession } from '../../../src/client/gatewaySession';
import {
  gatewayAuthDomain,
  signGatewayChallenge,
  type GatewayChallenge,
  type GatewayErrorDocument,
  type GatewaySessionRequest,
} from '../../../src/core/gatewayProtocol';
import { createGateway, type CreateGatewayOptions, type GatewayServer } from '../../../src/gateway';
import type { AuditEntry } from '../../../src/gateway/auditLog';
import { cleanEnv } from '../../cli/helpers';
import { LAUNCHER, type World } from './world';

export interface RunningGateway {
  server: GatewayServer;
  base: string;
  auditLog: string;
  /** The server's log lines (pino JSON), for checking what was logged. */
  logs: string[];
  close(): Promise<void>;
}

/** Starts the gateway in this process on a free loopback port. */
export async function startGateway(
  world: World,
  name: string,
  options: Partial<CreateGatewayOptions> = {},
): Promise<RunningGateway> {
  const logs: string[] = [];
  const auditLog = join(world.dir, `${name}-audit.jsonl`);
  const server = await createGateway({
    client: world.reader,
    dataDir: world.dataDir,
    auditLog,
    cacheTtlMs: 1000,
    logger: {
      level: 'info',
      stream: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logs.push(chunk.toString());
          callback();
        },
      }),
    },
    ...options,
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  // Where it listens (its origin may be a proxy's, when configured so).
  const { port } = server.server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, auditLog, logs, close: () => server.close() };
}

/** `govanchor gateway` as a subprocess; resolves once it prints its address. */
export interface GatewayProcess {
  base: string;
  pid: number;
  auditLog: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startGatewayProcess(
  world: World,
  name: string,
  extraArgs: string[] = [],
): Promise<GatewayProcess> {
  const auditLog = join(world.dir, `${name}-audit.jsonl`);
  const args = [
    LAUNCHER,
    'gateway',
    '--data',
    world.dataDir,
    '--port',
    '0',
    '--json',
    '--audit-log',
    auditLog,
    '--log-level',
    'warn',
    '--rpc',
    world.node.url,
    '--deployment',
    world.deploymentFile,
    ...extraArgs,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: world.dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  };
  process.once('exit', kill);
  const stop = async () => {
    process.removeListener('exit', kill);
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(kill, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const summary = JSON.parse(stdout) as { url: string };
      return { base: summary.url, pid: child.pid!, auditLog, output: () => stdout + stderr, stop };
    } catch {
      // not printed yet
    }
    if (child.exitCode !== null)
      throw new Error(`govanchor gateway exited with ${child.exitCode}:\n${stdout}${stderr}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`govanchor gateway did not start:\n${stdout}${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A session opened with the project's client (`openGatewaySession`), as `govanchor fetch` opens it. */
export function openSession(world: World, base: string, datasetKey: string, wallet: Wallet): Promise<GatewaySession> {
  return openGatewaySession(world.reader, { gatewayUrl: base, datasetKey, signer: wallet });
}

/** Asks for a challenge. */
export async function challenge(base: string, datasetKey: string): Promise<GatewayChallenge> {
  const response = await fetch(`${base}/v1/auth/challenge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataset: datasetKey }),
  });
  if (!response.ok) throw new Error(`challenge: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { challenge: { message: GatewayChallenge } }).challenge.message;
}

/** Signs a challenge in the domain of `chainId` (default: the world's chain). */
export function sign(world: World, wallet: Wallet, message: GatewayChallenge, chainId = world.chainId) {
  return signGatewayChallenge(wallet, gatewayAuthDomain(chainId, world.suite.accessGrants!), message);
}

/** Posts a signed challenge; returns the status and the JSON body. */
export async function postSession(
  base: string,
  body: GatewaySessionRequest | Record<string, unknown>,
): Promise<{ status: number; body: { token?: string } & Partial<GatewayErrorDocument> }> {
  const response = await fetch(`${base}/v1/auth/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { token?: string } & Partial<GatewayErrorDocument>,
  };
}

/** A GET (or HEAD) with a session token. */
export function get(base: string, path: string, token?: string, headers: Record<string, string> = {}, method = 'GET') {
  return fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

/** The reason of a refusal. */
export async function reasonOf(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as Partial<GatewayErrorDocument>;
  return body.error?.reason;
}

/** The audit log's entries. */
export async function readAudit(path: string): Promise<AuditEntry[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);
}

export function sha256(bytes: Uint8Array): string {
  return '0x' + createHash('sha256').update(bytes).digest('hex');
}

/** Streams a response body through SHA-256 without keeping it; returns the digest and the byte count. */
export async function hashBody(response: Response): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    bytes += value.length;
  }
  return { sha256: '0x' + hash.digest('hex'), bytes };
}
