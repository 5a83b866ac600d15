/** The dataset view: a dataset's versions (valid or withdrawn) and the agencies that may use it now. */
import { getHistory, type DatasetVersion, type GetHistoryReturnType } from '../../src/client/getHistory';
import { listAccess, type ListAccessReturnType } from '../../src/client/listAccess';
import { parseDatasetKey } from '../../src/core/identifiers';
import type { Connection } from './connect';
import { describeFailure } from './connect';
import { byId, externalLink, h, replaceChildren, row } from './dom';
import { AGENCY_STATUS_TEXT, errorText, formatTime } from './wording';

export function initDatasetView(
  getConnection: () => Connection | undefined,
  startConnect: () => Promise<void>,
  getConnecting: () => Promise<void> | undefined,
): void {
  const form = byId<HTMLFormElement>('dataset-form');
  const input = byId<HTMLInputElement>('dataset-key');
  const button = byId<HTMLButtonElement>('dataset-button');
  const status = byId<HTMLDivElement>('dataset-status');
  const view = byId<HTMLDivElement>('dataset-view');

  const setStatus = (tone: 'idle' | 'busy' | 'ok' | 'bad', message: string, detail?: string) => {
    status.className = `status status-${tone}`;
    replaceChildren(
      status,
      message ? h('p', null, message) : null,
      detail
        ? h(
            'details',
            { class: 'technical' },
            h('summary', null, 'Technical details'),
            h('p', { class: 'code' }, detail),
          )
        : null,
    );
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void show();
  });

  async function show(): Promise<void> {
    const key = input.value.trim();
    try {
      parseDatasetKey(key);
    } catch (error) {
      input.setAttribute('aria-invalid', 'true');
      setStatus(
        'bad',
        'Enter a dataset name such as hunan.stats/census-2020: the agency code, a slash, then the name.',
        errorText(error),
      );
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    button.disabled = true;
    replaceChildren(view);
    try {
      if (!getConnection()) {
        setStatus('busy', 'Connecting to the network chosen in step 1…');
        await (getConnecting() ?? startConnect());
      }
      const connection = getConnection();
      if (!connection) {
        setStatus('bad', 'Not connected: fix the network in step 1, then try again.');
        return;
      }
      setStatus('busy', `Reading ${key} from ${connection.network}…`);
      const history = await getHistory(connection.client, {
        datasetKey: key,
        onProgress: (done, total) =>
          setStatus('busy', `Searching the network’s records… ${Math.floor((done / total) * 100)}%`),
      });
      // The access grants contract is known from a deployment, not from a receipt.
      const access = connection.client.suite.accessGrants
        ? await listAccess(connection.client, { datasetKey: key })
        : undefined;
      setStatus('ok', '');
      replaceChildren(view, renderDataset(history, access, connection.network));
    } catch (error) {
      const failure = describeFailure(error);
      const unknown = /unknown dataset/i.test(failure.message);
      setStatus(
        'bad',
        unknown
          ? `No dataset named ${key} was ever registered on ${getConnection()?.network ?? 'this network'}. Check the spelling.`
          : failure.message,
        unknown ? undefined : failure.detail,
      );
    } finally {
      button.disabled = false;
    }
  }
}

function renderDataset(
  history: GetHistoryReturnType,
  access: ListAccessReturnType | undefined,
  network: string,
): HTMLElement {
  const { dataset, versions } = history;
  const agency = dataset.agency;
  const valid = versions.filter((v) => v.status === 'valid').length;
  return h(
    'article',
    { class: 'dataset', attrs: { 'aria-labelledby': 'dataset-title', 'data-dataset': dataset.key } },
    h('h3', { id: 'dataset-title', class: 'code' }, dataset.key),
    h(
      'dl',
      { class: 'facts' },
      row(
        'Published by',
        `${agency.name} `,
        h('span', { class: 'code' }, `(${agency.code})`),
        ' — ',
        h('span', { class: `agency-status status-${agency.status}` }, AGENCY_STATUS_TEXT[agency.status]),
      ),
      row('First registered', formatTime(dataset.createdAt)),
      row(
        'Versions',
        `${versions.length} registered on ${network}; ${valid} valid, ${versions.length - valid} withdrawn`,
      ),
    ),
    h('h4', null, 'Versions'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'versions' },
        h('caption', { class: 'visually-hidden' }, `Versions of ${dataset.key}, oldest first`),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...['Version', 'Registered on', 'Content', 'Status', 'Transaction'].map((title) =>
              h('th', { attrs: { scope: 'col' } }, title),
            ),
          ),
        ),
        h('tbody', null, ...versions.map(versionRow)),
      ),
    ),
    h('h4', null, 'Agencies that may use this dataset now'),
    !access
      ? h('p', { class: 'access-none' }, 'Add the deployment file in step 1 to see which agencies have access.')
      : access.agencies.length === 0
        ? h('p', { class: 'access-none' }, 'No agency has access now (the publishing agency is not active).')
        : h(
            'ul',
            { class: 'access-list' },
            ...access.agencies.map((entry) =>
              h(
                'li',
                { attrs: { 'data-agency': entry.agency.code } },
                h('strong', null, entry.agency.name),
                ' ',
                h('span', { class: 'code' }, `(${entry.agency.code})`),
                ' — ',
                entry.role === 'owner'
                  ? 'publishing agency'
                  : `granted until ${formatTime(entry.grant?.expiresAt ?? '')}${entry.grant?.purpose ? ` for “${entry.grant.purpose}”` : ''}`,
              ),
            ),
          ),
    access ? h('p', { class: 'hint' }, `As of ${formatTime(access.checkedAt)}, the network's clock.`) : null,
  );
}

function versionRow(version: DatasetVersion): HTMLTableRowElement {
  const content =
    version.kind === 'tree'
      ? `A folder of ${version.fileCount} ${version.fileCount === 1 ? 'file' : 'files'}`
      : 'A single file';
  return h(
    'tr',
    { attrs: { 'data-version': String(version.version), 'data-status': version.status } },
    h('th', { attrs: { scope: 'row', 'data-label': 'Version' } }, String(version.version)),
    h('td', { attrs: { 'data-label': 'Registered on' } }, formatTime(version.anchoredAt)),
    h(
      'td',
      { attrs: { 'data-label': 'Content' } },
      content,
      h('br'),
      h(
        'span',
        { class: 'hash', attrs: { title: 'Fingerprint (SHA-256) or folder root' } },
        version.contentHash.replace(/^0x/, ''),
      ),
    ),
    h(
      'td',
      { attrs: { 'data-label': 'Status' } },
      version.status === 'valid'
        ? h('span', { class: 'badge badge-ok' }, 'Valid')
        : h('span', { class: 'badge badge-warn' }, 'Withdrawn'),
      version.withdrawalReason ? h('span', { class: 'reason' }, ` “${version.withdrawalReason}”`) : null,
    ),
    h(
      'td',
      { attrs: { 'data-label': 'Transaction' } },
      version.transaction.explorer
        ? externalLink(version.transaction.explorer, `${version.transaction.hash.slice(0, 10)}…`)
        : h('span', { class: 'hash' }, version.transaction.hash),
    ),
  );
}
