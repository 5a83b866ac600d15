/**
 * The data gateway against a real `hardhat node` and real servers on loopback ports: the gateway in this process
 * (createGateway) and as `govanchor gateway`, and `govanchor fetch` as a subprocess.
 */
import { expect } from 'chai';
import { mkdir, open, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { grantAccess } from '../../src/client/grantAccess';
import { revokeGrant } from '../../src/client/revokeGrant';
import { chainTime } from '../../src/client/transactions';
import {
  GATEWAY_HEADERS,
  fileUrlPath,
  filesUrlPath,
  receiptUrlPath,
  datasetUrlPath,
} from '../../src/core/gatewayProtocol';
import { parseReceipt } from '../../src/core/receipt';
import { decideVerdict } from '../../src/core/verdict';
import { lookupAnchor } from '../../src/client/lookupAnchor';
import { hashFile } from '../../src/node/hashFile';
import { parseRange } from '../../src/gateway/range';
import {
  challenge,
  get,
  hashBody,
  openSession,
  postSession,
  readAudit,
  reasonOf,
  sha256,
  sign,
  startGateway,
  startGatewayProcess,
  type GatewayProcess,
  type RunningGateway,
} from './helpers/http';
import { ACCOUNTS } from '../cli/helpers';
import { startTamperingProxy, type TamperingProxy } from './helpers/proxy';
import { AGENCIES, KEYS, LARGE_BYTES, setUpWorld, type World } from './helpers/world';

/** Polls `check` until it returns true or `ms` pass. */
async function eventually(check: () => Promise<boolean>, ms: number, every = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/** Resident set size and its peak (kB) of a process, from /proc. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Every file under `dir`, relative. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => [])) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, path)));
    else out.push(path);
  }
  return out.sort();
}

describe('Data gateway', function () {
  let world: World;
  let gw: RunningGateway;

  before(async function () {
    this.timeout(900_000);
    world = await setUpWorld();
    gw = await startGateway(world, 'main');
  });

  after(async function () {
    this.timeout(60_000);
    await gw?.close();
    await world?.stop();
  });

  describe('startup', function () {
    it('indexes every anchored version under --data from the receipts govanchor anchor wrote', async function () {
      const index = gw.server.govanchor.index();
      expect(index.problems).to.deep.equal([]);
      const versions = Object.fromEntries(
        [...index.datasets.values()].map((d) => [d.key, [...d.versions.keys()].sort()]),
      );
      expect(versions).to.deep.equal({
        [KEYS.economy]: [1],
        [KEYS.census]: [1, 2],
        [KEYS.expiring]: [1],
        [KEYS.tamper]: [1],
        [KEYS.large]: [1],
      });
      const economy = index.datasets.get(KEYS.economy)!.versions.get(1)!;
      expect(economy.kind).to.equal('tree');
      expect([...economy.files.keys()].sort()).to.deep.equal(world.files.economyPaths);
    });

    it('answers /v1/info and /v1/datasets without a session', async function () {
      const info = (await (await get(gw.base, '/v1/info')).json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(info.protocol).to.equal('govanchor-gateway/1');
      expect(info.chainId).to.equal(world.chainId);
      expect(info.origin).to.equal(gw.base);
      expect(info.contracts.accessGrants).to.equal(world.suite.accessGrants);
      expect(info.stalenessBoundSeconds).to.equal(1);
      const list = (await (await get(gw.base, '/v1/datasets')).json()) as { datasets: { dataset: string }[] };
      expect(list.datasets.map((d) => d.dataset)).to.include(KEYS.economy);
    });
  });

  describe('granted access', function () {
    it('opens a session for an operator of an agency with a current grant', async function () {
      const session = await openSession(world, gw.base, KEYS.economy, world.wallets.health);
      expect(session.agency.code).to.equal(AGENCIES.health.code);
      expect(session.signer).to.equal(world.wallets.health.address);
      expect(session.access.reason).to.equal('granted');
      expect(session.token).to.match(/^[A-Za-z0-9_-]{43}$/);
    });

    it('lists versions and files, and serves every file with its SHA-256 and a receipt that verifies on chain', async function () {
      const session = await openSession(world, gw.base, KEYS.economy, world.wallets.health);
      const versions = (await (
        await get(gw.base, `${datasetUrlPath(KEYS.economy)}/versions`, session.token)
      ).json()) as {
        versions: { version: number; complete: boolean; withdrawn: boolean }[];
      };
      expect(versions.versions).to.have.length(1);
      expect(versions.versions[0]).to.include({ version: 1, complete: true, withdrawn: false });
      const listing = (await (await get(gw.base, filesUrlPath(KEYS.economy, 1), session.token)).json()) as {
        files: { path: string; sha256: string; size: number }[];
        contentHash: string;
      };
      expect(listing.files.map((f) => f.path)).to.deep.equal(world.files.economyPaths);
      const facts = await lookupAnchor(world.reader, { contentHash: listing.contentHash });
      for (const file of listing.files) {
        const response = await get(gw.base, fileUrlPath(KEYS.economy, 1, file.path), session.token);
        expect(response.status).to.equal(200);
        const bytes = new Uint8Array(await response.arrayBuffer());
        const original = await readFile(join(world.files.economyDir, ...file.path.split('/')));
        expect(Buffer.from(bytes).equals(original)).to.equal(true);
        expect(response.headers.get(GATEWAY_HEADERS.sha256)).to.equal(sha256(bytes).slice(2));
        expect(response.headers.get('repr-digest')).to.equal(
          `sha-256=:${Buffer.from(sha256(bytes).slice(2), 'hex').toString('base64')}:`,
        );
        expect(response.headers.get('cache-control')).to.equal('private, no-store');
        const receipt = parseReceipt(
          JSON.parse(Buffer.from(response.headers.get(GATEWAY_HEADERS.receipt)!, 'base64url').toString('utf8')),
        );
        const verdict = decideVerdict({
          subject: { kind: 'file', path: file.path, sha256: sha256(bytes) },
          chain: { chainId: world.chainId, contract: world.suite.datasetRegistry },
          receipt,
          anchor: facts,
        });
        expect(verdict.verified, verdict.message).to.equal(true);
      }
      const audit = await readAudit(gw.auditLog);
      const allowed = audit.filter((e) => e.event === 'file' && e.decision === 'allow' && e.agency === 'hunan.health');
      expect(allowed.length).to.be.at.least(listing.files.length);
      expect(allowed[0]).to.include({ dataset: KEYS.economy, version: 1, reason: 'granted', status: 200 });
      expect(allowed[0].signer).to.equal(world.wallets.health.address);
      expect(allowed[0].time).to.match(/^\d{4}-\d\d-\d\dT/);
    });

    it("serves the owning agency's own operators", async function () {
      const session = await openSession(world, gw.base, KEYS.economy, world.wallets.stats);
      expect(session.access.reason).to.equal('owner');
      const response = await get(gw.base, fileUrlPath(KEYS.economy, 1, world.files.economyPaths[0]), session.token);
      expect(response.status).to.equal(200);
      await response.arrayBuffer();
    });

    it("serves a file's receipt from the sidecar endpoint", async function () {
      const session = await openSession(world, gw.base, KEYS.economy, world.wallets.health);
      const path = world.files.economyPaths[0];
      const response = await get(gw.base, receiptUrlPath(KEYS.economy, 1, path), session.token);
      expect(response.status).to.equal(200);
      const receipt = parseReceipt(await response.json());
      expect(receipt.file.path).to.equal(path);
      expect(receipt.dataset).to.deep.include({ key: KEYS.economy, version: 1 });
    });

    it('resolves latest to the newest version not withdrawn, and answers 410 for a withdrawn version', async function () {
      const session = await openSession(world, gw.base, KEYS.census, world.wallets.health);
      const latest = (await (await get(gw.base, filesUrlPath(KEYS.census, 'latest'), session.token)).json()) as {
        version: number;
      };
      expect(latest.version).to.equal(2);
      const withdrawn = await get(gw.base, fileUrlPath(KEYS.census, 1, 'census-summary-2020.csv'), session.token);
      expect(withdrawn.status).to.equal(410);
      expect(await reasonOf(withdrawn)).to.equal('version-withdrawn');
      const unknown = await get(gw.base, fileUrlPath(KEYS.census, 7, 'census-summary-2020.csv'), session.token);
      expect(unknown.status).to.equal(404);
      expect(await reasonOf(unknown)).to.equal('unknown-version');
    });
  });

  describe('denied access', function () {
    /** Signs a fresh challenge for `key` with `wallet` and posts it. */
    async function trySession(wallet: World['stranger'], key: string, chainId?: number) {
      const message = await challenge(gw.base, key);
      return postSession(gw.base, await sign(world, wallet, message, chainId));
    }

    context('when opening a session', function () {
      it('refuses an agency without a grant (403 no-grant)', async function () {
        const { status, body } = await trySession(world.wallets.water, KEYS.economy);
        expect(status).to.equal(403);
        expect(body.error?.reason).to.equal('no-grant');
        expect(body.error?.message).to.contain('hunan.water');
      });

      it('refuses an expired grant (403 grant-expired)', async function () {
        const { status, body } = await trySession(world.wallets.health, KEYS.expiring);
        expect(status).to.equal(403);
        expect(body.error?.reason).to.equal('grant-expired');
      });

      it('refuses an operator of a suspended agency (403 agency-suspended)', async function () {
        const { status, body } = await trySession(world.wallets.transport, KEYS.economy);
        expect(status).to.equal(403);
        expect(body.error?.reason).to.equal('agency-suspended');
      });

      it('refuses a key that acts for no agency (403 unknown-signer)', async function () {
        const { status, body } = await trySession(world.stranger, KEYS.economy);
        expect(status).to.equal(403);
        expect(body.error?.reason).to.equal('unknown-signer');
      });

      it('refuses a replayed challenge (401 replayed)', async function () {
        const message = await challenge(gw.base, KEYS.economy);
        const signed = await sign(world, world.wallets.health, message);
        expect((await postSession(gw.base, signed)).status).to.equal(200);
        const replay = await postSession(gw.base, signed);
        expect(replay.status).to.equal(401);
        expect(replay.body.error?.reason).to.equal('replayed');
      });

      it('refuses a challenge signed for another chain (401 wrong-chain)', async function () {
        const { status, body } = await trySession(world.wallets.health, KEYS.economy, 71);
        expect(status).to.equal(401);
        expect(body.error?.reason).to.equal('wrong-chain');
      });

      it('refuses a challenge signed for another origin (401 wrong-origin)', async function () {
        const message = await challenge(gw.base, KEYS.economy);
        const signed = await sign(world, world.wallets.health, { ...message, origin: 'https://evil.example' });
        const { status, body } = await postSession(gw.base, signed);
        expect(status).to.equal(401);
        expect(body.error?.reason).to.equal('wrong-origin');
      });

      it('refuses a signature made by another key than the signer named (401 bad-signature)', async function () {
        const message = await challenge(gw.base, KEYS.economy);
        const signed = await sign(world, world.stranger, message);
        const { status, body } = await postSession(gw.base, { ...signed, signer: world.wallets.health.address });
        expect(status).to.equal(401);
        expect(body.error?.reason).to.equal('bad-signature');
      });

      it('refuses a challenge it did not issue (401 unknown-challenge) or that was altered (challenge-mismatch)', async function () {
        const message = await challenge(gw.base, KEYS.economy);
        const invented = { ...message, nonce: '0x' + '11'.repeat(32) };
        const unknown = await postSession(gw.base, await sign(world, world.wallets.health, invented));
        expect(unknown.body.error?.reason).to.equal('unknown-challenge');
        const altered = { ...message, datasetKey: KEYS.large };
        const mismatch = await postSession(gw.base, await sign(world, world.wallets.health, altered));
        expect(mismatch.body.error?.reason).to.equal('challenge-mismatch');
      });

      it('refuses an expired challenge (401 challenge-expired)', async function () {
        const short = await startGateway(world, 'short-challenges', { challengeTtlMs: 1000 });
        try {
          const message = await challenge(short.base, KEYS.economy);
          await new Promise((resolve) => setTimeout(resolve, 2100));
          const { status, body } = await postSession(short.base, await sign(world, world.wallets.health, message));
          expect(status).to.equal(401);
          expect(body.error?.reason).to.equal('challenge-expired');
        } finally {
          await short.close();
        }
      });

      it('records every refusal in the audit log with agency, dataset and reason', async function () {
        const audit = await readAudit(gw.auditLog);
        const denied = audit.filter((e) => e.event === 'session' && e.decision === 'deny');
        const reasons = new Set(denied.map((e) => e.reason));
        for (const reason of [
          'no-grant',
          'grant-expired',
          'agency-suspended',
          'unknown-signer',
          'replayed',
          'wrong-chain',
          'wrong-origin',
          'bad-signature',
          'unknown-challenge',
          'challenge-mismatch',
        ]) {
          expect(reasons, reason).to.include(reason);
        }
        const noGrant = denied.find((e) => e.reason === 'no-grant')!;
        expect(noGrant).to.include({ agency: 'hunan.water', dataset: KEYS.economy, status: 403 });
        expect(noGrant.agencyId).to.be.a('number');
        expect(noGrant.message).to.be.a('string');
      });
    });

    context('when requesting with a session', function () {
      it('refuses requests without a token or with an unknown one (401)', async function () {
        const none = await get(gw.base, filesUrlPath(KEYS.economy, 1));
        expect(none.status).to.equal(401);
        expect(none.headers.get('www-authenticate')).to.contain('Bearer');
        expect(await reasonOf(none)).to.equal('no-session');
        const unknown = await get(gw.base, filesUrlPath(KEYS.economy, 1), 'A'.repeat(43));
        expect(unknown.status).to.equal(401);
        expect(await reasonOf(unknown)).to.equal('invalid-session');
      });

      it('refuses a session opened for another dataset (403 wrong-dataset)', async function () {
        const session = await openSession(world, gw.base, KEYS.census, world.wallets.health);
        const response = await get(gw.base, filesUrlPath(KEYS.economy, 1), session.token);
        expect(response.status).to.equal(403);
        expect(await reasonOf(response)).to.equal('wrong-dataset');
      });

      it('answers unknown endpoints with a JSON 404', async function () {
        const response = await get(gw.base, '/v2/nothing');
        expect(response.status).to.equal(404);
        expect(await reasonOf(response)).to.equal('not-found');
      });
    });
  });

  describe('revocation mid-session', function () {
    it('refuses the open session within the staleness bound once the grant is revoked', async function () {
      const session = await openSession(world, gw.base, KEYS.census, world.wallets.health);
      const path = fileUrlPath(KEYS.census, 2, 'census-summary-2020.csv');
      const before = await get(gw.base, path, session.token);
      expect(before.status).to.equal(200);
      await before.arrayBuffer();
      await revokeGrant(world.operators.stats, { grantId: world.healthGrants[KEYS.census], reason: 'Study ended' });
      const revokedAt = Date.now();
      const bound = gw.server.govanchor.stalenessBoundMs;
      await eventually(async () => (await get(gw.base, path, session.token)).status === 403, bound + 3000, 50);
      expect(Date.now() - revokedAt).to.be.at.most(bound + 1500);
      const after = await get(gw.base, path, session.token);
      expect(await reasonOf(after)).to.equal('grant-revoked');
    });

    it('cuts off a transfer in progress within the bound once the grant is revoked', async function () {
      this.timeout(120_000);
      const session = await openSession(world, gw.base, KEYS.large, world.wallets.health);
      const response = await get(gw.base, fileUrlPath(KEYS.large, 1, 'large.bin'), session.token);
      expect(response.status).to.equal(200);
      const reader = response.body!.getReader();
      let received = (await reader.read()).value?.length ?? 0;
      await revokeGrant(world.operators.stats, { grantId: world.healthGrants[KEYS.large], reason: 'Paused' });
      const revokedAt = Date.now();
      let failed: unknown;
      try {
        // Read slowly at first, so that the transfer cannot finish before the gateway decides again.
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          received += value.length;
          if (Date.now() - revokedAt < 3000) await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } catch (error) {
        failed = error;
      }
      // Grant it again for the tests below.
      const { grantId } = await grantAccess(world.operators.stats, {
        datasetKey: KEYS.large,
        granteeCode: AGENCIES.health.code,
        expiresAt: (await chainTime(world.registrar)) + 90 * 86_400,
        purpose: 'Resumed',
      });
      world.healthGrants[KEYS.large] = grantId;
      // The gateway may answer from chain reads up to one staleness bound old: let the revocation age out.
      await new Promise((resolve) => setTimeout(resolve, gw.server.govanchor.stalenessBoundMs + 100));
      expect(failed, 'the transfer completed').to.be.instanceOf(Error);
      expect(received).to.be.below(LARGE_BYTES);
      const audit = await readAudit(gw.auditLog);
      const cut = audit.find((e) => e.event === 'transfer' && e.reason === 'grant-revoked');
      expect(cut, 'no transfer event in the audit log').to.not.equal(undefined);
      // Re-decided every half bound, on reads at most one bound old: cut off within 1.5 bounds (plus scheduling).
      expect(Date.parse(cut!.time) - revokedAt).to.be.at.most(1.5 * gw.server.govanchor.stalenessBoundMs + 1000);
    });

    it('refuses a new session with grant-revoked', async function () {
      const message = await challenge(gw.base, KEYS.census);
      const { status, body } = await postSession(gw.base, await sign(world, world.wallets.health, message));
      expect(status).to.equal(403);
      expect(body.error?.reason).to.equal('grant-revoked');
    });
  });

  describe('integrity', function () {
    const path = fileUrlPath(KEYS.tamper, 1, 'tamper.csv');

    it('refuses a file whose bytes no longer match the anchored version (503), logs and audits it', async function () {
      const session = await openSession(world, gw.base, KEYS.tamper, world.wallets.health);
      expect((await get(gw.base, path, session.token)).status).to.equal(200);
      // Same size, and the old modification time put back: the cache must still notice (ctime changes).
      const file = world.files.tamper;
      const original = await readFile(file);
      const { atime, mtime } = await stat(file);
      await writeFile(file, original.toString().replace('1200', '9200'));
      await utimes(file, atime, mtime);
      const response = await get(gw.base, path, session.token);
      expect(response.status).to.equal(503);
      const body = (await response.json()) as { error: { reason: string; message: string } };
      expect(body.error.reason).to.equal('integrity-mismatch');
      expect(body.error.message).to.contain('no longer matches');
      const audit = await readAudit(gw.auditLog);
      expect(audit.at(-1)).to.include({ event: 'file', decision: 'error', status: 503, reason: 'integrity-mismatch' });
      expect(gw.logs.some((line) => line.includes('no longer matches the anchored version'))).to.equal(true);
      await writeFile(file, original);
    });

    it('cuts a transfer off before its end if the file changes while it is sent', async function () {
      this.timeout(120_000);
      const session = await openSession(world, gw.base, KEYS.large, world.wallets.health);
      const response = await get(gw.base, fileUrlPath(KEYS.large, 1, 'large.bin'), session.token);
      expect(response.status).to.equal(200);
      const reader = response.body!.getReader();
      let received = (await reader.read()).value?.length ?? 0;
      // Change one byte far ahead of what has been sent, then put it back once the transfer is over.
      const offset = 150 * 1024 * 1024;
      const handle = await open(world.files.large, 'r+');
      const original = Buffer.alloc(1);
      await handle.read(original, 0, 1, offset);
      await handle.write(Buffer.from([original[0] ^ 0xff]), 0, 1, offset);
      let failed: unknown;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          received += value.length;
        }
      } catch (error) {
        failed = error;
      } finally {
        await handle.write(original, 0, 1, offset);
        await handle.close();
      }
      expect(failed, 'the transfer completed').to.be.instanceOf(Error);
      expect(received).to.be.below(LARGE_BYTES);
      await eventually(async () => {
        const audit = await readAudit(gw.auditLog);
        return audit.some((e) => e.event === 'transfer' && e.reason === 'integrity-mismatch');
      }, 5000);
      expect(gw.logs.some((line) => line.includes('changed while it was sent'))).to.equal(true);
    });

    it('serves the file again once the anchored bytes are back', async function () {
      const session = await openSession(world, gw.base, KEYS.tamper, world.wallets.health);
      const response = await get(gw.base, path, session.token);
      expect(response.status).to.equal(200);
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).to.equal(await hashFile(world.files.tamper));
    });
  });

  describe('range requests', function () {
    let token: string;
    let original: Buffer;
    const path = () => fileUrlPath(KEYS.economy, 1, world.files.economyPaths[0]);

    before(async function () {
      token = (await openSession(world, gw.base, KEYS.economy, world.wallets.health)).token;
      original = await readFile(join(world.files.economyDir, ...world.files.economyPaths[0].split('/')));
    });

    it('parses single byte ranges as RFC 9110 does', function () {
      expect(parseRange(undefined, 100)).to.deep.equal({ kind: 'full' });
      expect(parseRange('bytes=0-9', 100)).to.deep.equal({ kind: 'range', start: 0, end: 9 });
      expect(parseRange('bytes=90-', 100)).to.deep.equal({ kind: 'range', start: 90, end: 99 });
      expect(parseRange('bytes=-10', 100)).to.deep.equal({ kind: 'range', start: 90, end: 99 });
      expect(parseRange('bytes=95-200', 100)).to.deep.equal({ kind: 'range', start: 95, end: 99 });
      expect(parseRange('bytes=100-', 100)).to.deep.equal({ kind: 'unsatisfiable' });
      expect(parseRange('bytes=0-1,5-6', 100)).to.deep.equal({ kind: 'full' });
      expect(parseRange('items=0-1', 100)).to.deep.equal({ kind: 'full' });
      expect(parseRange('bytes=9-1', 100)).to.deep.equal({ kind: 'full' });
    });

    it('answers 206 with Content-Range and exactly the bytes asked for', async function () {
      const response = await get(gw.base, path(), token, { range: 'bytes=10-29' });
      expect(response.status).to.equal(206);
      expect(response.headers.get('content-range')).to.equal(`bytes 10-29/${original.length}`);
      expect(response.headers.get('content-length')).to.equal('20');
      expect(Buffer.from(await response.arrayBuffer()).equals(original.subarray(10, 30))).to.equal(true);
      // The digest headers describe the whole file.
      expect(response.headers.get(GATEWAY_HEADERS.sha256)).to.equal(sha256(original).slice(2));
    });

    it('serves suffix and open-ended ranges', async function () {
      const suffix = await get(gw.base, path(), token, { range: 'bytes=-5' });
      expect(Buffer.from(await suffix.arrayBuffer()).equals(original.subarray(original.length - 5))).to.equal(true);
      const open = await get(gw.base, path(), token, { range: `bytes=${original.length - 3}-` });
      expect(open.status).to.equal(206);
      expect(Buffer.from(await open.arrayBuffer()).equals(original.subarray(original.length - 3))).to.equal(true);
    });

    it('answers 416 for a range past the end', async function () {
      const response = await get(gw.base, path(), token, { range: `bytes=${original.length}-` });
      expect(response.status).to.equal(416);
      expect(response.headers.get('content-range')).to.equal(`bytes */${original.length}`);
      expect(await reasonOf(response)).to.equal('range-not-satisfiable');
    });

    it('serves the whole file for several ranges or a stale If-Range', async function () {
      const several = await get(gw.base, path(), token, { range: 'bytes=0-1,4-5' });
      expect(several.status).to.equal(200);
      expect((await several.arrayBuffer()).byteLength).to.equal(original.length);
      const stale = await get(gw.base, path(), token, { range: 'bytes=0-1', 'if-range': '"sha256-00"' });
      expect(stale.status).to.equal(200);
      await stale.arrayBuffer();
      const etag = stale.headers.get('etag')!;
      const fresh = await get(gw.base, path(), token, { range: 'bytes=0-1', 'if-range': etag });
      expect(fresh.status).to.equal(206);
      await fresh.arrayBuffer();
    });

    it('answers HEAD with the headers and no body', async function () {
      const response = await get(gw.base, path(), token, {}, 'HEAD');
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-length')).to.equal(String(original.length));
      expect(response.headers.get('accept-ranges')).to.equal('bytes');
      expect((await response.arrayBuffer()).byteLength).to.equal(0);
    });
  });

  describe('limits', function () {
    it('rate-limits authentication requests per address (429 with Retry-After)', async function () {
      const limited = await startGateway(world, 'limited', { limits: { authPerMinute: 3 } });
      try {
        const statuses = [];
        for (let i = 0; i < 5; i++) {
          const response = await fetch(`${limited.base}/v1/auth/challenge`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ dataset: KEYS.economy }),
          });
          statuses.push(response.status);
          if (response.status === 429) {
            expect(Number(response.headers.get('retry-after'))).to.be.greaterThan(0);
            expect(await reasonOf(response)).to.equal('rate-limited');
          } else await response.arrayBuffer();
        }
        expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
      } finally {
        await limited.close();
      }
    });

    it('refuses request bodies over the limit (413) and malformed ones (400)', async function () {
      const big = await fetch(`${gw.base}/v1/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(64 * 1024) }),
      });
      expect(big.status).to.equal(413);
      expect(await reasonOf(big)).to.equal('body-too-large');
      const bad = await fetch(`${gw.base}/v1/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"message": 1',
      });
      expect(bad.status).to.equal(400);
      expect(await reasonOf(bad)).to.equal('bad-request');
    });
  });

  describe('concurrent clients', function () {
    it('serves many sessions of two agencies downloading at once, each file intact', async function () {
      this.timeout(120_000);
      const expected = new Map<string, string>();
      for (const path of world.files.economyPaths) {
        expected.set(path, await hashFile(join(world.files.economyDir, ...path.split('/'))));
      }
      const clients = await Promise.all(
        [
          world.wallets.health,
          world.wallets.stats,
          world.wallets.health,
          world.wallets.stats,
          world.wallets.health,
          world.wallets.stats,
        ].map((wallet) => openSession(world, gw.base, KEYS.economy, wallet)),
      );
      const results = await Promise.all(
        clients.flatMap((session) =>
          world.files.economyPaths.map(async (path) => {
            const response = await get(gw.base, fileUrlPath(KEYS.economy, 1, path), session.token);
            return { status: response.status, path, ...(await hashBody(response)) };
          }),
        ),
      );
      expect(results).to.have.length(clients.length * world.files.economyPaths.length);
      for (const result of results) {
        expect(result.status).to.equal(200);
        expect(result.sha256, result.path).to.equal(expected.get(result.path));
      }
    });
  });

  describe('govanchor gateway and govanchor fetch (subprocesses)', function () {
    let proc: GatewayProcess;

    before(async function () {
      this.timeout(120_000);
      proc = await startGatewayProcess(world, 'cli', ['--cache-ttl', '1']);
    });

    after(async function () {
      await proc?.stop();
    });

    it('streams a 200 MB file without holding it in memory', async function () {
      this.timeout(300_000);
      const session = await openSession(world, proc.base, KEYS.large, world.wallets.health);
      const before = await memoryOf(proc.pid);
      let peak = before.rss;
      const sampler = setInterval(() => {
        memoryOf(proc.pid).then(
          (m) => (peak = Math.max(peak, m.rss)),
          () => undefined,
        );
      }, 50);
      let body;
      try {
        const response = await get(proc.base, fileUrlPath(KEYS.large, 1, 'large.bin'), session.token);
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-length')).to.equal(String(LARGE_BYTES));
        body = await hashBody(response);
      } finally {
        clearInterval(sampler);
      }
      const after = await memoryOf(proc.pid);
      expect(body.bytes).to.equal(LARGE_BYTES);
      expect(body.sha256).to.equal(world.files.largeSha256);
      const growthMb = (Math.max(peak, after.peak) - before.rss) / 1024;
      // Buffering the file would need 200 MB or more; streaming needs a few chunks.
      console.log(
        `      (gateway resident memory: +${growthMb.toFixed(1)} MB while streaming ${LARGE_BYTES / 2 ** 20} MiB)`,
      );
      expect(growthMb, `the gateway's resident memory grew by ${growthMb.toFixed(0)} MB`).to.be.below(80);
    });

    it('serves a range from the middle of the large file', async function () {
      const session = await openSession(world, proc.base, KEYS.large, world.wallets.health);
      const start = 123 * 1024 * 1024 + 17;
      const response = await get(proc.base, fileUrlPath(KEYS.large, 1, 'large.bin'), session.token, {
        range: `bytes=${start}-${start + 999}`,
      });
      expect(response.status).to.equal(206);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.length).to.equal(1000);
      const handle = await open(world.files.large);
      try {
        const expected = Buffer.alloc(1000);
        await handle.read(expected, 0, 1000, start);
        expect(bytes.equals(expected)).to.equal(true);
      } finally {
        await handle.close();
      }
    });

    it('fetches and verifies a tree version, writing receipts that govanchor verify accepts', async function () {
      this.timeout(120_000);
      const out = join(world.dir, 'fetched', 'economy');
      const result = await world.cli(
        ['fetch', proc.base, KEYS.economy, '--out', out, '--json'],
        ACCOUNTS[AGENCIES.health.operator].key,
      );
      expect(result.code, result.stderr).to.equal(0);
      const report = JSON.parse(result.stdout);
      expect(report).to.include({ datasetKey: KEYS.economy, version: 1, kind: 'tree' });
      expect(await filesUnder(out)).to.deep.equal(world.files.economyPaths);
      for (const path of world.files.economyPaths) {
        const a = await readFile(join(out, ...path.split('/')));
        const b = await readFile(join(world.files.economyDir, ...path.split('/')));
        expect(a.equals(b), path).to.equal(true);
      }
      const verify = await world.cli(['verify', out, '--json']);
      expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
      const verifyFile = await world.cli(['verify', join(out, ...world.files.economyPaths[0].split('/')), '--json']);
      expect(verifyFile.code, verifyFile.stdout + verifyFile.stderr).to.equal(0);
      const audit = await readAudit(proc.auditLog);
      expect(audit.filter((e) => e.event === 'file' && e.decision === 'allow')).to.have.length.at.least(
        world.files.economyPaths.length,
      );
    });

    it('fetches a single-file version chosen with --version', async function () {
      const out = join(world.dir, 'fetched', 'tamper');
      const result = await world.cli(
        ['fetch', proc.base, KEYS.tamper, '--version', '1', '--out', out],
        ACCOUNTS[AGENCIES.health.operator].key,
      );
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.contain('VERIFIED');
      expect(await filesUnder(out)).to.deep.equal(['tamper.csv', 'tamper.csv.receipt.json']);
    });

    it('exits 1 for an agency without a grant, writing nothing', async function () {
      const out = join(world.dir, 'fetched', 'denied');
      const result = await world.cli(
        ['fetch', proc.base, KEYS.economy, '--out', out],
        ACCOUNTS[AGENCIES.water.operator].key,
      );
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('no-grant');
      expect(await filesUnder(out)).to.deep.equal([]);
    });

    it('exits 2 for input errors and 3 when the gateway cannot be reached', async function () {
      this.timeout(60_000);
      const key = ACCOUNTS[AGENCIES.health.operator].key;
      const out = join(world.dir, 'fetched', 'errors');
      const badKey = await world.cli(['fetch', proc.base, 'not-a-key', '--out', out], key);
      expect(badKey.code, badKey.stderr).to.equal(2);
      const noVersion = await world.cli(['fetch', proc.base, KEYS.tamper, '--version', '9', '--out', out], key);
      expect(noVersion.code, noVersion.stderr).to.equal(2);
      expect(noVersion.stderr).to.contain('unknown-version');
      const noKey = await world.cli(['fetch', proc.base, KEYS.tamper, '--out', out]);
      expect(noKey.code, noKey.stderr).to.equal(2);
      const closed = await world.cli(['fetch', 'http://127.0.0.1:9', KEYS.tamper, '--out', out], key);
      expect(closed.code, closed.stderr).to.equal(3);
      expect(await filesUnder(out)).to.deep.equal([]);
    });

    it('rescans the data directory on SIGHUP', async function () {
      this.timeout(60_000);
      const file = join(world.dataDir, 'hunan.stats', 'added', 'v1', 'added.csv');
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, 'added,later\n1,2\n');
      const anchored = await world.cli(
        ['anchor', file, '--dataset', 'hunan.stats/added'],
        ACCOUNTS[AGENCIES.stats.operator].key,
      );
      expect(anchored.code, anchored.stderr).to.equal(0);
      const served = async () => {
        const list = (await (await get(proc.base, '/v1/datasets')).json()) as { datasets: { dataset: string }[] };
        return list.datasets.some((d) => d.dataset === 'hunan.stats/added');
      };
      expect(await served()).to.equal(false);
      process.kill(proc.pid, 'SIGHUP');
      await eventually(served, 10_000);
    });

    context('through a tampering proxy', function () {
      let proxy: TamperingProxy;
      let proxied: RunningGateway;

      before(async function () {
        proxy = await startTamperingProxy();
        // The proxy stands where a TLS reverse proxy would: clients sign for its URL.
        proxied = await startGateway(world, 'proxied', { origin: proxy.base });
        proxy.target = proxied.base;
      });

      after(async function () {
        await proxied?.close();
        await proxy?.close();
      });

      for (const mode of ['flip', 'rewrite'] as const) {
        it(`exits 1 and leaves no file that looks complete (${mode === 'flip' ? 'changed bytes' : 'changed bytes, hash and receipt'})`, async function () {
          this.timeout(60_000);
          proxy.mode = mode;
          const tamperedBefore = proxy.tampered;
          const out = join(world.dir, 'fetched', `proxy-${mode}`);
          const result = await world.cli(
            ['fetch', proxy.base, KEYS.economy, '--out', out, '--json'],
            ACCOUNTS[AGENCIES.health.operator].key,
          );
          expect(result.code, result.stderr).to.equal(1);
          expect(proxy.tampered, result.stderr).to.be.greaterThan(tamperedBefore);
          expect(JSON.parse(result.stdout).error.type).to.equal('FetchVerificationError');
          expect(result.stderr).to.match(mode === 'flip' ? /content differs/ : /proof does not lead/);
          expect(await filesUnder(out)).to.deep.equal([]);
        });
      }
    });

    // Last: it revokes hunan.health's grant to the economy data, which the tests above use.
    context('after revocation', function () {
      it('exits 1 once the grant is revoked: the same request is refused', async function () {
        this.timeout(60_000);
        const key = ACCOUNTS[AGENCIES.health.operator].key;
        await revokeGrant(world.operators.stats, {
          grantId: world.healthGrants[KEYS.economy],
          reason: 'Report published',
        });
        await new Promise((resolve) => setTimeout(resolve, 1200));
        const out = join(world.dir, 'fetched', 'after-revocation');
        const result = await world.cli(['fetch', proc.base, KEYS.economy, '--out', out], key);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.contain('grant-revoked');
        expect(await filesUnder(out)).to.deep.equal([]);
      });
    });
  });
});
