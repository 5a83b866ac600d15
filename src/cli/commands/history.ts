import { Command } from 'commander';
import { getHistory } from '../../client/getHistory';
import { parseDatasetKey } from '../../core/identifiers';
import { action, openClient, withChainOptions } from '../context';
import { emit } from '../output';
import { progressBar } from '../progress';

/** `govanchor history <dataset-key>`: every version of a dataset. */
export const history = withChainOptions(
  new Command('history')
    .description('list every version of a dataset: hash, kind, time, status, transaction')
    .argument('<dataset-key>', '<agency code>/<name>'),
).action(
  action<[string]>(async (datasetKey, options) => {
    parseDatasetKey(datasetKey);
    const client = await openClient(options);
    const bar = progressBar(options, 'searching events', 'blocks');
    const result = await getHistory(client, { datasetKey, onProgress: (d, t) => bar.update(d, t) }).finally(() =>
      bar.stop(),
    );
    const { dataset, versions } = result;
    emit(options, { chainId: client.chainId, contract: client.suite.datasetRegistry, ...result }, () => [
      `${dataset.key} (id ${dataset.id}) — ${dataset.agency.code}, ${dataset.agency.name} (${dataset.agency.status}); ${dataset.versionCount} version(s)`,
      ...versions.flatMap((v) => [
        `  v${v.version}  ${v.anchoredAt}  ${v.kind.padEnd(4)} ${String(v.fileCount).padStart(6)} file(s)  ${v.status}${v.withdrawalReason ? ` (${v.withdrawalReason})` : ''}`,
        `       ${v.kind === 'tree' ? 'root  ' : 'sha256'} ${v.contentHash}`,
        `       transaction ${v.transaction.hash} (block ${v.transaction.blockNumber})${v.transaction.explorer ? ` ${v.transaction.explorer}` : ''}`,
      ]),
    ]);
  }),
);
