/**
 * The signing key: `GOVANCHOR_PRIVATE_KEY` (environment or `.env`) or an encrypted JSON keystore (`--keystore`) with
 * its password from `GOVANCHOR_KEYSTORE_PASSWORD` or a prompt. Never a key on the command line; keys and passwords
 * appear in no message.
 */
import { open, readFile } from 'node:fs/promises';
import { encryptKeystoreJson, getAddress, Wallet, type HDNodeWallet } from 'ethers';
import { ConfigError } from '../core/errors';
import { fsError } from './hashPath';

export interface LoadSignerParameters {
  /** An encrypted JSON keystore file (`--keystore`). */
  keystore?: string;
  env?: NodeJS.ProcessEnv;
  /** Asks for the keystore password when the environment has none (only on a terminal). */
  promptPassword?: (question: string) => Promise<string>;
}

const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

/**
 * Loads the signer, or undefined if no key is configured (read-only commands need none).
 * @throws ConfigError for a malformed key, a missing or unreadable keystore, a missing or wrong password.
 */
export async function loadSigner({ keystore, env = process.env, promptPassword }: LoadSignerParameters = {}): Promise<
  Wallet | HDNodeWallet | undefined
> {
  if (keystore) {
    const json = await readFile(keystore, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError(`--keystore ${fsError(keystore, error).message}`);
    });
    let password = env.GOVANCHOR_KEYSTORE_PASSWORD;
    if (password === undefined) {
      if (!promptPassword) {
        throw new ConfigError(
          `keystore ${keystore} needs a password: set GOVANCHOR_KEYSTORE_PASSWORD or run on a terminal to be asked`,
        );
      }
      password = await promptPassword(`Password for keystore ${keystore}: `);
    }
    try {
      return await Wallet.fromEncryptedJson(json, password);
    } catch (error) {
      const message = (error as Error).message ?? '';
      if (/incorrect password|invalid password/i.test(message)) {
        throw new ConfigError(`wrong password for keystore ${keystore}: check GOVANCHOR_KEYSTORE_PASSWORD`);
      }
      throw new ConfigError(`${keystore} is not an encrypted JSON keystore (${message.split(' (')[0]})`);
    }
  }
  const key = env.GOVANCHOR_PRIVATE_KEY?.trim();
  if (!key) return undefined;
  if (!PRIVATE_KEY.test(key)) {
    throw new ConfigError('GOVANCHOR_PRIVATE_KEY is not a private key: expected 64 hex digits, optionally with 0x');
  }
  return new Wallet(key.startsWith('0x') ? key : `0x${key}`);
}

/** Reads a line from the terminal without echoing it (for passwords). Writes the question to stderr. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    if (!stdin.isTTY) {
      reject(new ConfigError('no terminal to ask for the keystore password: set GOVANCHOR_KEYSTORE_PASSWORD'));
      return;
    }
    process.stderr.write(question);
    let input = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          done();
          resolve(input);
          return;
        }
        if (char === '\u0003') {
          done();
          reject(new ConfigError('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') input = input.slice(0, -1);
        else input += char;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/**
 * Writes `wallet` as an encrypted JSON keystore (scrypt, as ethers and geth write them), readable by its owner only.
 * Refuses to overwrite a file.
 * @throws ConfigError if the file exists or cannot be written.
 */
export async function writeKeystore(path: string, wallet: Wallet | HDNodeWallet, password: string): Promise<void> {
  const json = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password);
  const handle = await open(path, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST')
      throw new ConfigError(`${path} exists already: choose another file (keystores are never overwritten)`);
    throw new ConfigError(fsError(path, error).message);
  });
  try {
    await handle.writeFile(json);
  } finally {
    await handle.close();
  }
}

/** The address a keystore file is for, read without its password. @throws ConfigError. */
export async function keystoreAddress(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(fsError(path, error).message);
  });
  try {
    const address = (JSON.parse(text) as { address?: string }).address;
    if (typeof address !== 'string' || !/^(0x)?[0-9a-fA-F]{40}$/.test(address)) throw new Error('no address');
    return getAddress(address.startsWith('0x') ? address : `0x${address}`);
  } catch {
    throw new ConfigError(`${path} is not an encrypted JSON keystore with an address`);
  }
}
