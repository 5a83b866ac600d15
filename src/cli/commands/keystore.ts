import { Command } from 'commander';
import { Wallet } from 'ethers';
import { ConfigError } from '../../core/errors';
import { keystoreAddress, loadSigner, promptHidden, writeKeystore } from '../../node/signer';
import { action, withOutputOptions } from '../context';
import { emit } from '../output';

/** The new keystore's password: GOVANCHOR_KEYSTORE_PASSWORD, or asked twice on the terminal. */
async function newPassword(): Promise<string> {
  const fromEnv = process.env.GOVANCHOR_KEYSTORE_PASSWORD;
  if (fromEnv !== undefined) {
    if (fromEnv.length < 8)
      throw new ConfigError('GOVANCHOR_KEYSTORE_PASSWORD is too short: use at least 8 characters');
    return fromEnv;
  }
  if (!process.stdin.isTTY) throw new ConfigError('no terminal to ask for a password: set GOVANCHOR_KEYSTORE_PASSWORD');
  const first = await promptHidden('New keystore password: ');
  if (first.length < 8) throw new ConfigError('the password is too short: use at least 8 characters');
  if ((await promptHidden('Repeat the password: ')) !== first) throw new ConfigError('the passwords differ');
  return first;
}

const create = withOutputOptions(
  new Command('new')
    .description('create a new account in an encrypted JSON keystore')
    .argument('<file>', 'the keystore file to create'),
).action(
  action<[string]>(async (file, options) => {
    const password = await newPassword();
    const wallet = Wallet.createRandom();
    await writeKeystore(file, wallet, password);
    emit(options, { file, address: wallet.address }, () => [
      `created ${file} for account ${wallet.address}`,
      'keep the file and its password safe: whoever has both can act as this account',
    ]);
  }),
);

const importKey = withOutputOptions(
  new Command('import')
    .description('encrypt the key in GOVANCHOR_PRIVATE_KEY (environment or .env) into a keystore file')
    .argument('<file>', 'the keystore file to create'),
).action(
  action<[string]>(async (file, options) => {
    const wallet = await loadSigner({});
    if (!wallet) throw new ConfigError('GOVANCHOR_PRIVATE_KEY is not set: nothing to import');
    const password = await newPassword();
    await writeKeystore(file, wallet, password);
    emit(options, { file, address: wallet.address }, () => [
      `wrote ${file} for account ${wallet.address}; you can now remove GOVANCHOR_PRIVATE_KEY and use --keystore ${file}`,
    ]);
  }),
);

const address = withOutputOptions(
  new Command('address')
    .description('print the account of a keystore (no password needed)')
    .argument('<file>', 'the keystore file'),
).action(
  action<[string]>(async (file, options) => {
    const account = await keystoreAddress(file);
    emit(options, { file, address: account }, () => [account]);
  }),
);

/** `govanchor keystore new|import|address`: encrypted key files for --keystore. */
export const keystore = new Command('keystore')
  .description('create and inspect encrypted JSON keystores (for --keystore)')
  .addCommand(create)
  .addCommand(importKey)
  .addCommand(address);
