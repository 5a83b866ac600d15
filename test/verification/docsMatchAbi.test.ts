import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import hre from 'hardhat';
import { id } from 'ethers';
import { EXPLORERS } from '../../src/core/explorer';
import { datasetIdOf } from '../../src/core/identifiers';
import { parseReceipt } from '../../src/core/receipt';
import { verifyFileProof } from '../../src/core/tree';
import { hashDirectory } from '../../src/node/hashDirectory';
import { hashFile } from '../../src/node/hashFile';

const ROOT = join(__dirname, '..', '..');
const DOCS = join(ROOT, 'docs');
const SAMPLE = join(ROOT, 'data', 'sample');

interface AbiItem {
  type: string;
  name?: string;
  inputs?: { type: string; name: string; indexed?: boolean }[];
}

/** `Name(type1,type2)` of an ABI error or event. */
function signature(item: AbiItem): string {
  return `${item.name}(${(item.inputs ?? []).map((input) => input.type).join(',')})`;
}

/** The errors or events of both contracts' ABIs, by signature. */
async function abiItems(type: 'error' | 'event'): Promise<Map<string, AbiItem>> {
  const items = new Map<string, AbiItem>();
  for (const contract of ['DatasetRegistry', 'AccessGrants']) {
    for (const item of (await hre.artifacts.readArtifact(contract)).abi as AbiItem[]) {
      if (item.type === type) items.set(signature(item), item);
    }
  }
  return items;
}

/** docs/errors.md's sections: heading `### \`Name(type name, ...)\`` → the text up to the next heading. */
function documentedErrors(): Map<string, string> {
  const sections = new Map<string, string>();
  const text = readFileSync(join(DOCS, 'errors.md'), 'utf8');
  const parts = text.split(/^(?=#{2,3} )/m);
  for (const part of parts) {
    const heading = /^### `(\w+)\(([^)]*)\)`\s*$/m.exec(part.split('\n')[0]);
    if (!heading) continue;
    const types = heading[2] === '' ? [] : heading[2].split(',').map((param) => param.trim().split(/\s+/)[0]);
    sections.set(`${heading[1]}(${types.join(',')})`, part);
  }
  return sections;
}

describe('Documentation that must match the ABIs', () => {
  describe('docs/errors.md', () => {
    it('documents every custom error of both contracts with its selector, why it fires and how to fix it', async () => {
      const documented = documentedErrors();
      const problems: string[] = [];
      for (const sig of (await abiItems('error')).keys()) {
        const section = documented.get(sig);
        if (!section) {
          problems.push(`${sig} is not documented (add a "### \`${sig}\`" section)`);
          continue;
        }
        const selector = id(sig).slice(0, 10);
        if (!section.includes(`Selector \`${selector}\``)) problems.push(`${sig}: selector ${selector} missing`);
        if (!section.includes('**Why:**')) problems.push(`${sig}: no **Why:**`);
        if (!section.includes('**How to fix:**')) problems.push(`${sig}: no **How to fix:**`);
      }
      expect(problems).to.deep.equal([]);
    });

    it('documents no error the contracts do not have', async () => {
      const errors = await abiItems('error');
      const stale = [...documentedErrors().keys()].filter((sig) => !errors.has(sig));
      expect(stale).to.deep.equal([]);
    });
  });

  describe('docs/reviewers.md', () => {
    it('quotes the topic 0 of each event it names correctly', async () => {
      const events = await abiItems('event');
      const text = readFileSync(join(DOCS, 'reviewers.md'), 'utf8');
      const rows = [...text.matchAll(/^\|\s*`(\w+)`\s*\|\s*`(0x[0-9a-f]{64})`\s*\|/gm)];
      expect(rows.length, 'rows of the topic table').to.be.greaterThan(3);
      for (const [, name, topic] of rows) {
        const event = [...events.values()].find((item) => item.name === name);
        expect(event, name).to.not.equal(undefined);
        expect(topic, name).to.equal(id(signature(event!)));
      }
    });

    it("lists lookup's fields in the order of the ABI", async () => {
      const text = readFileSync(join(DOCS, 'reviewers.md'), 'utf8');
      const listed = [...text.matchAll(/^\|\s*(\d+)\s*\|\s*`(\w+)`\s*\|/gm)].map(([, , name]) => name);
      const lookup = ((await hre.artifacts.readArtifact('DatasetRegistry')).abi as AbiItem[]).find(
        (item) => item.name === 'lookup',
      ) as unknown as { outputs: { components: { name: string }[] }[] };
      expect(listed).to.deep.equal(lookup.outputs[0].components.map((c) => c.name));
    });

    it('names the explorers of src/core/explorer', () => {
      const text = readFileSync(join(DOCS, 'reviewers.md'), 'utf8');
      for (const chainId of [11155111, 71, 1030]) {
        expect(text, `chain ${chainId}`).to.match(
          new RegExp(`\\|\\s*${chainId}\\s*\\|[^|]*${EXPLORERS[chainId].url}\\s*\\|`),
        );
      }
    });

    it("shows the sample file's real SHA-256, dataset id and topic padding", async () => {
      const text = readFileSync(join(DOCS, 'reviewers.md'), 'utf8');
      const census = await hashFile(join(SAMPLE, 'census-summary-2020.csv'));
      expect(text).to.include(`${census.slice(2)}  census-summary-2020.csv`);
      const censusId = datasetIdOf('hunan.stats/census-summary-2020');
      expect(text).to.include(`\`${censusId}\` for \`hunan.stats/census-summary-2020\``);
      expect(text).to.include(`\`${censusId}${'0'.repeat(40)}\``);
    });

    it('shows a valid govanchor-receipt/1 of a sample file, whose proof leads to the sample tree', async () => {
      const text = readFileSync(join(DOCS, 'reviewers.md'), 'utf8');
      const json = /```json\n([\s\S]*?)\n```/.exec(text)![1];
      const receipt = parseReceipt(JSON.parse(json), 'the receipt of docs/reviewers.md');
      const { tree } = await hashDirectory(join(SAMPLE, 'economy-2024'));
      expect(receipt.anchor.contentHash).to.equal(tree.root);
      expect(receipt.file.sha256).to.equal(await hashFile(join(SAMPLE, 'economy-2024', receipt.file.path)));
      expect(verifyFileProof(tree.root, receipt.file.path, receipt.file.sha256, receipt.proof.siblings)).to.equal(true);
      expect(text).to.include(`\`[${receipt.proof.siblings.map((h) => `"${h}"`).join(',')}]\``);
    });

    it('quotes the signature and indexed fields of Anchored as the ABI has them', async () => {
      const text = readFileSync(join(DOCS, 'reviewers.md'), 'utf8');
      const anchored = [...(await abiItems('event')).values()].find((item) => item.name === 'Anchored')!;
      expect(text).to.include(signature(anchored));
      const indexed = anchored.inputs!.filter((input) => input.indexed).map((input) => input.name);
      expect(indexed).to.deep.equal(['contentHash', 'datasetId', 'agencyId']);
    });
  });
});
