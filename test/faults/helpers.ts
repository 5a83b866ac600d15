/**
 * Fault injection helpers: a `hardhat node` of our own on a loopback port (so that it can be killed by its pid and
 * restarted on the same port without disturbing the shared node of the CLI tests), and a loopback TCP proxy in front
 * of a node that can pass, delay, hang or drop connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { expect } from 'chai';
import { cleanEnv, ROOT, type CliResult } from '../cli/helpers';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface OwnNode {
  url: string;
  port: number;
  process: ChildProcess;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** SIGKILL by pid; resolves once the process is gone. */
  kill(): Promise<void>;
}

const started: ChildProcess[] = [];

/** Starts `hardhat node` on 127.0.0.1:`port` (a fresh chain: Hardhat 2 keeps no state across restarts). */
export async function startNode(port: number): Promise<OwnNode> {
  const child = spawn(
    process.execPath,
    [require.resolve('hardhat/internal/cli/cli'), 'node', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onExit = (code: number | null) =>
      reject(new Error(`hardhat node exited with ${code}: ${output.slice(-2000)}`));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Started HTTP and WebSocket JSON-RPC server')) {
        child.off('exit', onExit);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', onExit);
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const url = `http://127.0.0.1:${port}`;
  let id = 0;
  return {
    url,
    port,
    process: child,
    async rpc<T>(method: string, params: unknown[] = []): Promise<T> {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
      });
      const body = (await response.json()) as { result?: T; error?: { message: string } };
      if (body.error) throw new Error(`${method}: ${body.error.message}`);
      return body.result as T;
    },
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(child.pid!, 'SIGKILL');
      }),
  };
}

after(() => {
  for (const child of started) {
    if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }
});

/** What the proxy does with traffic. */
export type ProxyMode =
  | { kind: 'pass' }
  /** Each chunk of the node's answers is held back this long. */
  | { kind: 'delay'; ms: number }
  /** Requests are accepted and never answered. */
  | { kind: 'hang' }
  /** Every connection is closed as soon as a request arrives. */
  | { kind: 'drop' };

export interface Proxy {
  url: string;
  mode: ProxyMode;
  /** Closes every open connection now (a cut mid-request). */
  cutAll(): void;
  /** Connections cut by `drop` mode or `cutAll`. */
  cuts: number;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of `target` (a loopback port). */
export async function startProxy(targetPort: number, mode: ProxyMode = { kind: 'pass' }): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const proxy: Proxy = {
    url: '',
    mode,
    cuts: 0,
    cutAll() {
      for (const socket of sockets) {
        socket.destroy();
        proxy.cuts++;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let upstream: Socket | undefined;
    client.on('data', (chunk) => {
      const current = proxy.mode;
      if (current.kind === 'drop') {
        proxy.cuts++;
        client.destroy();
        upstream?.destroy();
        return;
      }
      if (current.kind === 'hang') return;
      if (!upstream) {
        upstream = createConnection({ host: '127.0.0.1', port: targetPort });
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream!);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        upstream.on('data', (answer) => {
          const now = proxy.mode;
          if (now.kind === 'delay') setTimeout(() => client.writable && client.write(answer), now.ms);
          else if (client.writable) client.write(answer);
        });
        client.on('close', () => upstream?.destroy());
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  proxy.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return proxy;
}

/** Asserts an error exit: one `error:` line on stderr (besides `sent:` notes), no stack trace. */
export function expectOneLineError(result: CliResult, code: number): void {
  expect(result.code, result.stderr).to.equal(code);
  const lines = result.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('sent: '));
  const errors = lines.filter((l) => l.startsWith('error: '));
  expect(errors, result.stderr).to.have.length(1);
  expect(result.stderr).to.not.match(/^\s+at /m);
}
