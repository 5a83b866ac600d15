import { dirname } from 'node:path';
import { expect } from 'chai';
import hre from 'hardhat';
import { Interface, zeroPadValue } from 'ethers';
import type { ChainConfig } from '@nomicfoundation/hardhat-verify/types';
import { setMockDispatcher } from '@nomicfoundation/hardhat-verify/internal/undici';
import { deploySuite } from '../../src/deploy/deploySuite';
import type { DeploymentRecord } from '../../src/deploy/deploymentRecord';
import {
  CONFLUXSCAN_CHAINS,
  CONTRACT_NAMES,
  verifyDeployment,
  type SuiteContractName,
  type VerifyOutcome,
} from '../../src/deploy/explorerVerification';
import { SOLC_LONG_VERSION, compileStandardJson, findStateVariableId, type CompiledContract } from './helpers/solcjs';

/** True under `hardhat coverage`, which deploys instrumented contracts. */
const UNDER_COVERAGE = Boolean(
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING,
);

// hardhat-verify's own undici, so that its requests go through the mock agent.
const undici = require(
  require.resolve('undici', { paths: [dirname(require.resolve('@nomicfoundation/hardhat-verify/package.json'))] }),
) as typeof import('undici');

const CONFLUXSCAN_TESTNET = CONFLUXSCAN_CHAINS[0];
const API = new URL(CONFLUXSCAN_TESTNET.urls.apiURL);

interface StandardJsonInput {
  language: string;
  sources: Record<string, { content: string }>;
  settings: { optimizer?: unknown; evmVersion?: string; libraries?: unknown; outputSelection?: unknown };
}

/**
 * What an explorer receives from `npm run verify`, end to end except for the network: the suite is deployed on the
 * in-process chain, which is presented to hardhat-verify as ConfluxScan eSpace testnet (same API URL, per-network
 * key), and ConfluxScan's API is replaced by a mock that records each submission. The test then does what the
 * explorer does with a submission: compile the standard-JSON input with the named compiler and compare with the
 * chain.
 */
describe('What hardhat-verify submits to the explorer', function () {
  this.timeout(300_000);
  let record: DeploymentRecord;
  let outcomes: VerifyOutcome[];
  let agent: InstanceType<typeof undici.MockAgent>;
  const submissions: URLSearchParams[] = [];
  const lookups: URLSearchParams[] = [];
  const log: string[] = [];
  let savedChains: ChainConfig[];
  let savedKey: string | undefined;

  before(async function () {
    if (UNDER_COVERAGE) this.skip();
    ({ record } = await deploySuite(hre));

    savedChains = hre.config.etherscan.customChains;
    savedKey = process.env.CONFLUXSCAN_API_KEY;
    hre.config.etherscan.customChains = [{ ...CONFLUXSCAN_TESTNET, chainId: record.chainId }];
    process.env.CONFLUXSCAN_API_KEY = 'local-test-key';

    agent = new undici.MockAgent();
    agent.disableNetConnect();
    const api = agent.get(API.origin);
    const query = (path: string) => new URL(path, API.origin).searchParams;
    api
      .intercept({ method: 'GET', path: (path) => query(path).get('action') === 'getsourcecode' })
      .reply(200, (request) => {
        lookups.push(query(request.path));
        return { status: '1', message: 'OK', result: [{ SourceCode: '' }] };
      })
      .persist();
    api
      .intercept({ method: 'POST', path: API.pathname })
      .reply(200, (request) => {
        submissions.push(new URLSearchParams(String(request.body)));
        return { status: '1', message: 'OK', result: `guid-${submissions.length}` };
      })
      .persist();
    api
      .intercept({ method: 'GET', path: (path) => query(path).get('action') === 'checkverifystatus' })
      .reply(200, { status: '1', message: 'OK', result: 'Pass - Verified' })
      .persist();
    setMockDispatcher(agent);

    // hardhat-verify prints its progress, and warns that per-network keys are deprecated: that is about Etherscan's
    // own v1 API, not ConfluxScan's (see docs/source-verification.md).
    const { log: print, warn } = console;
    console.log = console.warn = (...args: unknown[]) => log.push(args.join(' '));
    try {
      outcomes = await verifyDeployment(record, (task, args) => hre.run(task, args));
    } finally {
      Object.assign(console, { log: print, warn });
    }
  });

  after(async () => {
    if (UNDER_COVERAGE) return;
    setMockDispatcher(undefined);
    hre.config.etherscan.customChains = savedChains;
    if (savedKey === undefined) delete process.env.CONFLUXSCAN_API_KEY;
    else process.env.CONFLUXSCAN_API_KEY = savedKey;
    await agent?.close();
  });

  it('verifies both contracts, asking the explorer first whether each is verified already', () => {
    expect(outcomes, log.join('\n')).to.deep.equal([
      { name: 'DatasetRegistry', address: record.contracts.DatasetRegistry.address, ok: true },
      { name: 'AccessGrants', address: record.contracts.AccessGrants.address, ok: true },
    ]);
    expect(lookups.map((q) => q.get('address'))).to.deep.equal([
      record.contracts.DatasetRegistry.address,
      record.contracts.AccessGrants.address,
    ]);
    expect(submissions).to.have.length(2);
  });

  it("calls ConfluxScan's own API (not Etherscan's multichain API) with the ConfluxScan key", () => {
    for (const submission of [...lookups, ...submissions]) {
      expect(submission.get('apikey')).to.equal('local-test-key');
      expect(submission.has('chainid'), 'an Etherscan v2 chainid parameter').to.equal(false);
    }
  });

  (['DatasetRegistry', 'AccessGrants'] as SuiteContractName[]).forEach((name, index) => {
    describe(name, () => {
      let submission: URLSearchParams;
      let input: StandardJsonInput;
      let compiled: CompiledContract;
      const [sourceName] = CONTRACT_NAMES[name].split(':');

      before(function () {
        if (UNDER_COVERAGE) this.skip();
        submission = submissions[index];
        input = JSON.parse(submission.get('sourceCode')!) as StandardJsonInput;
        compiled = compileStandardJson(input).contracts[sourceName][name];
      });

      it('names the contract, the address, the standard-JSON format and the compiler as explorers list it', () => {
        expect(submission.get('module')).to.equal('contract');
        expect(submission.get('action')).to.equal('verifysourcecode');
        expect(submission.get('contractaddress')).to.equal(record.contracts[name].address);
        expect(submission.get('contractname')).to.equal(CONTRACT_NAMES[name]);
        expect(submission.get('codeformat')).to.equal('solidity-standard-json-input');
        expect(submission.get('compilerversion')).to.equal(`v${SOLC_LONG_VERSION}`);
        expect(submission.get('compilerversion')).to.match(/^v0\.8\.30\+commit\.[0-9a-f]{8}$/);
      });

      it('sends the constructor arguments of the deployment record, ABI-encoded', () => {
        const encoded = new Interface(compiled.abi as never).encodeDeploy(record.contracts[name].constructorArguments);
        expect('0x' + submission.get('constructorArguements')).to.equal(encoded);
      });

      it("sends the build's settings and only the contract's own sources (the minimal input)", async () => {
        const buildInfo = (await hre.artifacts.getBuildInfo(CONTRACT_NAMES[name]))!;
        expect(input.language).to.equal('Solidity');
        expect(input.settings.optimizer).to.deep.equal(buildInfo.input.settings.optimizer);
        expect(input.settings.evmVersion).to.equal(buildInfo.input.settings.evmVersion);
        expect(input.settings.libraries).to.deep.equal({});
        const metadataSources = Object.keys(JSON.parse(compiled.metadata).sources as object).sort();
        expect(Object.keys(input.sources).sort()).to.deep.equal(metadataSources);
        for (const [path, source] of Object.entries(input.sources)) {
          expect(source.content, path).to.equal(buildInfo.input.sources[path].content);
        }
      });

      it('recompiles with the npm solc to the deployed runtime code, metadata hash included', async () => {
        const onChain = await hre.ethers.provider.getCode(record.contracts[name].address);
        const references = compiled.evm.deployedBytecode.immutableReferences ?? {};
        const blank = (code: string) => {
          let hex = code.slice(2);
          for (const ranges of Object.values(references)) {
            for (const { start, length } of ranges) {
              hex = hex.slice(0, start * 2) + '00'.repeat(length) + hex.slice((start + length) * 2);
            }
          }
          return '0x' + hex;
        };
        const recompiled = '0x' + compiled.evm.deployedBytecode.object;
        expect(recompiled.length).to.equal(onChain.length);
        expect(blank(onChain)).to.equal(blank(recompiled));
        if (name === 'AccessGrants') {
          const id = findStateVariableId(compileStandardJson(input).sources[sourceName].ast, 'REGISTRY');
          for (const { start, length } of references[String(id)]) {
            const value = '0x' + onChain.slice(2 + start * 2, 2 + (start + length) * 2);
            expect(value).to.equal(zeroPadValue(record.contracts.DatasetRegistry.address, 32).toLowerCase());
          }
        }
      });

      it('recompiles to the creation transaction: the creation code, then the constructor arguments', async () => {
        const tx = await hre.ethers.provider.getTransaction(record.contracts[name].transactionHash);
        expect(tx?.data).to.equal('0x' + compiled.evm.bytecode.object + submission.get('constructorArguements'));
      });

      if (name === 'AccessGrants') {
        it('would not match after any change to a source, even a comment (the comparison is not vacuous)', () => {
          const changed = structuredClone(input);
          changed.sources[sourceName].content += '\n// one more line\n';
          const other = compileStandardJson(changed).contracts[sourceName][name];
          expect(other.evm.deployedBytecode.object).to.not.equal(compiled.evm.deployedBytecode.object);
        });
      }
    });
  });
});
