import { Command } from 'commander';
import { fetchDataset } from '../../client/fetchDataset';
import { ConfigError } from '../../core/errors';
import { parseCount, parseDatasetKey } from '../../core/identifiers';
import { gatewayBaseUrl } from '../../client/gatewaySession';
import { action, openClient, openSigner, withChainOptions } from '../context';
import { emit, note } from '../output';
import { progressBar } from '../progress';

/**
 * `govanchor fetch <gateway-url> <dataset-key> --out <dir>`: download a dataset version from a data gateway, verifying
 * every file against the chain before it is put in place.
 */
export const fetchFromGateway = withChainOptions(
  new Command('fetch')
    .description(
      'download a dataset version from a data gateway, signing its challenge with your operator key, and verify every file against the chain before writing it in place (exit 1 if access is refused or anything does not verify)',
    )
    .argument('<gateway-url>', "the gateway's URL, e.g. https://data.hunan.gov.cn")
    .argument('<dataset-key>', '<agency code>/<name>')
    .requiredOption('--out <dir>', "where the files go (a tree's receipts go to <dir>.receipts/)")
    .option('--version <n>', 'the version (default: the latest the gateway serves that is not withdrawn)')
    .option('--no-receipts', 'do not write the receipts next to the files')
    .option(
      '--keystore <file>',
      'encrypted JSON keystore (password: GOVANCHOR_KEYSTORE_PASSWORD or prompt); default key: GOVANCHOR_PRIVATE_KEY',
    ),
).action(
  action<[string, string]>(async (gatewayUrl, datasetKey, options) => {
    gatewayBaseUrl(gatewayUrl);
    parseDatasetKey(datasetKey);
    const version =
      options.version !== undefined
        ? parseCount(String(options.version), '--version', { min: 1, max: 2 ** 32 - 1 })
        : undefined;
    const signer = await openSigner(options);
    if (!signer) {
      throw new ConfigError(
        "no operator key to sign the gateway's challenge: set GOVANCHOR_PRIVATE_KEY (environment or .env) or pass --keystore <file>",
      );
    }
    const client = await openClient(options);
    const bar = progressBar(options, 'fetching', 'bytes');
    const controller = new AbortController();
    const interrupt = () => controller.abort();
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      const result = await fetchDataset(client, {
        gatewayUrl,
        datasetKey,
        version,
        outDir: String(options.out),
        signer,
        writeReceipts: options.receipts !== false,
        onProgress: (done, total) => bar.update(done, total),
        onFile: (file) => {
          if (options.debug) note(options, `verified ${file.path} (${file.status})`);
        },
        signal: controller.signal,
      });
      bar.stop();
      emit(options, result, () => [
        `VERIFIED  ${result.datasetKey} version ${result.version} (${result.kind}, ${result.fileCount} file${result.fileCount === 1 ? '' : 's'}) → ${result.outDir}`,
        `  ${result.message}`,
        ...result.files.map(
          (f) => `  ${f.sha256.slice(2)}  ${f.path}${f.status === 'unchanged' ? ' (unchanged)' : ''}`,
        ),
        ...(result.receipts ? [`  receipts ${result.receipts}`] : []),
      ]);
    } finally {
      bar.stop();
      process.removeListener('SIGINT', interrupt);
      process.removeListener('SIGTERM', interrupt);
    }
  }),
);
