import { expect } from 'chai';
import hre from 'hardhat';

interface AbiParam {
  name: string;
  type: string;
  indexed?: boolean;
  components?: AbiParam[];
}
interface AbiItem {
  type: string;
  name?: string;
  stateMutability?: string;
  inputs?: AbiParam[];
  outputs?: AbiParam[];
}

/** Types a person can paste into an explorer's Read Contract form: a hash, an id, a key or code, an address. */
const PLAIN_INPUT = /^(bytes32|bytes12|string|uint32|uint64|uint256|address|bytes32\[\])$/;

/** The reads a reviewer uses (docs/reviewers.md), per contract. */
const REVIEWER_READS: Record<string, string[]> = {
  DatasetRegistry: [
    'lookup',
    'getAnchor',
    'getDataset',
    'datasetIdOf',
    'isFileInTree',
    'getAgency',
    'agencyIdOf',
    'agencyStatus',
    'agencyCount',
    'operatorAgency',
    'operatorsOf',
    'nonceUsed',
  ],
  AccessGrants: ['REGISTRY', 'hasAccess', 'currentGrantId', 'getGrant', 'getRequest', 'counts'],
};

/** The indexed fields of each event: what an explorer's Events tab and eth_getLogs filter on. */
const INDEXED: Record<string, Record<string, string[]>> = {
  DatasetRegistry: {
    Anchored: ['contentHash', 'datasetId', 'agencyId'],
    AnchorWithdrawn: ['contentHash', 'datasetId', 'agencyId'],
    DatasetCreated: ['datasetId', 'agencyId'],
    AgencyRegistered: ['agencyId', 'admin'],
    AgencyStatusChanged: ['agencyId', 'registrar'],
    AgencyMetadataUpdated: ['agencyId'],
    OperatorAdded: ['agencyId', 'operator', 'admin'],
    OperatorRemoved: ['agencyId', 'operator', 'admin'],
    SignedActionRelayed: ['signer', 'agencyId', 'relayer'],
  },
  AccessGrants: {
    AccessRequested: ['requestId', 'datasetId', 'requesterAgencyId'],
    AccessRequestDenied: ['requestId', 'datasetId', 'requesterAgencyId'],
    AccessRequestCancelled: ['requestId', 'datasetId', 'requesterAgencyId'],
    AccessGranted: ['grantId', 'datasetId', 'granteeAgencyId'],
    AccessRevoked: ['grantId', 'datasetId', 'granteeAgencyId'],
    AccessGrantSuperseded: ['grantId', 'newGrantId'],
    SignedActionRelayed: ['signer', 'agencyId', 'relayer'],
  },
};

async function abiOf(contract: string): Promise<AbiItem[]> {
  return (await hre.artifacts.readArtifact(contract)).abi as AbiItem[];
}

function unnamed(params: AbiParam[], path: string): string[] {
  return params.flatMap((p, i) => [
    ...(p.name ? [] : [`${path}[${i}]`]),
    ...(p.components ? unnamed(p.components, `${path}.${p.name || i}`) : []),
  ]);
}

describe('Reviewer-facing reads and events in the ABIs', () => {
  for (const [contract, reads] of Object.entries(REVIEWER_READS)) {
    describe(contract, () => {
      for (const name of reads) {
        it(`${name}: a view that takes plain values and returns named fields`, async () => {
          const fn = (await abiOf(contract)).find((item) => item.type === 'function' && item.name === name);
          expect(fn, `${contract}.${name}`).to.not.equal(undefined);
          expect(fn!.stateMutability).to.be.oneOf(['view', 'pure']);
          for (const input of fn!.inputs ?? []) expect(input.type, `${name}(${input.name})`).to.match(PLAIN_INPUT);
          // A single plain value (a bool, an id) needs no name; several outputs and a struct's fields do.
          const outputs = fn!.outputs ?? [];
          if (outputs.length > 1) expect(unnamed(outputs, name), 'unnamed outputs').to.deep.equal([]);
          for (const output of outputs.filter((o) => o.components)) {
            expect(unnamed(output.components!, name), 'unnamed struct fields').to.deep.equal([]);
          }
        });
      }
    });
  }

  it('lookup returns the fields docs/reviewers.md lists, in that order', async () => {
    const fn = (await abiOf('DatasetRegistry')).find((item) => item.name === 'lookup')!;
    expect(fn.inputs!.map((i) => `${i.type} ${i.name}`)).to.deep.equal(['bytes32 contentHash']);
    expect(fn.outputs![0].components!.map((c) => `${c.name}:${c.type}`)).to.deep.equal([
      'anchored:bool',
      'withdrawn:bool',
      'datasetId:bytes12',
      'version:uint32',
      'kind:uint8',
      'fileCount:uint32',
      'anchoredAt:uint40',
      'agencyId:uint32',
      'agencyCode:string',
      'agencyName:string',
      'agencyStatus:uint8',
    ]);
  });

  it('isFileInTree takes what a receipt holds: root, path, sha256, proof', async () => {
    const fn = (await abiOf('DatasetRegistry')).find((item) => item.name === 'isFileInTree')!;
    expect(fn.inputs!.map((i) => `${i.type} ${i.name}`)).to.deep.equal([
      'bytes32 root',
      'string path',
      'bytes32 fileHash',
      'bytes32[] proof',
    ]);
  });

  for (const [contract, events] of Object.entries(INDEXED)) {
    for (const [event, indexed] of Object.entries(events)) {
      it(`${contract}.${event} indexes ${indexed.join(', ')}`, async () => {
        const item = (await abiOf(contract)).find((i) => i.type === 'event' && i.name === event);
        expect(item, `${contract}.${event}`).to.not.equal(undefined);
        expect(item!.inputs!.filter((i) => i.indexed).map((i) => i.name)).to.deep.equal(indexed);
      });
    }
  }
});
