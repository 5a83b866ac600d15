import { Command } from 'commander';
import { toSha256sumHex } from '../../core/hash';
import { hashPath, type HashPathReturnType } from '../../node/hashPath';
import { action, withOutputOptions, type CommonOptions } from '../context';
import { emit, warn } from '../output';
import { progressBar } from '../progress';

/** Hashes a path with progress bars (bytes for a file, files for a directory). Shared by hash, anchor and verify. */
export async function hashWithProgress(path: string, options: CommonOptions): Promise<HashPathReturnType> {
  const bytes = progressBar(options, 'hashing', 'bytes');
  const files = progressBar(options, 'hashing', 'files');
  try {
    const result = await hashPath(path, {
      onBytes: (d, t) => bytes.update(d, t),
      onFiles: (d, t) => files.update(d, t),
    });
    if (result.kind === 'tree' && result.skipped.length > 0) {
      warn(
        `skipped ${result.skipped.length} entries that are not regular files (e.g. symbolic links): ${result.skipped.slice(0, 3).join(', ')}${result.skipped.length > 3 ? ', ...' : ''}`,
      );
    }
    return result;
  } finally {
    bytes.stop();
    files.stop();
  }
}

/** `govanchor hash <path>`: SHA-256 of a file, or every file's SHA-256 and the root of a directory. */
export const hash = withOutputOptions(
  new Command('hash')
    .description("print a file's SHA-256 (as sha256sum does), or a directory's files, their SHA-256 and the tree root")
    .argument('<path>', 'a file or a directory'),
).action(
  action<[string]>(async (path, options) => {
    const result = await hashWithProgress(path, options);
    if (result.kind === 'file') {
      const sha256 = toSha256sumHex(result.sha256);
      emit(options, { kind: 'file', path, sha256, size: result.size }, () => [`${sha256}  ${path}`]);
      return;
    }
    const files = result.files.map((f) => ({ path: f.path, sha256: toSha256sumHex(f.sha256) }));
    emit(
      options,
      { kind: 'tree', path, root: result.root, fileCount: files.length, files, skipped: result.skipped },
      () => [...files.map((f) => `${f.sha256}  ${f.path}`), `root ${result.root}  (${files.length} files)`],
    );
  }),
);
