/**
 * Looking up many content hashes at once. One `eth_call` per item costs the node a request each (about 0.6 ms on a
 * local hardhat node, 6 s for 10,000 items); instead, a small piece of EVM code run as a contract creation inside
 * `eth_call` (nothing is deployed, no transaction is sent, no contract function is added) calls the registry's
 * `lookup(bytes32)` for up to {@link LOOKUP_CHUNK} hashes and returns only whether each is anchored. The few hashes
 * that are anchored are then looked up one by one for their full facts. A node that refuses such a call (some
 * endpoints cap or forbid creation in `eth_call`) gets the plain one-call-per-item look-ups.
 */
import { isError, type ParamType } from 'ethers';
import { toDigest } from '../core/hash';
import { eachLimited } from '../core/eachLimited';
import type { AnchorFacts } from '../core/verdict';
import type { GovanchorClient } from './connection';
import { toGovanchorError } from './errors';
import { lookupAnchor } from './lookupAnchor';

/** Hashes per `eth_call`: 256 `lookup` calls of anchored content stay under 8 M gas and the answer under 8 KiB. */
export const LOOKUP_CHUNK = 256;
/**
 * `eth_call`s in flight at once: one. A hardhat node runs the calls of one JSON-RPC batch side by side, and 10,000
 * hashes took 1.0 s one call after another, 1.3-1.5 s two at a time and 2.1 s four at a time.
 */
const CALLS_IN_FLIGHT = 1;
/** Single `lookup` calls in flight at once (ethers sends those made in the same tick as one JSON-RPC batch). */
const LOOKUPS_IN_FLIGHT = 32;

const OPCODES: Record<string, number> = {
  ADD: 0x01,
  SUB: 0x03,
  LT: 0x10,
  ISZERO: 0x15,
  CODESIZE: 0x38,
  CODECOPY: 0x39,
  RETURNDATACOPY: 0x3e,
  POP: 0x50,
  MLOAD: 0x51,
  MSTORE: 0x52,
  JUMP: 0x56,
  JUMPI: 0x57,
  GAS: 0x5a,
  JUMPDEST: 0x5b,
  PUSH1: 0x60,
  PUSH2: 0x61,
  DUP1: 0x80,
  DUP2: 0x81,
  DUP3: 0x82,
  DUP5: 0x84,
  SWAP1: 0x90,
  RETURN: 0xf3,
  STATICCALL: 0xfa,
  REVERT: 0xfd,
};

/**
 * The creation code, followed by its arguments as 32-byte words: the target contract, the selector (left-aligned),
 * the offset of the wanted word in each answer, then one argument per call. For each argument it makes a
 * `STATICCALL` of `selector ‖ argument` to the target and keeps the answer's word at that offset (a call that fails,
 * or an answer too short, fails the whole call); it returns those words, one per argument, in order.
 * Memory: [0, L) the arguments as copied from the code (each argument word is replaced by its result), [L, L+36) the
 * call's input. The comments show the stack, bottom first, after each line.
 */
const PROGRAM = [
  'PUSH2 @end CODESIZE SUB', // [L]: the arguments' length
  'DUP1 PUSH2 @end PUSH1 0x00 CODECOPY', // mem[0, L) = the arguments
  'PUSH1 0x20 MLOAD DUP2 MSTORE', // mem[L, L+4) = the selector
  'PUSH1 0x60', // [L, i]: i = the first argument's word
  'loop:',
  'DUP2 DUP2 LT ISZERO PUSH2 done JUMPI', // until i = L
  'DUP1 MLOAD DUP3 PUSH1 0x04 ADD MSTORE', // mem[L+4, L+36) = argument i
  'PUSH1 0x00 DUP1 PUSH1 0x24 DUP5 PUSH1 0x00 MLOAD GAS STATICCALL', // [L, i, ok]: target.call(mem[L, L+36))
  'ISZERO PUSH2 fail JUMPI', // [L, i]
  'PUSH1 0x20 PUSH1 0x40 MLOAD DUP3 RETURNDATACOPY', // mem[i, i+32) = answer[offset, offset+32)
  'PUSH1 0x20 ADD PUSH2 loop JUMP', // [L, i+32]
  'done:',
  'POP PUSH1 0x60 SWAP1 SUB PUSH1 0x60 RETURN', // return mem[96, L)
  'fail:',
  'PUSH1 0x00 DUP1 REVERT',
];

/** Assembles {@link PROGRAM}: `name:` marks a jump destination, `@end` is the code's length. */
function assemble(program: string[]): string {
  const tokens = program.flatMap((line) => line.split(' '));
  const labels = new Map<string, number>();
  let size = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].endsWith(':')) labels.set(tokens[i].slice(0, -1), size);
    size += tokens[i] === 'PUSH1' ? 2 : tokens[i] === 'PUSH2' ? 3 : 1;
    if (tokens[i].startsWith('PUSH')) i++;
  }
  const bytes: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.endsWith(':')) {
      bytes.push(OPCODES.JUMPDEST);
      continue;
    }
    if (!(token in OPCODES)) throw new Error(`unknown opcode ${token}`);
    bytes.push(OPCODES[token]);
    if (!token.startsWith('PUSH')) continue;
    const argument = tokens[++i];
    const value = argument === '@end' ? size : labels.has(argument) ? labels.get(argument)! : Number(argument);
    if (token === 'PUSH2') bytes.push(value >> 8);
    bytes.push(value & 0xff);
  }
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

let creationCode: string | undefined;

/** The creation code of the read (assembled once). */
export function eachCallCode(): string {
  creationCode ??= assemble(PROGRAM);
  return creationCode;
}

const word = (hex: string) => hex.replace(/^0x/, '').padStart(64, '0');

/**
 * Where `anchored` sits in `lookup`'s answer: the answer is one struct, with a leading offset word if the struct has
 * dynamic fields (strings); every field before `anchored` must be one static word.
 * @returns The byte offset, or undefined if the layout is not that simple (then look-ups are made one by one).
 */
function anchoredOffset(client: GovanchorClient): number | undefined {
  const fragment = client.registry.interface.getFunction('lookup');
  const info = fragment?.outputs[0];
  if (!info || info.baseType !== 'tuple' || !info.components) return undefined;
  const isDynamic = (type: ParamType): boolean =>
    type.baseType === 'string' ||
    type.baseType === 'bytes' ||
    (type.baseType === 'array' && (type.arrayLength === -1 || isDynamic(type.arrayChildren!))) ||
    (type.baseType === 'tuple' && type.components!.some(isDynamic));
  const index = info.components.findIndex((c) => c.name === 'anchored');
  if (index < 0 || info.components[index].baseType !== 'bool') return undefined;
  if (info.components.slice(0, index).some((c) => c.baseType === 'tuple' || c.baseType === 'array')) return undefined;
  return (isDynamic(info) ? 32 : 0) + 32 * index;
}

/**
 * Whether each of `hashes` is anchored, from one `eth_call` (see the module comment).
 * @returns One flag per hash, or undefined if the node refused or answered something unexpected.
 * @throws NetworkError if the node cannot be reached or does not answer in time.
 */
async function anchoredFlags(
  client: GovanchorClient,
  hashes: string[],
  offset: number,
): Promise<boolean[] | undefined> {
  const selector = client.registry.interface.getFunction('lookup')!.selector;
  const data =
    '0x' +
    eachCallCode() +
    word(client.suite.datasetRegistry) +
    selector.slice(2).padEnd(64, '0') +
    word(offset.toString(16)) +
    hashes.map(word).join('');
  let answer: string;
  try {
    answer = await client.provider.call({ data });
  } catch (error) {
    // A silent node would keep each single look-up waiting as long again: report it now. Anything else (the node
    // refuses creation in eth_call, caps its gas or answer size, the registry is missing, the node is unreachable)
    // falls back to single look-ups, which then report the problem as they always did.
    if (isError(error, 'TIMEOUT'))
      throw toGovanchorError(error, `look up ${hashes.length} content hashes`, client.rpcUrl);
    return undefined;
  }
  if (!/^0x[0-9a-fA-F]*$/.test(answer) || answer.length !== 2 + 64 * hashes.length) return undefined;
  const flags: boolean[] = [];
  for (let i = 0; i < hashes.length; i++) {
    const value = BigInt('0x' + answer.slice(2 + 64 * i, 2 + 64 * (i + 1)));
    if (value > 1n) return undefined; // not a bool: the layout is not what the ABI says
    flags.push(value === 1n);
  }
  return flags;
}

export interface LookupAnchorsParameters {
  /** Files' SHA-256 or trees' roots (0x-prefixed or bare hex). */
  contentHashes: string[];
  /** Called with the number of hashes checked so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * {@link lookupAnchor} for many content hashes: a few `eth_call`s say which are anchored, then only those are
 * looked up in full.
 * @param client A connected client.
 * @param parameters The hashes.
 * @returns The facts of each hash, in order (`anchored: false` for a hash never anchored).
 * @throws NetworkError if the node cannot be reached.
 * @example
 * const facts = await lookupAnchors(client, { contentHashes: [hashA, hashB] });
 */
export async function lookupAnchors(
  client: GovanchorClient,
  { contentHashes, onProgress }: LookupAnchorsParameters,
): Promise<AnchorFacts[]> {
  const hashes = contentHashes.map((hash) => toDigest(hash));
  const facts: AnchorFacts[] = new Array(hashes.length);
  const chunks: number[] = [];
  for (let start = 0; start < hashes.length; start += LOOKUP_CHUNK) chunks.push(start);
  const offset = anchoredOffset(client);
  let done = 0;
  // Items whose flag came back true, or whose chunk could not be read at once: looked up one by one.
  const single: number[] = [];
  const notAnchored = (): AnchorFacts => ({
    anchored: false,
    withdrawn: false,
    datasetId: '0x' + '00'.repeat(12),
    version: 0,
    kind: 'none',
    fileCount: 0,
    anchoredAt: 0,
    agencyId: 0,
    agencyCode: '',
    agencyName: '',
    agencyStatus: 'none',
  });
  let usable = offset !== undefined; // until the node refuses one such call
  await eachLimited(chunks, CALLS_IN_FLIGHT, async (start) => {
    const chunk = hashes.slice(start, start + LOOKUP_CHUNK);
    const flags = usable ? await anchoredFlags(client, chunk, offset!) : undefined;
    if (!flags) usable = false;
    chunk.forEach((_, i) => {
      if (flags && !flags[i]) facts[start + i] = notAnchored();
      else single.push(start + i);
    });
    done += flags ? flags.filter((f) => !f).length : 0;
    onProgress?.(done, hashes.length);
  });
  single.sort((a, b) => a - b);
  await eachLimited(single, LOOKUPS_IN_FLIGHT, async (index) => {
    facts[index] = await lookupAnchor(client, { contentHash: hashes[index] });
    onProgress?.(++done, hashes.length);
  });
  return facts;
}
