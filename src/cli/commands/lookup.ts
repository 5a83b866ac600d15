import { Command } from 'commander';
import { verifyFile } from '../../client/verifyFile';
import { parseDigest } from '../../core/identifiers';
import { action, openClient, withChainOptions } from '../context';
import { emitReport } from './verify';

/** `govanchor lookup <sha256>`: look a hash up (paste `sha256sum` output or a tree root). */
export const lookup = withChainOptions(
  new Command('lookup')
    .description('look up a SHA-256 (as sha256sum prints it) or a tree root: where and by whom it is anchored')
    .argument('<hash>', '64 hex digits, with or without 0x'),
).action(
  action<[string]>(async (hash, options) => {
    const digest = parseDigest(hash);
    const client = await openClient(options);
    return emitReport(options, await verifyFile(client, { path: digest, sha256: digest }));
  }),
);
