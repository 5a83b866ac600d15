import { expect } from 'chai';
import { TtlCache } from '../../src/gateway/chainState';
import { ChallengeStore } from '../../src/gateway/sessions';
import { GatewayRefusal } from '../../src/gateway/refusal';

describe('TtlCache (the staleness bound of chain reads)', function () {
  let now: number;
  let reads: number;
  const clock = () => now;
  const load = (value: string) => async () => {
    reads++;
    return value;
  };

  beforeEach(function () {
    now = 1_000_000;
    reads = 0;
  });

  it('answers from the cache for the time to live, counted from the start of the read', async function () {
    const cache = new TtlCache<string>(10_000, 100, clock);
    expect(await cache.get('k', load('a'))).to.equal('a');
    now += 9_999;
    expect(await cache.get('k', load('b'))).to.equal('a');
    now += 1;
    expect(await cache.get('k', load('c'))).to.equal('c');
    expect(reads).to.equal(2);
  });

  it('shares one read in flight between concurrent callers', async function () {
    const cache = new TtlCache<string>(10_000, 100, clock);
    const results = await Promise.all([
      cache.get('k', load('a')),
      cache.get('k', load('b')),
      cache.get('k', load('c')),
    ]);
    expect(results).to.deep.equal(['a', 'a', 'a']);
    expect(reads).to.equal(1);
  });

  it('never caches a failed read', async function () {
    const cache = new TtlCache<string>(10_000, 100, clock);
    await expect(
      cache.get('k', async () => {
        throw new Error('node down');
      }),
    ).to.be.rejectedWith('node down');
    expect(await cache.get('k', load('a'))).to.equal('a');
  });

  it('reads every time with a time to live of 0', async function () {
    const cache = new TtlCache<string>(0, 100, clock);
    await cache.get('k', load('a'));
    await cache.get('k', load('b'));
    expect(reads).to.equal(2);
  });

  it('keeps at most its maximum number of entries', async function () {
    const cache = new TtlCache<string>(10_000, 2, clock);
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('c', load('c'));
    reads = 0;
    await cache.get('c', load('c'));
    await cache.get('a', load('a'));
    expect(reads).to.equal(1);
  });
});

describe('ChallengeStore', function () {
  it('issues a challenge once, refuses its replay, and expires it', function () {
    let now = 1_700_000_000_000;
    const store = new ChallengeStore(60_000, 10, () => now);
    const challenge = store.issue('http://127.0.0.1:8080', 'hunan.stats/census');
    expect(challenge.nonce).to.match(/^0x[0-9a-f]{64}$/);
    expect(challenge.expiresAt - challenge.issuedAt).to.equal(60);
    store.check(challenge);
    store.consume(challenge);
    expect(() => store.check(challenge))
      .to.throw(GatewayRefusal)
      .with.property('reason', 'replayed');
    const late = store.issue('http://127.0.0.1:8080', 'hunan.stats/census');
    now += 61_000;
    expect(() => store.check(late))
      .to.throw(GatewayRefusal)
      .with.property('reason', 'challenge-expired');
  });

  it('refuses to hold more pending challenges than its limit', function () {
    const store = new ChallengeStore(60_000, 2, () => 0);
    store.issue('o', 'a/b');
    store.issue('o', 'a/b');
    expect(() => store.issue('o', 'a/b'))
      .to.throw(GatewayRefusal)
      .with.property('reason', 'busy');
  });
});
