import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors';
import { parseManifest, type Manifest } from '../core/manifest';
import { fsError } from './hashPath';

/** A manifest with its paths resolved against the manifest's directory. */
export interface LoadedManifest extends Manifest {
  /** The manifest's directory. */
  baseDir: string;
}

/**
 * Reads a manifest file and resolves its paths.
 * @throws InputError if it is missing, not JSON or malformed.
 */
export async function readManifest(path: string): Promise<LoadedManifest> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw fsError(path, error);
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`manifest ${path} is not JSON (${(error as Error).message})`);
  }
  const manifest = parseManifest(value, `manifest ${path}`);
  const baseDir = dirname(resolve(path));
  return { ...manifest, baseDir };
}
