/**
 * Stateful property tests of the whole suite (issue #6, item 1): fast-check's model-based testing drives random
 * sequences of every state-changing call, from random actors, against the suite deployed through the Ignition Suite
 * module on the in-process Hardhat network, and against the plain TypeScript model in ./model.ts.
 *
 * After every step:
 * - the call succeeded exactly when the model says it should, and otherwise reverted with the model's custom error
 *   (for relayBatch: the same, item by item; for signed calls: the events name the signer, not the relayer; for
 *   anchoring calls: the Anchored logs, which the registry writes in assembly, are byte for byte the ABI's encoding
 *   of what the model recorded);
 * - the state the step may have changed, read in one eth_call through contracts/test/SuiteStateReader, equals the
 *   model's (and the whole observable state every FUZZ_FULL_CHECK_EVERY steps and at the end of each run);
 * - the invariants of ./checks.ts hold on the chain's state alone.
 *
 * How long: property runs of FUZZ_RUNS (default 20) sequences of up to FUZZ_MAX_COMMANDS (default 300) commands each,
 * with seeds FUZZ_SEED (default: random), FUZZ_SEED + 1, ..., until FUZZ_CALLS calls (default 10,000) have been made.
 * `npm run fuzz` makes many more. A failure prints the failing seed and path, the shrunk command sequence and the
 * resolved calls of the failing run; FUZZ_SEED=<seed> FUZZ_PATH=<path> replays exactly that counterexample.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ethers } from 'hardhat';
import { DEFAULT_ADMIN_DELAY } from '../../ignition/modules/DatasetRegistry';
import { commandArbitraries, compact, type ModelBox, type Resolved, type Runner, type Universe } from './commands';
import { checkInvariants, compareWithModel, fullQuery, invariantChecks, stepQuery, type StepInfo } from './checks';
import { cloneState, execute, initialState, REGISTRAR_ROLE, ZERO, type Action, type ModelState } from './model';
import { mergeView, signedTarget, World, type ChainView } from './world';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const MAX_COMMANDS = Number(process.env.FUZZ_MAX_COMMANDS ?? 300);
const SEED =
  process.env.FUZZ_SEED === undefined ? (Date.now() ^ (Math.random() * 2 ** 31)) | 0 : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;
/** Report the first failure as found, without shrinking it (shrinking long sequences can take minutes). */
const NO_SHRINK = process.env.FUZZ_NO_SHRINK !== undefined;
/** The issue asks for at least 10,000 calls in `npm test`. */
const CALLS = Number(process.env.FUZZ_CALLS ?? 10_000);

/** Every this many steps (and at the end of each run) everything is read and compared, not only what the step touched. */
const FULL_CHECK_EVERY = Number(process.env.FUZZ_FULL_CHECK_EVERY ?? 100);

const EOA_COUNT = 13;
const WALLET_OWNERS = [11, 12];

const VALID_CODES = ['stats', 'health', 'water', 'edu.gov', 'tax_1', 'a-b', 'z'.repeat(64)];
const INVALID_CODES = ['', 'Stats', 'ag ency', 'bad/slash', 'ünicode', 'y'.repeat(65), 'tab\tx'];

const KEYS = [
  ...VALID_CODES.flatMap((code) => [`${code}/census`, `${code}/clinics`]),
  'stats/' + 'k'.repeat(194), // 200 bytes: the longest valid key
  'stats/' + 'k'.repeat(195), // 201 bytes
  'stats/统计年鉴', // Unicode after the namespace is fine
  'stats',
  '/census',
  'stats/',
  '',
  'nobody/census',
  'Stats/census',
];

const HASHES = Array.from({ length: 64 }, (_, i) => ethers.sha256(ethers.toUtf8Bytes(`content ${i}`)));
const NONCES = [0n, 1n, 2n, 3n, 255n, 256n, 2n ** 255n + 7n];

/** Counts for the report. */
const stats = {
  transactions: 0,
  succeeded: 0,
  reverted: 0,
  relayItems: 0,
  /** Anchored logs compared byte for byte with the ABI's encoding. */
  anchoredLogs: 0,
  timeSteps: 0,
  runs: 0,
  outcomes: new Map<string, number>(),
};

function tally(key: string) {
  stats.outcomes.set(key, (stats.outcomes.get(key) ?? 0) + 1);
}

function labelOf(action: Action): string {
  if (action.fn === 'bySig') return `${action.action.fn}BySig`;
  return action.fn;
}

class ChainRunner implements Runner {
  /** The resolved calls of the current run, printed when it fails. */
  trace: string[] = [];
  /** The model of the current run (for the final full check). */
  current: ModelBox | undefined;
  private stepsInRun = 0;

  constructor(
    readonly world: World,
    readonly universe: Universe,
  ) {}

  startRun(model: ModelBox): void {
    this.trace = [];
    this.current = model;
    this.stepsInRun = 0;
  }

  /** Reads and compares everything, and checks the invariants over it. */
  async fullCheck(model: ModelBox): Promise<void> {
    await this.check(
      model,
      undefined,
      { fn: 'fullCheck', from: ZERO, actors: [], writers: [], time: model.state.now },
      true,
    );
  }

  async step(model: ModelBox, resolved: Resolved, label: string): Promise<void> {
    await this.withTrace(() => this.unsafeStep(model, resolved, label));
  }

  /** The final full check of a run. */
  async finish(): Promise<void> {
    await this.withTrace(() => this.fullCheck(this.current!));
  }

  private async withTrace(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const trace = this.trace.slice(-40).join('\n    ');
      throw new Error(`${message}\n  resolved calls of this run (last 40):\n    ${trace}`);
    }
  }

  private async unsafeStep(model: ModelBox, resolved: Resolved, label: string): Promise<void> {
    if (resolved.kind === 'time') {
      const time = model.state.now + resolved.seconds;
      await this.world.mineAt(time);
      model.state.now = time;
      stats.timeSteps++;
      this.trace.push(`${label}: now ${time}`);
      const info = { fn: 'timePasses', from: ZERO, actors: [], writers: [], time };
      await this.check(model, undefined, info, ++this.stepsInRun % FULL_CHECK_EVERY === 0);
      return;
    }
    const action = resolved.action;
    const before = model.state;
    const time = model.state.now + 1;
    const expected = execute(model.state, action, time);
    const sent = await this.world.send(action, time);
    stats.transactions++;
    const outcome = sent.ok ? 'ok' : sent.error || '(no data)';
    this.trace.push(`${label} -> ${compact(action).slice(0, 400)} => ${outcome}`);
    const want = expected.ok ? 'ok' : expected.error || '(no data)';
    if (outcome !== want) throw new Error(`${labelOf(action)}: the model expects ${want}, the chain says ${outcome}`);
    tally(`${labelOf(action)} ${outcome}`);
    if (sent.ok) stats.succeeded++;
    else stats.reverted++;

    if (expected.ok) model.state = expected.state;
    model.state.now = time;

    if (sent.ok) await this.checkAnchoredLogs(action, model.state, sent.hash);

    const info: StepInfo = { fn: labelOf(action), from: action.from, actors: [action.from], writers: [], time };
    if (action.fn === 'bySig') {
      info.actors = [action.auth.signer];
      if (action.auth.variant === 'valid') info.writers = [action.auth.signer];
      if (sent.ok) await this.checkSignedEvents(action, sent.hash);
    } else if (action.fn === 'relayBatch') {
      const signers = action.items.flatMap((item) => (item.kind === 'signed' ? [item.auth.signer] : []));
      const plain = action.items.length === 0 || action.items.some((item) => item.kind !== 'signed');
      info.actors = [...signers, ...(plain ? [action.from] : [])];
      info.writers = info.actors;
      if (sent.ok && expected.ok) await this.checkRelayResults(action, expected.relayResults ?? [], sent.hash);
    } else info.writers = [action.from];
    await this.check(model, { before, action }, info, ++this.stepsInRun % FULL_CHECK_EVERY === 0);
  }

  /** Reads what the step touched (or everything), compares it with the model and checks the invariants. */
  private async check(
    model: ModelBox,
    step: { before: ModelState; action: Action } | undefined,
    info: StepInfo,
    full: boolean,
  ): Promise<void> {
    const query = full
      ? fullQuery(model.state, this.universe)
      : stepQuery(step?.before ?? model.state, model.state, step?.action, this.universe);
    const read = await this.world.read(query);
    compareWithModel(model.state, query, read);
    const next = mergeView(model.chain, query, read);
    checkInvariants(model.chain, next, query, info);
    model.chain = next;
  }

  /** relayBatch: the items that failed are the ones the model says, with the same errors. */
  private async checkRelayResults(
    action: Extract<Action, { fn: 'relayBatch' }>,
    expected: (string | null)[],
    hash: string,
  ): Promise<void> {
    const failures = this.world.relayFailures(action.target, await this.world.receiptLogs(hash));
    expected.forEach((error, index) => {
      stats.relayItems++;
      const item = action.items[index];
      const name =
        item.kind === 'signed' ? `${item.action.fn}BySig` : item.kind === 'direct' ? item.action.fn : 'garbage';
      const got = failures.has(index) ? failures.get(index) || '(no data)' : 'ok';
      const want = error === null ? 'ok' : error || '(no data)';
      tally(`relayBatch[${name}] ${got}`);
      if (got !== want)
        throw new Error(`relayBatch item ${index} (${name}): the model expects ${want}, the chain says ${got}`);
    });
    if (failures.size !== expected.filter((e) => e !== null).length) throw new Error('relayBatch: unexpected failures');
  }

  /**
   * The Anchored logs of a successful anchoring call (the registry writes them in assembly): one per item, in item
   * order, each byte for byte the ABI's encoding of the item's values as the model recorded them (version, dataset
   * and agency from the model's anchor, operator the sender or signer, the item's URI or, for anchorVersionBatch
   * without URIs, '').
   */
  private async checkAnchoredLogs(action: Action, state: ModelState, hash: string): Promise<void> {
    type Item = { contentHash: string; kind: number; fileCount: number; uri: string };
    let operator = action.from;
    let items: Item[];
    switch (action.fn) {
      case 'anchor':
      case 'anchorVersion':
        items = [action];
        break;
      case 'anchorBatch':
        items = action.items;
        break;
      case 'anchorVersionBatch':
        items = action.items.map((item, i) => ({ ...item, uri: action.uris[i] ?? '' }));
        break;
      case 'bySig':
        if (action.action.fn !== 'anchor' && action.action.fn !== 'anchorBatch') return;
        operator = action.auth.signer;
        items = action.action.fn === 'anchor' ? [action.action] : action.action.items;
        break;
      default:
        return;
    }
    stats.anchoredLogs += items.length;
    const iface = this.world.registryInterface;
    const topic = iface.getEvent('Anchored')!.topicHash;
    const logs = (await this.world.receiptLogs(hash))
      .filter((log) => log.address === this.world.registryAddress && log.topics[0] === topic)
      .map((log) => ({ topics: [...log.topics], data: log.data }));
    const expected = items.map((item) => {
      const anchor = state.anchors.get(item.contentHash)!;
      return iface.encodeEventLog('Anchored', [
        item.contentHash,
        anchor.datasetId,
        anchor.agencyId,
        anchor.version,
        item.kind,
        item.fileCount,
        operator,
        item.uri,
      ]);
    });
    expect(logs, `${labelOf(action)}: Anchored logs`).to.deep.equal(expected);
  }

  /** A relayed signed action's events name the signer (and its agency), never the relayer. */
  private async checkSignedEvents(action: Extract<Action, { fn: 'bySig' }>, hash: string): Promise<void> {
    const logs = await this.world.receiptLogs(hash);
    const target = signedTarget(action.action);
    const iface = this.world.interfaceOf(target);
    let relayed = 0;
    for (const log of logs) {
      const parsed = iface.parseLog(log);
      if (parsed === null) continue;
      if (parsed.name === 'SignedActionRelayed') {
        relayed++;
        expect(parsed.args.signer).to.equal(action.auth.signer);
        expect(parsed.args.relayer).to.equal(action.from);
        expect(parsed.args.nonce).to.equal(action.auth.nonce);
      } else if (parsed.fragment.inputs.some((input) => input.name === 'operator')) {
        expect(parsed.args.operator, `${parsed.name}.operator`).to.equal(action.auth.signer);
      }
    }
    expect(relayed).to.equal(1);
  }
}

describe('Suite: stateful property test (model-based, fast-check)', function () {
  this.timeout(0);

  let world: World;
  let runner: ChainRunner;
  let baseSnapshot: string;
  let baseState: ModelState;
  let baseChain: ChainView;

  before(async function () {
    world = await World.deploy(EOA_COUNT, WALLET_OWNERS);
    const universe: Universe = {
      eoas: world.eoas,
      wallets: world.wallets.map((w) => w.address),
      codes: [...VALID_CODES, ...INVALID_CODES],
      keys: KEYS,
      hashes: HASHES,
      nonces: NONCES,
    };
    runner = new ChainRunner(world, universe);

    // The starting state of every run: three agencies with admins and operators (two of them ERC-1271 wallets), a
    // second registrar, and one dataset each for two agencies. Built through the same checked steps as the runs.
    const [gov, statsAdmin, statsOp, statsOp2, healthAdmin, healthOp, , waterAdmin, waterOp, registrar2] = world.eoas;
    const [wallet0, wallet1] = universe.wallets;
    const delay = Number(DEFAULT_ADMIN_DELAY);
    const state = initialState(await world.latestTimestamp(), gov, gov, delay);
    const firstQuery = fullQuery(state, universe);
    const model: ModelBox = { state, chain: mergeView(undefined, firstQuery, await world.read(firstQuery)) };
    compareWithModel(state, firstQuery, await world.read(firstQuery));
    runner.startRun(model);
    const setup: Action[] = [
      { from: gov, fn: 'registerAgency', code: 'stats', name: 'Statistics Bureau', metadataURI: '', admin: statsAdmin },
      {
        from: gov,
        fn: 'registerAgency',
        code: 'health',
        name: 'Health Commission',
        metadataURI: '',
        admin: healthAdmin,
      },
      { from: gov, fn: 'registerAgency', code: 'water', name: 'Water Department', metadataURI: '', admin: waterAdmin },
      { from: statsAdmin, fn: 'addOperator', agencyId: 1, operator: statsOp },
      { from: statsAdmin, fn: 'addOperator', agencyId: 1, operator: statsOp2 },
      { from: statsAdmin, fn: 'addOperator', agencyId: 1, operator: wallet0 },
      { from: healthAdmin, fn: 'addOperator', agencyId: 2, operator: healthOp },
      { from: healthAdmin, fn: 'addOperator', agencyId: 2, operator: wallet1 },
      { from: waterAdmin, fn: 'addOperator', agencyId: 3, operator: waterOp },
      { from: gov, fn: 'grantRole', role: REGISTRAR_ROLE, account: registrar2 },
      {
        from: statsOp,
        fn: 'anchor',
        datasetKey: 'stats/census',
        contentHash: HASHES[63],
        kind: 1,
        fileCount: 1,
        uri: '',
      },
      {
        from: healthOp,
        fn: 'anchor',
        datasetKey: 'health/clinics',
        contentHash: HASHES[62],
        kind: 1,
        fileCount: 1,
        uri: '',
      },
    ];
    for (const action of setup) await runner.step(model, { kind: 'call', action }, 'setup');
    await runner.fullCheck(model);
    expect(stats.reverted).to.equal(0);
    baseState = model.state;
    baseChain = model.chain;
    baseSnapshot = await world.snapshot();
    stats.transactions = stats.succeeded = 0;
    stats.outcomes.clear();
  });

  it(`keeps the chain equal to the model and every invariant true over ${CALLS} random calls`, async function () {
    const started = Date.now();
    console.log(`      first seed ${SEED} (FUZZ_SEED=${SEED} replays this run)`);
    const setup = async () => {
      await world.revert(baseSnapshot);
      baseSnapshot = await world.snapshot();
      stats.runs++;
      const model: ModelBox = { state: cloneState(baseState), chain: baseChain };
      runner.startRun(model);
      return { model, real: runner as Runner };
    };
    let failing = false;
    const property = fc.asyncProperty(
      fc.commands([fc.oneof(...commandArbitraries())], { maxCommands: MAX_COMMANDS, size: 'max' }),
      async (commands) => {
        // Once enough calls are made, the remaining runs of the seed are skipped, unless a failure is being shrunk.
        if (stats.transactions >= CALLS && !failing && PATH === undefined) return;
        try {
          await fc.asyncModelRun(setup, commands);
          await runner.finish();
        } catch (error) {
          failing = true;
          throw error;
        }
      },
    );
    const seeds: number[] = [];
    for (let seed = SEED; stats.transactions < CALLS; seed = (seed + 1) | 0) {
      seeds.push(seed);
      await fc.assert(property, { numRuns: RUNS, seed, path: PATH, endOnFailure: PATH !== undefined || NO_SHRINK });
      if (PATH !== undefined) break;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const kinds = [...stats.outcomes.keys()];
    console.log(
      `      ${stats.transactions} calls (${stats.succeeded} succeeded, ${stats.reverted} reverted as the model said; ` +
        `${stats.relayItems} relayBatch items; ${stats.anchoredLogs} Anchored logs checked byte for byte) and ` +
        `${stats.timeSteps} time steps in ${stats.runs} runs, ${seconds} s`,
    );
    console.log(
      `      seeds ${seeds[0]}..${seeds[seeds.length - 1]} (up to ${RUNS} runs of up to ${MAX_COMMANDS} commands per seed; ` +
        `FUZZ_SEED=${seeds[0]} replays)`,
    );
    console.log(
      `      ${kinds.length} distinct (function, outcome) pairs; invariant checks: ${JSON.stringify(invariantChecks)}`,
    );
    if (process.env.FUZZ_REPORT) {
      for (const key of kinds.sort()) console.log(`        ${key}: ${stats.outcomes.get(key)}`);
    }
    if (PATH === undefined) expect(stats.transactions).to.be.at.least(CALLS);
  });
});
