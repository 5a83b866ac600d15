import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNTS, govanchor, sharedSuite, tempDir, type SharedSuite } from './helpers';

const ADMIN = 15;
const OWNER_OPERATOR = 16;
const READER_OPERATOR = 17;
const DAY = 24 * 60 * 60;

describe('govanchor CLI: access requests and grants', function () {
  let suite: SharedSuite;

  async function advance(seconds: number): Promise<void> {
    await suite.node.rpc('evm_increaseTime', [seconds]);
    await suite.node.rpc('evm_mine', []);
  }

  before(async function () {
    this.timeout(300_000);
    suite = await sharedSuite();
    const file = join(tempDir(), 'register.csv');
    writeFileSync(file, 'id,name\n1,clinic\n');
    const setup = [
      await govanchor(['agency', 'register', 'ac.owner', '--name', 'AC Owner', '--admin', ACCOUNTS[ADMIN].address], 0),
      await govanchor(['agency', 'add-operator', 'ac.owner', ACCOUNTS[OWNER_OPERATOR].address], ADMIN),
      await govanchor(
        ['agency', 'register', 'ac.reader', '--name', 'AC Reader', '--admin', ACCOUNTS[ADMIN].address],
        0,
      ),
      await govanchor(['agency', 'add-operator', 'ac.reader', ACCOUNTS[READER_OPERATOR].address], ADMIN),
      await govanchor(['anchor', file, '--dataset', 'ac.owner/clinics'], OWNER_OPERATOR),
    ];
    for (const step of setup) expect(step.code, step.stderr).to.equal(0);
  });

  it('has no access before any grant (exit 1); the owner always has access (exit 0)', async function () {
    const none = await govanchor(['access', 'ac.owner/clinics', 'ac.reader', '--json']);
    expect(none.code).to.equal(1);
    expect(none.json).to.include({ hasAccess: false, reason: 'no-grant' });
    const owner = await govanchor(['access', 'ac.owner/clinics', 'ac.owner', '--json']);
    expect(owner.code).to.equal(0);
    expect(owner.json).to.include({ hasAccess: true, reason: 'owner' });
  });

  it('request → approve gives access until it expires', async function () {
    const requested = await govanchor(
      ['request', 'ac.owner/clinics', '--purpose', 'vaccination study', '--json'],
      READER_OPERATOR,
    );
    expect(requested.code, requested.stderr).to.equal(0);
    const requestId = requested.json.requestId;
    expect(requestId).to.match(/^\d+$/);
    const approved = await govanchor(['approve', requestId, '--expires', '2d', '--json'], OWNER_OPERATOR);
    expect(approved.code, approved.stderr).to.equal(0);
    const granted = await govanchor(['access', 'ac.owner/clinics', 'ac.reader', '--json']);
    expect(granted.code).to.equal(0);
    expect(granted.json).to.include({ hasAccess: true, reason: 'granted' });
    expect(granted.json.grant.id).to.equal(approved.json.grantId);

    await advance(3 * DAY);
    const expired = await govanchor(['access', 'ac.owner/clinics', 'ac.reader']);
    expect(expired.code).to.equal(1);
    expect(expired.stdout).to.include('NO ACCESS  ac.reader → ac.owner/clinics: the grant has expired');
  });

  it('deny: a denied request cannot be approved (exit 3, decoded)', async function () {
    const requested = await govanchor(
      ['request', 'ac.owner/clinics', '--purpose', 'marketing', '--json'],
      READER_OPERATOR,
    );
    const requestId = requested.json.requestId;
    const denied = await govanchor(['deny', requestId, '--reason', 'not a permitted purpose'], OWNER_OPERATOR);
    expect(denied.code, denied.stderr).to.equal(0);
    const approve = await govanchor(['approve', requestId, '--expires', '30d'], OWNER_OPERATOR);
    expect(approve.code).to.equal(3);
    expect(approve.stderr).to.include(`RequestNotPending(requestId=${requestId}, status=Denied)`);
  });

  it('grant gives access directly (date expiry), revoke ends it (exit 1 afterwards)', async function () {
    const granted = await govanchor(
      ['grant', 'ac.owner/clinics', 'ac.reader', '--purpose', 'audit', '--expires', '2099-12-31', '--json'],
      OWNER_OPERATOR,
    );
    expect(granted.code, granted.stderr).to.equal(0);
    expect(granted.json.expiresAt).to.equal('2099-12-31T00:00:00.000Z');
    expect((await govanchor(['access', 'ac.owner/clinics', 'ac.reader'])).code).to.equal(0);
    const revoked = await govanchor(['revoke', granted.json.grantId, '--reason', 'audit finished'], OWNER_OPERATOR);
    expect(revoked.code, revoked.stderr).to.equal(0);
    const after = await govanchor(['access', 'ac.owner/clinics', 'ac.reader', '--json']);
    expect(after.code).to.equal(1);
    expect(after.json).to.include({ hasAccess: false, reason: 'revoked' });
  });

  it('rejects bad input before sending: past expiry, malformed ids, unknown ids, datasets and agencies (exit 2)', async function () {
    const past = await govanchor(
      ['grant', 'ac.owner/clinics', 'ac.reader', '--purpose', 'x', '--expires', '2020-01-01'],
      OWNER_OPERATOR,
    );
    expect(past.code).to.equal(2);
    expect(past.stderr).to.include('--expires 2020-01-01: 2020-01-01T00:00:00.000Z is not in the future');
    const garbled = await govanchor(['approve', '1', '--expires', 'soon'], OWNER_OPERATOR);
    expect(garbled.code).to.equal(2);
    expect(garbled.stderr).to.include('--expires soon: expected a date');
    const badId = await govanchor(['revoke', 'abc'], OWNER_OPERATOR);
    expect(badId.code).to.equal(2);
    expect(badId.stderr).to.include('"abc" is not a grant id');
    const unknownGrant = await govanchor(['revoke', '999'], OWNER_OPERATOR);
    expect(unknownGrant.code).to.equal(2);
    expect(unknownGrant.stderr).to.match(/^error: unknown grant 999: there are \d+ grants on chain 31337\n$/);
    const unknownDataset = await govanchor(['request', 'ac.owner/nothing', '--purpose', 'x'], READER_OPERATOR);
    expect(unknownDataset.code).to.equal(2);
    expect(unknownDataset.stderr).to.include('unknown dataset "ac.owner/nothing"');
    const unknownAgency = await govanchor(['access', 'ac.owner/clinics', 'ac.nobody']);
    expect(unknownAgency.code).to.equal(2);
    expect(unknownAgency.stderr).to.include('unknown agency "ac.nobody"');
  });

  it("decodes an agency's request for its own dataset (OwnAgencyAccess, exit 3)", async function () {
    const own = await govanchor(['request', 'ac.owner/clinics', '--purpose', 'self'], OWNER_OPERATOR);
    expect(own.code).to.equal(3);
    expect(own.stderr).to.include('OwnAgencyAccess(');
  });
});
