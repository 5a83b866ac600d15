/**
 * The reviewers' web page, end to end: a real `hardhat node`, the suite deployed and the scenario set up through the
 * project's own code (test/web/helpers/scenario.ts), the page built with Vite and served on 127.0.0.1 (and opened
 * from disk), driven in Debian's headless Chromium. Screenshots go to test-artifacts/web/.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser';
import { ROOT, buildPage, runScenario, startHardhatNode, type LocalNode } from './helpers/processes';
import { AGENCIES, type Scenario } from './helpers/scenario';
import { serveDirectory, type StaticServer } from './helpers/staticServer';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');

/** Reads until `accept` holds (or the time is up) and returns the last value read, for chai to assert on. */
async function settle<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe('web verifier page', function () {
  let work: string;
  let node: LocalNode;
  let scenario: Scenario;
  let dist: string;
  let server: StaticServer;
  /** The same page built without any deployment record. */
  let bareServer: StaticServer;
  let browser: BrowserContext;
  let profile: string;
  /** Every URL each open page requested, checked after each test. */
  const requests = new Map<Page, string[]>();
  /** Origins a page may talk to besides itself: the RPC endpoint (and, in one test, an address where nothing runs). */
  let allowedOrigins: Set<string>;

  before(async function () {
    this.timeout(240_000);
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ context: browser, profile } = await launchChromium());
    work = mkdtempSync(join(tmpdir(), 'govanchor-web-'));
    node = await startHardhatNode();
    await runScenario(node, work);
    scenario = JSON.parse(readFileSync(join(work, 'scenario.json'), 'utf8')) as Scenario;
    const embedded = join(work, 'embedded-deployments');
    mkdirSync(embedded);
    copyFileSync(scenario.deploymentFile, join(embedded, `${scenario.chainId}.json`));
    dist = join(work, 'dist');
    const bareDist = join(work, 'dist-bare');
    mkdirSync(join(work, 'no-deployments'));
    await Promise.all([buildPage(dist, embedded), buildPage(bareDist, join(work, 'no-deployments'))]);
    server = await serveDirectory(dist);
    bareServer = await serveDirectory(bareDist);
  });

  after(async function () {
    await browser?.close();
    await server?.close();
    await bareServer?.close();
    await node?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  beforeEach(function () {
    allowedOrigins = new Set([new URL(node.url).origin]);
  });

  afterEach(async function () {
    for (const [page, urls] of requests) {
      const pageUrl = page.url();
      for (const url of urls) {
        const allowed =
          url === pageUrl || url.split('#')[0] === pageUrl.split('#')[0] || allowedOrigins.has(new URL(url).origin);
        expect(allowed, `the page requested ${url}`).to.equal(true);
      }
      await page.close();
    }
    requests.clear();
  });

  /** Opens the page (served on 127.0.0.1, or from disk) with request recording. */
  async function openPage(
    options: { fromDisk?: boolean; bare?: boolean; viewport?: { width: number; height: number } } = {},
  ) {
    const page = await browser.newPage();
    const urls: string[] = [];
    requests.set(page, urls);
    page.on('request', (request) => urls.push(request.url()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    if (options.viewport) await page.setViewportSize(options.viewport);
    await page.goto(
      options.fromDisk ? pathToFileURL(join(dist, 'index.html')).href : options.bare ? bareServer.url : server.url,
    );
    expect(errors, 'script errors on load').to.deep.equal([]);
    return page;
  }

  /** Chooses a preset, types the RPC URL, optionally adds a deployment file, and presses Connect. */
  async function connect(
    page: Page,
    { preset = 'local', rpcUrl = node.url, deployment }: { preset?: string; rpcUrl?: string; deployment?: string } = {},
  ): Promise<Locator> {
    await page.selectOption('#network-preset', preset);
    await page.fill('#rpc-url', rpcUrl);
    if (deployment) await page.setInputFiles('#deployment-file', deployment);
    await page.click('#connect-button');
    const status = page.locator('#network-status');
    const tone = await settle(
      () => status.getAttribute('class'),
      (value) => /status-(ok|bad)/.test(value ?? ''),
    );
    expect(tone).to.match(/status-(ok|bad)/);
    return status;
  }

  async function addFiles(page: Page, files: string[]): Promise<void> {
    await page.setInputFiles('#file-input', files);
  }

  /** The list entry of a file, once checked (or failed). */
  async function result(page: Page, path: string): Promise<Locator> {
    const entry = page.locator(`li.result[data-file="${path}"]`).last();
    await entry.and(page.locator('[data-state="done"], [data-state="failed"]')).waitFor({ timeout: 30_000 });
    return entry;
  }

  /** The definition-list value for a term inside an entry. */
  async function fact(entry: Locator, term: string): Promise<string> {
    return (await entry.locator(`dt:text-is("${term}") + dd`).innerText()).trim();
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  describe('build', function () {
    it('is one self-contained HTML file that loads nothing from elsewhere', async function () {
      expect(readdirSync(dist)).to.deep.equal(['index.html']);
      const html = readFileSync(join(dist, 'index.html'), 'utf8');
      expect(html).to.not.match(/<script[^>]+src=/);
      expect(html).to.not.match(/<link[^>]+href=/);
      expect(html).to.not.match(/type="module"/);
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
      expect(csp).to.include("default-src 'none'");
      expect(csp).to.match(/script-src 'sha256-[^']+'/);
      expect(csp).to.include('connect-src http: https:');
    });
  });

  describe('network', function () {
    it('connects with the deployment built into the page', async function () {
      const page = await openPage();
      const status = await connect(page);
      expect(await status.innerText()).to.include('Connected to Local test chain (chain 31337)');
      expect(await status.innerText()).to.include(scenario.registry);
      expect(await status.innerText()).to.include('built into this page');
    });

    it('connects with a deployment file the reviewer adds', async function () {
      const page = await openPage();
      const status = await connect(page, { deployment: scenario.deploymentFile });
      expect(await status.innerText()).to.include('Connected to Local test chain (chain 31337)');
      expect(await status.innerText()).to.include('(from deployment.json)');
    });

    context('when the network address serves another chain than the chosen network', function () {
      it('says it is the wrong network and checks nothing', async function () {
        const page = await openPage();
        const status = await connect(page, { preset: 'conflux-testnet' });
        expect(await status.getAttribute('class')).to.include('status-bad');
        expect(await status.innerText()).to.include(
          `Wrong network: ${node.url} serves Local test chain (chain 31337), not Conflux eSpace testnet (chain 71)`,
        );
        await addFiles(page, [scenario.census.file]);
        const entry = page.locator('li.result[data-file="census-summary-2020.csv"]');
        expect(
          await settle(
            () => entry.getAttribute('data-state'),
            (state) => state === 'hashed',
          ),
        ).to.equal('hashed');
        expect(await entry.innerText()).to.include('Connect to a network in step 1 to check this file.');
        await screenshot(page, 'wrong-network');
      });
    });

    context('when the deployment file is for another chain', function () {
      it('says the file and the network do not match', async function () {
        const page = await openPage();
        const status = await connect(page, { preset: 'custom', deployment: scenario.wrongChainDeploymentFile });
        expect(await status.innerText()).to.include(
          'Wrong network: the deployment file deployment-chain-71.json is for Conflux eSpace testnet (chain 71)',
        );
      });
    });

    context('when the page knows no deployment for the chain', function () {
      it('asks for the deployment file or a receipt, then uses the registry the receipts name', async function () {
        const page = await openPage({ bare: true });
        const status = await connect(page);
        expect(await status.innerText()).to.include(
          'This page does not know where the govanchor contracts live on Local test chain (chain 31337)',
        );
        await page.click('#receipts-box summary');
        await page.setInputFiles('#receipt-folder-input', scenario.economy.receiptsDir);
        const connected = await settle(
          () => status.innerText(),
          (text) => text.includes('Connected'),
        );
        expect(connected).to.include('(named by the receipts you added)');
        await addFiles(page, [scenario.treeFile.file]);
        const entry = await result(page, 'retail_sales_2024q4.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('verified');
      });
    });

    context('when nothing answers at the address', function () {
      it('says it cannot reach it', async function () {
        const page = await openPage();
        allowedOrigins.add('http://127.0.0.1:9');
        const status = await connect(page, { rpcUrl: 'http://127.0.0.1:9' });
        expect(await status.innerText()).to.include('Cannot reach http://127.0.0.1:9.');
      });
    });
  });

  describe('checking files', function () {
    context('when the file is a valid single-file version', function () {
      it('shows it verified, with agency, dataset, version, time and transaction', async function () {
        const page = await openPage();
        await connect(page);
        await addFiles(page, [scenario.census.file]);
        const entry = await result(page, 'census-summary-2020.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('verified');
        expect(await entry.locator('.badge').innerText()).to.include('Verified');
        expect(await fact(entry, 'Agency')).to.equal(`${AGENCIES.stats.name} (${AGENCIES.stats.code}) — active`);
        expect(await fact(entry, 'Dataset')).to.equal(scenario.census.key);
        expect(await fact(entry, 'Version')).to.equal('Version 2: this single file');
        expect(await fact(entry, 'Registered on')).to.match(/^\d{1,2} \w+ \d{4} at \d{2}:\d{2}:\d{2} UTC$/);
        expect(await fact(entry, 'Fingerprint (SHA-256)')).to.equal(scenario.census.sha256.slice(2));
        expect(await fact(entry, 'Transaction')).to.include(scenario.census.transaction);
        expect(await fact(entry, 'Registry contract')).to.include(scenario.registry);
        expect(await page.locator('#results-summary').innerText()).to.equal('1 file, 1 verified.');
        await screenshot(page, 'verified');
      });
    });

    context('when the file was tampered with', function () {
      it('says no agency registered this content', async function () {
        const page = await openPage();
        await connect(page);
        await addFiles(page, [scenario.tampered.file]);
        const entry = await result(page, 'retail_sales_2024q4.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('not-anchored');
        expect(await entry.locator('.badge').innerText()).to.include('Not found');
        expect(await entry.innerText()).to.include('a single changed character gives a different fingerprint');
        expect(await fact(entry, 'Fingerprint (SHA-256)')).to.equal(scenario.tampered.sha256.slice(2));
        expect(await entry.locator('dt:text-is("Agency")').count()).to.equal(0);
        await screenshot(page, 'tampered');
      });

      it('with its receipt, says the content differs from the registered file', async function () {
        const page = await openPage();
        await connect(page);
        await page.click('#receipts-box summary');
        await page.setInputFiles('#receipt-folder-input', scenario.economy.receiptsDir);
        expect(
          await settle(
            () => page.locator('#receipt-status').innerText(),
            (text) => text.includes('4 receipts ready.'),
          ),
        ).to.include('4 receipts ready.');
        await addFiles(page, [scenario.tampered.file]);
        const entry = await result(page, 'retail_sales_2024q4.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('content-differs');
        expect(await entry.locator('.badge').innerText()).to.include('Changed since registration');
        expect(await entry.innerText()).to.include(`registered as ${scenario.treeFile.path}`);
      });
    });

    context('when the file is inside a registered folder', function () {
      it('with the receipts folder, shows it verified as part of the folder', async function () {
        const page = await openPage();
        await connect(page);
        await page.click('#receipts-box summary');
        await page.setInputFiles('#receipt-folder-input', scenario.economy.receiptsDir);
        expect(
          await settle(
            () => page.locator('#receipt-status').innerText(),
            (text) => text.includes('4 receipts ready.'),
          ),
        ).to.include('4 receipts ready.');
        await addFiles(page, [scenario.treeFile.file]);
        const entry = await result(page, 'retail_sales_2024q4.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('verified');
        expect(await fact(entry, 'Dataset')).to.equal(scenario.economy.key);
        expect(await fact(entry, 'Version')).to.equal(
          `Version 1: a folder of ${scenario.economy.fileCount} files, this file among them`,
        );
        expect(await fact(entry, 'Receipt')).to.include(
          'economy-2024.receipts/quarterly/retail_sales_2024q4.csv.receipt.json',
        );
        expect(await fact(entry, 'Transaction')).to.include(scenario.economy.transaction);
        await screenshot(page, 'tree-with-receipt');
      });

      it('with a single receipt file added after the file, checks it again and verifies it', async function () {
        const page = await openPage();
        await connect(page);
        await addFiles(page, [scenario.treeFile.file]);
        const entry = await result(page, 'retail_sales_2024q4.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('not-anchored');
        expect(await entry.innerText()).to.include('add its receipt');
        await page.click('#receipts-box summary');
        await page.setInputFiles(
          '#receipt-input',
          join(scenario.economy.receiptsDir, 'quarterly', 'retail_sales_2024q4.csv.receipt.json'),
        );
        expect(
          await settle(
            () => entry.getAttribute('data-verdict'),
            (verdict) => verdict === 'verified',
          ),
        ).to.equal('verified');
      });
    });

    context('when a whole folder is chosen', function () {
      it('checks it as one registered folder, by the Merkle root of its files', async function () {
        const page = await openPage();
        await connect(page);
        await page.setInputFiles('#folder-input', scenario.economy.dir);
        const entry = page.locator('li.result[data-folder="economy-2024"]');
        const state = await settle(
          () => entry.getAttribute('data-state'),
          (value) => value === 'done',
          60_000,
        );
        expect(state).to.equal('done');
        expect(await entry.getAttribute('data-verdict')).to.equal('verified');
        expect(await entry.locator('.explanation').innerText()).to.match(
          /^This folder \(every file in it\) is exactly/,
        );
        expect(await fact(entry, 'Version')).to.equal(`Version 1: this folder of ${scenario.economy.fileCount} files`);
        expect(await fact(entry, 'Folder fingerprint (Merkle root)')).to.equal(scenario.economy.root.slice(2));
        expect(await entry.locator('.folder-files li').count()).to.equal(scenario.economy.fileCount);
        await screenshot(page, 'folder');
      });

      context('when one of its files was changed', function () {
        it('with the folder’s receipts, says which file was changed', async function () {
          const copy = join(work, 'changed', 'economy-2024');
          cpSync(scenario.economy.dir, copy, { recursive: true });
          copyFileSync(scenario.tampered.file, join(copy, ...scenario.treeFile.path.split('/')));
          const page = await openPage();
          await connect(page);
          await page.click('#receipts-box summary');
          await page.setInputFiles('#receipt-folder-input', scenario.economy.receiptsDir);
          await settle(
            () => page.locator('#receipt-status').innerText(),
            (text) => text.includes('4 receipts ready.'),
          );
          await page.setInputFiles('#folder-input', copy);
          const entry = page.locator('li.result[data-folder="economy-2024"]');
          const state = await settle(
            () => entry.getAttribute('data-state'),
            (value) => value === 'done',
            60_000,
          );
          expect(state).to.equal('done');
          expect(await entry.getAttribute('data-verdict')).to.equal('content-differs');
          expect(await entry.locator('.explanation').innerText()).to.include(
            'This folder differs from the folder the agency registered',
          );
          const differences = await entry
            .locator('.folder-files li')
            .evaluateAll((items) =>
              items.map((item) => [item.getAttribute('data-path'), item.getAttribute('data-difference')]),
            );
          expect(differences).to.deep.equal([
            ['gdp_by_prefecture.csv', 'unchanged'],
            ['population_by_prefecture.csv', 'unchanged'],
            ['quarterly/industrial_output_2024q4.csv', 'unchanged'],
            ['quarterly/retail_sales_2024q4.csv', 'changed'],
          ]);
          await screenshot(page, 'folder-changed');
        });
      });
    });

    context('when the version was withdrawn', function () {
      it('says the agency withdrew it, and why', async function () {
        const page = await openPage();
        await connect(page);
        await addFiles(page, [scenario.preliminary.file]);
        const entry = await result(page, 'census-summary-2020-preliminary.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('withdrawn');
        expect(await entry.locator('.badge').innerText()).to.include('Withdrawn by the agency');
        expect(await fact(entry, 'Withdrawn because')).to.equal(scenario.preliminary.reason);
        expect(await fact(entry, 'Version')).to.equal('Version 1: this single file');
        await screenshot(page, 'withdrawn');
      });
    });

    context('when the agency has been suspended since', function () {
      it('says the agency is suspended', async function () {
        const page = await openPage();
        await connect(page);
        await addFiles(page, [scenario.reservoir.file]);
        const entry = await result(page, 'reservoir-levels-2024.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('agency-suspended');
        expect(await entry.locator('.badge').innerText()).to.include('Agency suspended');
        expect(await fact(entry, 'Agency')).to.equal(
          `${AGENCIES.water.name} (${AGENCIES.water.code}) — suspended (may not publish now)`,
        );
        await screenshot(page, 'suspended');
      });
    });

    context('when the receipt is for another network', function () {
      it('says to choose the receipt’s network', async function () {
        const page = await openPage();
        await connect(page);
        await page.click('#receipts-box summary');
        await page.setInputFiles('#receipt-folder-input', scenario.otherChainReceiptsDir);
        expect(
          await settle(
            () => page.locator('#receipt-status').innerText(),
            (text) => text.includes('1 receipt ready.'),
          ),
        ).to.include('1 receipt ready.');
        await addFiles(page, [scenario.treeFile.file]);
        const entry = await result(page, 'retail_sales_2024q4.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('wrong-chain');
        expect(await entry.innerText()).to.include(
          'The receipt says this file was registered on Conflux eSpace testnet (chain 71), but this page is connected to Local test chain (chain 31337)',
        );
      });
    });

    context('when several files are added at once, before connecting', function () {
      it('connects by itself, checks each and sums up', async function () {
        const page = await openPage();
        await page.fill('#rpc-url', node.url);
        await addFiles(page, [
          scenario.census.file,
          scenario.preliminary.file,
          scenario.reservoir.file,
          scenario.tampered.file,
        ]);
        for (const name of [
          'census-summary-2020.csv',
          'census-summary-2020-preliminary.csv',
          'reservoir-levels-2024.csv',
        ]) {
          await result(page, name);
        }
        await result(page, 'retail_sales_2024q4.csv');
        expect(await page.locator('#results-summary').innerText()).to.equal('4 files, 1 verified, 3 not verified.');
        await screenshot(page, 'several-files');
        await page.click('#clear-button');
        expect(await page.locator('li.result').count()).to.equal(0);
        expect(await page.locator('#results-summary').innerText()).to.equal('No file added yet.');
      });
    });

    context('when a file is dropped on the page', function () {
      it('checks it like a picked file', async function () {
        const page = await openPage();
        await connect(page);
        const content = readFileSync(scenario.census.file, 'utf8');
        const dataTransfer = await page.evaluateHandle((text) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([text], 'census-summary-2020.csv', { type: 'text/csv' }));
          return transfer;
        }, content);
        await page.dispatchEvent('#drop-zone', 'dragenter', { dataTransfer });
        expect(await page.locator('#drop-zone').getAttribute('class')).to.include('dragging');
        await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
        const entry = await result(page, 'census-summary-2020.csv');
        expect(await entry.getAttribute('data-verdict')).to.equal('verified');
      });
    });

    context('when the file is large', function () {
      it('hashes it in slices, showing progress, to the same SHA-256 as Node', async function () {
        const big = join(work, 'large-export.bin');
        const block = Buffer.alloc(1 << 20);
        for (let i = 0; i < block.length; i++) block[i] = (i * 7 + (i >> 10)) & 0xff;
        const hash = createHash('sha256');
        const blocks: Buffer[] = [];
        for (let i = 0; i < 48; i++) {
          const chunk = Buffer.from(block.map((b) => b ^ i));
          blocks.push(chunk);
          hash.update(chunk);
        }
        writeFileSync(big, Buffer.concat(blocks));
        const page = await openPage();
        await connect(page);
        await addFiles(page, [big]);
        const entry = page.locator('li.result[data-file="large-export.bin"]');
        const progress = /Computing the fingerprint… \d+% of 48 MB/;
        expect(
          await settle(
            () => entry.locator('.progress-text').innerText(),
            (text) => progress.test(text),
          ),
        ).to.match(progress);
        const checked = await result(page, 'large-export.bin');
        expect(await fact(checked, 'Fingerprint (SHA-256)')).to.equal(hash.digest('hex'));
        expect(await checked.getAttribute('data-verdict')).to.equal('not-anchored');
      });
    });
  });

  describe('dataset view', function () {
    it('lists every version with its status and the reason for withdrawals', async function () {
      const page = await openPage();
      await connect(page);
      await page.fill('#dataset-key', scenario.census.key);
      await page.click('#dataset-button');
      const view = page.locator(`article.dataset[data-dataset="${scenario.census.key}"]`);
      await view.waitFor();
      expect(await view.locator('tr[data-version]').count()).to.equal(2);
      expect(await view.locator('tr[data-version="1"]').getAttribute('data-status')).to.equal('withdrawn');
      expect(await view.locator('tr[data-version="1"]').innerText()).to.include(scenario.preliminary.reason);
      expect(await view.locator('tr[data-version="2"]').getAttribute('data-status')).to.equal('valid');
      expect(await view.locator('tr[data-version="2"]').innerText()).to.include(scenario.census.sha256.slice(2));
      expect(await fact(view, 'Published by')).to.equal(`${AGENCIES.stats.name} (${AGENCIES.stats.code}) — active`);
      expect(await view.locator('.access-list li').allInnerTexts()).to.deep.equal([
        `${AGENCIES.stats.name} (${AGENCIES.stats.code}) — publishing agency`,
      ]);
    });

    it('lists the agencies with current access: the publisher and unexpired grants of active agencies', async function () {
      const page = await openPage();
      await connect(page);
      await page.fill('#dataset-key', scenario.economy.key);
      await page.press('#dataset-key', 'Enter');
      const view = page.locator(`article.dataset[data-dataset="${scenario.economy.key}"]`);
      await view.waitFor();
      expect(await view.locator('tr[data-version]').count()).to.equal(1);
      expect(await view.locator('tr[data-version="1"]').innerText()).to.include(
        `A folder of ${scenario.economy.fileCount} files`,
      );
      const access = view.locator('.access-list li');
      expect(await access.evaluateAll((items) => items.map((item) => item.getAttribute('data-agency')))).to.deep.equal([
        AGENCIES.stats.code,
        AGENCIES.health.code,
      ]);
      expect(await access.nth(1).innerText()).to.match(
        new RegExp(`granted until .* UTC for “${scenario.grantPurpose}”`),
      );
      await screenshot(page, 'dataset-view');
    });

    context('when no such dataset exists', function () {
      it('says so', async function () {
        const page = await openPage();
        await connect(page);
        await page.fill('#dataset-key', 'hunan.stats/no-such-dataset');
        await page.click('#dataset-button');
        const expected = 'No dataset named hunan.stats/no-such-dataset was ever registered';
        const status = await settle(
          () => page.locator('#dataset-status').innerText(),
          (text) => text.includes(expected),
        );
        expect(status).to.include(expected);
      });
    });

    context('when the name is malformed', function () {
      it('explains the expected form and marks the field invalid', async function () {
        const page = await openPage();
        await page.fill('#dataset-key', 'census 2020');
        await page.click('#dataset-button');
        expect(await page.locator('#dataset-status').innerText()).to.include('the agency code, a slash, then the name');
        expect(await page.locator('#dataset-key').getAttribute('aria-invalid')).to.equal('true');
      });
    });
  });

  describe('opened from disk (file://)', function () {
    it('verifies files like the served page', async function () {
      const page = await openPage({ fromDisk: true });
      expect(await page.locator('#network-preset').inputValue()).to.equal('local');
      await connect(page, { deployment: scenario.deploymentFile });
      await addFiles(page, [scenario.census.file]);
      const entry = await result(page, 'census-summary-2020.csv');
      expect(await entry.getAttribute('data-verdict')).to.equal('verified');
    });
  });

  describe('accessibility', function () {
    it('labels every control', async function () {
      const page = await openPage();
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, button')]
          .filter((element) => {
            const control = element as HTMLInputElement;
            const named = control.labels?.length || control.getAttribute('aria-label') || control.textContent?.trim();
            return !named;
          })
          .map((element) => element.outerHTML),
      );
      expect(unlabelled).to.deep.equal([]);
    });

    it('reaches every step with the keyboard, with a visible focus on the file picker', async function () {
      const page = await openPage();
      const order: string[] = [];
      for (let i = 0; i < 7; i++) {
        await page.keyboard.press('Tab');
        order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
      }
      expect(order).to.include.members([
        'network-preset',
        'rpc-url',
        'deployment-file',
        'connect-button',
        'file-input',
      ]);
      expect(order.indexOf('file-input')).to.be.greaterThan(order.indexOf('connect-button'));
      for (let i = 0; i < 7 && (await page.evaluate(() => document.activeElement?.id)) !== 'file-input'; i++) {
        await page.keyboard.press('Shift+Tab');
      }
      const outline = await page.evaluate(
        () => getComputedStyle(document.querySelector('label[for="file-input"]')!).outlineStyle,
      );
      expect(outline).to.equal('solid');
    });

    it('keeps text contrast at WCAG AA (4.5:1) for statuses, hints and buttons', async function () {
      const page = await openPage();
      await connect(page);
      await addFiles(page, [scenario.census.file, scenario.preliminary.file, scenario.tampered.file]);
      await result(page, 'retail_sales_2024q4.csv');
      await result(page, 'census-summary-2020-preliminary.csv');
      const ratios = await page.evaluate(() => {
        const rgb = (value: string) => (value.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
        const luminance = ([r, g, b]: number[]) => {
          const channel = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
          return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
        };
        const background = (element: Element | null): string => {
          for (let e = element; e; e = e.parentElement) {
            const color = getComputedStyle(e).backgroundColor;
            if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') return color;
          }
          return 'rgb(255, 255, 255)';
        };
        const out: Record<string, number> = {};
        for (const selector of [
          '.badge-ok',
          '.badge-bad',
          '.badge-warn',
          '.hint',
          '.explanation',
          'button.primary',
          '.facts dt',
          '.status-ok p',
        ]) {
          const element = document.querySelector(selector);
          if (!element) continue;
          const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(rgb(background(element)))];
          out[selector] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }
        return out;
      });
      expect(Object.keys(ratios)).to.have.length(8);
      for (const [selector, ratio] of Object.entries(ratios)) expect(ratio, selector).to.be.at.least(4.5);
    });

    it('fits a phone-sized screen without sideways scrolling', async function () {
      const page = await openPage({ viewport: { width: 375, height: 812 } });
      await connect(page);
      await addFiles(page, [scenario.census.file, scenario.reservoir.file]);
      await result(page, 'census-summary-2020.csv');
      await result(page, 'reservoir-levels-2024.csv');
      await page.fill('#dataset-key', scenario.census.key);
      await page.click('#dataset-button');
      await page.locator('article.dataset').waitFor();
      const [scrollWidth, innerWidth] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        window.innerWidth,
      ]);
      expect(scrollWidth).to.be.at.most(innerWidth);
      await screenshot(page, 'phone');
      await page
        .locator('li.result')
        .first()
        .screenshot({ path: join(ARTIFACTS, 'phone-result.png') });
      await page.locator('article.dataset').screenshot({ path: join(ARTIFACTS, 'phone-dataset.png') });
    });
  });
});
