import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import hre from 'hardhat';
import type { EthereumProvider } from 'hardhat/types';
import { Etherscan } from '@nomicfoundation/hardhat-verify/etherscan';
import { EXPLORERS } from '../../src/core/explorer';
import { DEPLOYMENT_FORMAT, type DeploymentRecord } from '../../src/deploy/deploymentRecord';
import {
  CONFLUXSCAN_CHAINS,
  CONTRACT_NAMES,
  VerifySetupError,
  checkBuildLongVersion,
  checkCompilerMatches,
  checkVerifySetup,
  explorerApiKey,
  verifyDeployment,
  verifyTargets,
  type VerifySubtaskArgs,
} from '../../src/deploy/explorerVerification';

const ROOT = join(__dirname, '..', '..');
const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const GRANTS = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
const ADMIN = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

/** A deployment record as scripts/deploy.ts writes it (addresses of a fresh hardhat node). */
function sampleRecord(chainId = 71): DeploymentRecord {
  return {
    format: DEPLOYMENT_FORMAT,
    chainId,
    network: 'confluxEspaceTestnet',
    deployer: ADMIN,
    deployedAt: '2026-01-01T00:00:00.000Z',
    compiler: { version: '0.8.30', settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun' } },
    contracts: {
      DatasetRegistry: {
        address: REGISTRY,
        transactionHash: '0x' + '11'.repeat(32),
        blockNumber: 1,
        constructorArguments: ['172800', ADMIN, ADMIN],
      },
      AccessGrants: {
        address: GRANTS,
        transactionHash: '0x' + '22'.repeat(32),
        blockNumber: 2,
        constructorArguments: [REGISTRY],
      },
    },
  };
}

/**
 * hardhat-verify warns that per-network keys are deprecated whenever it builds a client with one. That is about
 * Etherscan's own v1 API; ConfluxScan's API takes them (see docs/source-verification.md). Kept out of the test output.
 */
function quietly<T>(build: () => T): T {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return build();
  } finally {
    console.warn = warn;
  }
}

/** A provider that only answers eth_chainId, for hardhat-verify's chain lookup. */
function chainIdProvider(chainId: number): EthereumProvider {
  return { send: async () => '0x' + chainId.toString(16) } as unknown as EthereumProvider;
}

describe('Source verification setup', () => {
  describe('hardhat.config.ts', () => {
    it('adds ConfluxScan eSpace testnet and mainnet as hardhat-verify custom chains', () => {
      expect(hre.config.etherscan.customChains).to.deep.equal([
        {
          network: 'confluxEspaceTestnet',
          chainId: 71,
          urls: {
            apiURL: 'https://evmapi-testnet.confluxscan.org/api/',
            browserURL: 'https://evmtestnet.confluxscan.org',
          },
        },
        {
          network: 'confluxEspace',
          chainId: 1030,
          urls: { apiURL: 'https://evmapi.confluxscan.org/api/', browserURL: 'https://evm.confluxscan.org' },
        },
      ]);
    });

    it("names the custom chains' networks as Hardhat networks of the same chain id", () => {
      for (const chain of hre.config.etherscan.customChains) {
        expect(hre.config.networks[chain.network]?.chainId, chain.network).to.equal(chain.chainId);
      }
    });

    it('keeps the explorer links of src/core/explorer and the verify browser URLs the same', () => {
      for (const chain of CONFLUXSCAN_CHAINS) expect(EXPLORERS[chain.chainId].url).to.equal(chain.urls.browserURL);
    });

    it('leaves Etherscan enabled and Sourcify off unless SOURCIFY_VERIFY=true', () => {
      expect(hre.config.etherscan.enabled).to.equal(true);
      expect(hre.config.sourcify.enabled).to.equal(process.env.SOURCIFY_VERIFY === 'true');
    });

    it('names the compiler as explorers list it (no .Emscripten.clang)', async () => {
      const buildInfo = await hre.artifacts.getBuildInfo(CONTRACT_NAMES.DatasetRegistry);
      expect(buildInfo?.solcLongVersion).to.match(/^0\.8\.30\+commit\.[0-9a-f]{8}$/);
      expect(() => checkBuildLongVersion(buildInfo!.solcLongVersion)).to.not.throw();
      expect(() => checkBuildLongVersion('0.8.30+commit.73712a01.Emscripten.clang')).to.throw(/compile --force/);
    });
  });

  describe('explorerApiKey', () => {
    const env = { ETHERSCAN_API_KEY: 'etherscan-key', CONFLUXSCAN_API_KEY: 'confluxscan-key' };

    it("gives Sepolia one string key, so that hardhat-verify uses Etherscan's multichain API v2", async () => {
      const key = explorerApiKey(11155111, hre.config.etherscan.customChains, env);
      expect(key).to.equal('etherscan-key');
      const chain = await Etherscan.getCurrentChainConfig(
        'sepolia',
        chainIdProvider(11155111),
        hre.config.etherscan.customChains,
      );
      const etherscan = Etherscan.fromChainConfig(key, chain);
      expect(etherscan.apiUrl).to.equal('https://api.etherscan.io/v2/api');
      expect(etherscan.chainId).to.equal(11155111);
      expect(etherscan.apiKey).to.equal('etherscan-key');
      expect(etherscan.getContractUrl(REGISTRY)).to.equal(`${EXPLORERS[11155111].url}/address/${REGISTRY}#code`);
    });

    for (const { network, chainId, urls } of CONFLUXSCAN_CHAINS) {
      it(`gives ${network} a per-network key, so that hardhat-verify calls ConfluxScan's own API`, async () => {
        const key = explorerApiKey(chainId, hre.config.etherscan.customChains, env);
        expect(key).to.deep.equal({ [network]: 'confluxscan-key' });
        const chain = await Etherscan.getCurrentChainConfig(
          network,
          chainIdProvider(chainId),
          hre.config.etherscan.customChains,
        );
        const etherscan = quietly(() => Etherscan.fromChainConfig(key, chain));
        expect(etherscan.apiUrl).to.equal(urls.apiURL);
        expect(etherscan.chainId).to.equal(undefined);
        expect(etherscan.apiKey).to.equal('confluxscan-key');
        expect(etherscan.getContractUrl(GRANTS)).to.equal(`${urls.browserURL}/address/${GRANTS}#code`);
      });
    }

    it('gives an empty key when the variable is unset (hardhat-verify then refuses)', () => {
      expect(explorerApiKey(11155111, CONFLUXSCAN_CHAINS, {})).to.equal('');
      expect(explorerApiKey(71, CONFLUXSCAN_CHAINS, {})).to.deep.equal({ confluxEspaceTestnet: '' });
    });
  });

  describe('verifyTargets', () => {
    it("builds verify:verify's arguments for every contract from the deployment record, registry first", () => {
      expect(verifyTargets(sampleRecord())).to.deep.equal([
        {
          name: 'DatasetRegistry',
          args: {
            address: REGISTRY,
            constructorArguments: ['172800', ADMIN, ADMIN],
            contract: 'contracts/DatasetRegistry.sol:DatasetRegistry',
          },
        },
        {
          name: 'AccessGrants',
          args: {
            address: GRANTS,
            constructorArguments: [REGISTRY],
            contract: 'contracts/AccessGrants.sol:AccessGrants',
          },
        },
      ]);
    });

    it("builds constructor arguments that ABI-encode against the artifacts' constructors", async () => {
      for (const { name, args } of verifyTargets(sampleRecord())) {
        const factory = await hre.ethers.getContractFactory(name);
        expect(() => factory.interface.encodeDeploy(args.constructorArguments), name).to.not.throw();
      }
    });

    it('rejects a record without an address or constructor arguments', () => {
      const noAddress = sampleRecord();
      noAddress.contracts.AccessGrants.address = '';
      expect(() => verifyTargets(noAddress)).to.throw(VerifySetupError, 'no address for AccessGrants');
      const noArguments = sampleRecord();
      (noArguments.contracts.DatasetRegistry as { constructorArguments?: unknown }).constructorArguments = undefined;
      expect(() => verifyTargets(noArguments)).to.throw(
        VerifySetupError,
        'no constructorArguments for DatasetRegistry',
      );
    });
  });

  describe('verifyDeployment', () => {
    it('runs verify:verify once per contract, in order, and goes on after a failure', async () => {
      const calls: [string, VerifySubtaskArgs][] = [];
      const outcomes = await verifyDeployment(
        sampleRecord(),
        async (task, args) => {
          calls.push([task, args]);
          if (args.address === REGISTRY) throw new Error('Fail - Unable to verify\nmore detail');
        },
        () => undefined,
      );
      expect(calls.map(([task, args]) => [task, args.contract])).to.deep.equal([
        ['verify:verify', CONTRACT_NAMES.DatasetRegistry],
        ['verify:verify', CONTRACT_NAMES.AccessGrants],
      ]);
      expect(outcomes).to.deep.equal([
        { name: 'DatasetRegistry', address: REGISTRY, ok: false, error: 'Fail - Unable to verify' },
        { name: 'AccessGrants', address: GRANTS, ok: true },
      ]);
    });
  });

  describe('checks before anything is sent', () => {
    it('refuses a network without an explorer, a record of another chain and a missing key', () => {
      const record = sampleRecord();
      const env = { CONFLUXSCAN_API_KEY: 'k' };
      expect(() => checkVerifySetup('localhost', 31337, record, env)).to.throw(/no block explorer/);
      expect(() => checkVerifySetup('confluxEspace', 1030, record, env)).to.throw(/record is for chain 71/);
      expect(() => checkVerifySetup('confluxEspaceTestnet', 71, record, {})).to.throw(
        /^CONFLUXSCAN_API_KEY is not set/,
      );
      expect(() => checkVerifySetup('confluxEspaceTestnet', 71, record, env)).to.not.throw();
    });

    it("refuses a deployment compiled otherwise than this checkout's compiler", () => {
      const current = hre.config.solidity.compilers[0];
      expect(() => checkCompilerMatches(sampleRecord(), current)).to.not.throw();
      const other = sampleRecord();
      other.compiler = { version: '0.8.29', settings: current.settings };
      expect(() => checkCompilerMatches(other, current)).to.throw(/compiled with solc 0\.8\.29/);
      other.compiler = { version: current.version, settings: { optimizer: { enabled: true, runs: 1000 } } };
      expect(() => checkCompilerMatches(other, current)).to.throw(/compiled with settings/);
    });
  });

  describe('npm run verify (scripts/verify.ts)', function () {
    this.timeout(120_000);
    let dir: string;
    let runs: Promise<{ code: number | null; stdout: string; stderr: string }>[];

    after(() => rmSync(dir, { recursive: true, force: true }));

    /** Runs the script as `npm run verify -- --network <network>` does, with a controlled environment. */
    async function runVerify(network: string, env: Record<string, string>) {
      const hardhat = require.resolve('hardhat/internal/cli/bootstrap');
      const child = spawn(
        process.execPath,
        [hardhat, 'run', '--no-compile', 'scripts/verify.ts', '--network', network],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ETHERSCAN_API_KEY: '',
            CONFLUXSCAN_API_KEY: '',
            CONFLUX_ESPACE_TESTNET_RPC_URL: '',
            GOVANCHOR_DEPLOYMENT: '',
            ...env,
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { code, stdout, stderr };
    }

    const cases: [string, string, Record<string, string>, RegExp][] = [
      ['a network without an explorer', 'hardhat', {}, /^verify failed: network "hardhat" has no block explorer/],
      [
        'a missing deployment record',
        'confluxEspaceTestnet',
        { GOVANCHOR_DEPLOYMENT: '/nonexistent/71.json' },
        /^verify failed: no deployment record at \/nonexistent\/71\.json: deploy first/,
      ],
      [
        'a missing API key',
        'confluxEspaceTestnet',
        { GOVANCHOR_DEPLOYMENT: '<dir>/71.json' },
        /^verify failed: CONFLUXSCAN_API_KEY is not set/,
      ],
      [
        'a missing RPC URL',
        'confluxEspaceTestnet',
        { GOVANCHOR_DEPLOYMENT: '<dir>/71.json', CONFLUXSCAN_API_KEY: 'k' },
        /^verify failed: CONFLUX_ESPACE_TESTNET_RPC_URL is not set/,
      ],
    ];

    // The runs start together: each is a Hardhat start-up of a few seconds.
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'govanchor-verify-'));
      writeFileSync(join(dir, '71.json'), JSON.stringify(sampleRecord(71)));
      runs = cases.map(([, network, env]) =>
        runVerify(network, Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('<dir>', dir)]))),
      );
      // Each test awaits its own run; keep an early failure from surfacing as an unhandled rejection.
      for (const run of runs) run.catch(() => undefined);
    });

    cases.forEach(([what, , , message], index) => {
      it(`stops with one line and exit code 2 on ${what}`, async () => {
        const { code, stderr } = await runs[index];
        expect(stderr.trim().split('\n'), stderr).to.have.length(1);
        expect(stderr.trim()).to.match(message);
        expect(code).to.equal(2);
      });
    });
  });
});
