import { expect } from 'chai';
import hre from 'hardhat';
import { Interface, zeroPadValue } from 'ethers';
import {
  CheckedContract,
  SourcifyChain,
  checkFiles,
  setLibSourcifyLogger,
  verifyDeployed,
  type Match,
} from '@ethereum-sourcify/lib-sourcify';
import type { DeploymentRecord } from '../../src/deploy/deploymentRecord';
import { CONTRACT_NAMES, type SuiteContractName } from '../../src/deploy/explorerVerification';
import { findStateVariableId, solcjsCompiler } from './helpers/solcjs';
import { deploySuiteOnNode, startHardhatNode, type LocalNode } from './helpers/localNode';

/** True under `hardhat coverage`, which deploys instrumented contracts from other artifacts. */
const UNDER_COVERAGE = Boolean(
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING,
);

/**
 * What Sourcify (and the Blockscout explorers that use it) checks, proven on a real `hardhat node`: the compiler
 * metadata and the sources of Hardhat's build, given to lib-sourcify, recompile to the deployed contract byte for
 * byte, metadata hash included (a "full" or "perfect" match), and the creation transaction is that code followed by
 * the recorded constructor arguments.
 */
describe('Sourcify full match on a local node', function () {
  this.timeout(300_000);
  let node: LocalNode | undefined;
  let record: DeploymentRecord;
  let chain: SourcifyChain;
  const warnings: string[] = [];

  before(async function () {
    if (UNDER_COVERAGE) this.skip();
    setLibSourcifyLogger({
      logLevel: 1,
      setLevel(level: number) {
        this.logLevel = level;
      },
      log(level: number, message: string, metadata?: unknown) {
        if (level <= 1) warnings.push(`${message} ${JSON.stringify(metadata ?? {})}`);
      },
    });
    node = await startHardhatNode();
    record = await deploySuiteOnNode(node);
    chain = new SourcifyChain({ name: 'hardhat node', chainId: record.chainId, rpc: [node.url], supported: true });
  });

  after(async () => {
    await node?.stop();
  });

  /** lib-sourcify's contract built from the metadata and the sources, as a user would upload them to Sourcify. */
  async function checkedContract(name: SuiteContractName): Promise<CheckedContract> {
    const fqn = CONTRACT_NAMES[name];
    const buildInfo = await hre.artifacts.getBuildInfo(fqn);
    if (!buildInfo) throw new Error(`no build info for ${fqn}`);
    const [sourceName] = fqn.split(':');
    const { metadata } = buildInfo.output.contracts[sourceName][name] as unknown as { metadata: string };
    const files = [
      { path: 'metadata.json', buffer: Buffer.from(metadata) },
      ...Object.entries(buildInfo.input.sources).map(([path, source]) => ({
        path,
        buffer: Buffer.from(source.content),
      })),
    ];
    const contracts = await checkFiles(solcjsCompiler, files);
    expect(contracts, 'one contract per metadata file').to.have.length(1);
    return contracts[0];
  }

  const verified = new Map<SuiteContractName, Promise<{ match: Match; contract: CheckedContract }>>();

  /** lib-sourcify's verdict on the deployed contract, computed once per contract. */
  function verify(name: SuiteContractName): Promise<{ match: Match; contract: CheckedContract }> {
    if (!verified.has(name)) {
      verified.set(
        name,
        (async () => {
          const contract = await checkedContract(name);
          const deployed = record.contracts[name];
          const match = await verifyDeployed(contract, chain, deployed.address, deployed.transactionHash);
          return { match, contract };
        })(),
      );
    }
    return verified.get(name)!;
  }

  for (const name of Object.keys(CONTRACT_NAMES) as SuiteContractName[]) {
    describe(name, () => {
      let match: Match;
      let contract: CheckedContract;

      before(async function () {
        if (UNDER_COVERAGE) this.skip();
        ({ match, contract } = await verify(name));
      });

      it('has every source its metadata names, with the hash the metadata records', () => {
        expect(contract.name).to.equal(name);
        expect(contract.missing, 'missing sources').to.deep.equal({});
        expect(contract.invalid, 'sources whose keccak256 differs from the metadata').to.deep.equal({});
        expect(CheckedContract.isValid(contract)).to.equal(true);
      });

      it('is a perfect runtime match: the deployed code, metadata hash included', () => {
        expect(match.runtimeMatch, `${match.message ?? ''}\n${warnings.join('\n')}`).to.equal('perfect');
        expect(match.runtimeTransformationValues?.cborAuxdata, 'no metadata hash was patched').to.equal(undefined);
      });

      it('is a perfect creation match: the creation transaction of the deployment record', () => {
        expect(match.creationMatch, `${match.message ?? ''}\n${warnings.join('\n')}`).to.equal('perfect');
        expect(match.creatorTxHash).to.equal(record.contracts[name].transactionHash);
        expect(match.blockNumber).to.equal(record.contracts[name].blockNumber);
        expect(match.deployer).to.equal(record.deployer);
      });

      it("decodes the recorded constructor arguments from the creation transaction's tail", async () => {
        const artifact = await hre.artifacts.readArtifact(CONTRACT_NAMES[name]);
        const encoded = new Interface(artifact.abi).encodeDeploy(record.contracts[name].constructorArguments);
        expect(match.abiEncodedConstructorArguments).to.equal(encoded);
        expect(match.creationTransformationValues?.constructorArguments).to.equal(encoded);
      });

      if (name === 'AccessGrants') {
        it("sets the immutable REGISTRY to the registry's address", async () => {
          // Where REGISTRY sits in the runtime code, from Hardhat's build (AST ids differ between compilations).
          const buildInfo = (await hre.artifacts.getBuildInfo(CONTRACT_NAMES.AccessGrants))!;
          const id = findStateVariableId(buildInfo.output.sources['contracts/AccessGrants.sol'].ast, 'REGISTRY');
          const output = buildInfo.output.contracts['contracts/AccessGrants.sol'].AccessGrants as unknown as {
            evm: { deployedBytecode: { immutableReferences: Record<string, { start: number }[]> } };
          };
          const starts = output.evm.deployedBytecode.immutableReferences[String(id)].map((ref) => ref.start);
          const registry = zeroPadValue(record.contracts.DatasetRegistry.address, 32).toLowerCase();
          for (const start of starts) {
            const transformation = match.runtimeTransformations?.find(
              (t) => t.reason === 'immutable' && t.offset === start,
            );
            expect(transformation, `an immutable at byte ${start}`).to.not.equal(undefined);
            expect(match.runtimeTransformationValues?.immutables?.[transformation!.id!]).to.equal(registry);
          }
        });
      }
    });
  }
});
