import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../../core/errors';
import { parseCount } from '../../core/identifiers';
import { createGateway, type GatewayServer } from '../../gateway';
import { action, openClient, withChainOptions } from '../context';
import { emit, note, warn } from '../output';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Seconds from an option, as milliseconds. */
function seconds(value: unknown, option: string, min = 0): number {
  return parseCount(String(value), option, { min, max: 86_400 * 365 }) * 1000;
}

/** Waits for SIGINT or SIGTERM, reloading the index on SIGHUP meanwhile. */
function serveUntilStopped(server: GatewayServer, onReload: () => Promise<void>): Promise<string> {
  return new Promise((resolveStop) => {
    const hangUp = () => void onReload();
    const stop = (signal: string) => {
      process.removeListener('SIGHUP', hangUp);
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
      resolveStop(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGHUP', hangUp);
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    server.server.once('close', () => stop('close'));
  });
}

/** `govanchor gateway --data <dir> --port <n>`: serve anchored dataset files to agencies with a current grant. */
export const gateway = withChainOptions(
  new Command('gateway')
    .description(
      'serve the anchored dataset files under --data to operators of agencies with a current access grant (see docs/gateway.md)',
    )
    .requiredOption('--data <dir>', 'the data directory: files with the receipts `govanchor anchor` wrote next to them')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option(
      '--host <address>',
      'address to listen on (loopback by default; put a TLS reverse proxy in front)',
      '127.0.0.1',
    )
    .option('--origin <url>', 'the public URL clients use, which they sign for (default: http://<host>:<port>)')
    .option('--audit-log <file>', 'the JSON-lines audit log, appended to', 'gateway-audit.jsonl')
    .option('--cache-ttl <seconds>', 'staleness bound: how long a chain read answers access decisions', '10')
    .option('--challenge-ttl <seconds>', 'how long a challenge can be signed and answered', '120')
    .option('--session-ttl <seconds>', 'how long a session lives (each request is still checked on chain)', '900')
    .option('--requests-per-minute <n>', 'requests per client address per minute', '1200')
    .option('--auth-per-minute <n>', 'authentication requests per client address per minute', '60')
    .option('--max-downloads <n>', 'concurrent file transfers in all', '256')
    .option('--trust-proxy', 'take client addresses from X-Forwarded-For (only behind your own reverse proxy)')
    .option('--log-level <level>', `server log on stderr: ${LOG_LEVELS.join(', ')}`, 'info'),
).action(
  action<[]>(async (options) => {
    const dataDir = String(options.data);
    const port = parseCount(String(options.port), '--port', { max: 65_535 });
    const host = String(options.host);
    const logLevel = String(options.logLevel);
    if (!LOG_LEVELS.includes(logLevel))
      throw new UsageError(`--log-level ${logLevel}: use one of ${LOG_LEVELS.join(', ')}`);
    if (options.origin !== undefined) {
      try {
        const url = new URL(String(options.origin));
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      } catch {
        throw new UsageError(
          `--origin ${String(options.origin)}: expected an http(s) URL such as https://data.example.gov`,
        );
      }
    }
    const isDirectory = await stat(dataDir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDirectory) throw new InputError(`--data ${dataDir} is not a directory`);
    const cacheTtlMs = seconds(options.cacheTtl, '--cache-ttl');
    const challengeTtlMs = seconds(options.challengeTtl, '--challenge-ttl', 1);
    const sessionTtlMs = seconds(options.sessionTtl, '--session-ttl', 1);
    const limits = {
      requestsPerMinute: parseCount(String(options.requestsPerMinute), '--requests-per-minute', { min: 1 }),
      authPerMinute: parseCount(String(options.authPerMinute), '--auth-per-minute', { min: 1 }),
      maxDownloads: parseCount(String(options.maxDownloads), '--max-downloads', { min: 1 }),
    };

    const client = await openClient(options);
    const auditLog = resolve(String(options.auditLog));
    const server = await createGateway({
      client,
      dataDir,
      auditLog,
      origin: options.origin as string | undefined,
      cacheTtlMs,
      challengeTtlMs,
      sessionTtlMs,
      limits,
      trustProxy: !!options.trustProxy,
      logger: { level: logLevel, stream: process.stderr },
    });
    const problems = (list: string[]) => list.forEach((problem) => warn(problem));
    problems(server.govanchor.index().problems);
    await server.listen({ host, port });
    const origin = server.govanchor.origin();
    const address = server.server.address();
    const listening = typeof address === 'object' && address ? address.port : port;
    const index = server.govanchor.index();
    const summary = {
      url: origin,
      listening: { host, port: listening },
      chainId: client.chainId,
      contracts: { datasetRegistry: client.suite.datasetRegistry, accessGrants: client.suite.accessGrants },
      dataDir: resolve(dataDir),
      datasets: index.datasets.size,
      versions: index.versionCount,
      files: index.fileCount,
      auditLog,
      stalenessBoundSeconds: cacheTtlMs / 1000,
      pid: process.pid,
    };
    emit(options, summary, () => [
      `gateway listening on ${host}:${listening}, origin ${origin}`,
      `  chain ${client.chainId}, registry ${client.suite.datasetRegistry}, access grants ${client.suite.accessGrants}`,
      `  serving ${index.fileCount} files in ${index.versionCount} versions of ${index.datasets.size} datasets from ${summary.dataDir}`,
      `  audit log ${auditLog}; staleness bound ${cacheTtlMs / 1000} s`,
      `  SIGHUP rescans the data directory; SIGINT or SIGTERM stops`,
    ]);
    if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
      warn(`listening on ${host}: serve clients through a TLS reverse proxy and set --origin to its public URL`);
    }

    const signal = await serveUntilStopped(server, async () => {
      try {
        const next = await server.govanchor.reload();
        problems(next.problems);
        note(
          options,
          `rescanned ${dataDir}: ${next.fileCount} files in ${next.versionCount} versions of ${next.datasets.size} datasets`,
        );
      } catch (error) {
        warn(`rescan failed, still serving the previous index: ${(error as Error).message}`);
      }
    });
    note(options, `${signal}: stopping the gateway`);
    await server.close();
  }),
);
