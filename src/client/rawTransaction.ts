/**
 * Signing a transaction with a wallet's key without ethers' general-purpose path. For a batch of 100 anchors (about
 * 35 KB of calldata) `Wallet.sendTransaction` converts the calldata between hex and bytes about twenty times,
 * serialises it four times and parses it back once to recover the sender: about 60 ms of CPU per batch, more than the
 * node needs to mine it. Here the calldata is converted once, serialised twice (unsigned to sign, signed to send) and
 * hashed with the registered `keccak256`. Types 0 (legacy, EIP-155) and 2 (EIP-1559) without access lists, the two
 * that {@link feeFields} picks; anything else goes through ethers. `test/client/rawTransaction.test.ts` checks the
 * bytes against ethers' own serialisation. No Node-only API.
 */
import { BaseWallet, keccak256, Signature, type TransactionRequest } from 'ethers';

const HEX_DIGITS = '0123456789abcdef';
/** Two hex digits of each byte, as character codes in one 16-bit word, in the host's byte order. */
const HEX_PAIRS = (() => {
  const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  const pairs = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    const [first, second] = [HEX_DIGITS.charCodeAt(i >> 4), HEX_DIGITS.charCodeAt(i & 15)];
    pairs[i] = littleEndian ? first | (second << 8) : (first << 8) | second;
  }
  return pairs;
})();
/** Value of each hex digit's character code, 255 for anything else. */
const HEX_VALUES = (() => {
  const values = new Uint8Array(128).fill(255);
  for (let i = 0; i < 16; i++) {
    values[HEX_DIGITS.charCodeAt(i)] = i;
    values[HEX_DIGITS.toUpperCase().charCodeAt(i)] = i;
  }
  return values;
})();
const latin1 = new TextDecoder('latin1');

/** `0x` + lowercase hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  const chars = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) chars[i] = HEX_PAIRS[bytes[i]];
  // Each 16-bit word holds two ASCII codes in memory order: read back as single bytes, they are the digits.
  return '0x' + latin1.decode(new Uint8Array(chars.buffer, 0, bytes.length * 2));
}

/**
 * The bytes of a `0x`-prefixed (or bare) hex string of whole bytes.
 * @throws Error if it is not hex.
 */
export function hexToBytes(hex: string): Uint8Array {
  const start = hex.startsWith('0x') || hex.startsWith('0X') ? 2 : 0;
  if ((hex.length - start) % 2 !== 0) throw new Error('hex data of odd length');
  const bytes = new Uint8Array((hex.length - start) / 2);
  for (let i = 0, j = start; i < bytes.length; i++, j += 2) {
    const high = HEX_VALUES[hex.charCodeAt(j)] ?? 255;
    const low = HEX_VALUES[hex.charCodeAt(j + 1)] ?? 255;
    if (high === 255 || low === 255) throw new Error('invalid hex data');
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

/** A non-negative integer as RLP wants it: big-endian, no leading zero bytes (zero is empty). */
function quantity(value: bigint | number | string | null | undefined): Uint8Array {
  const n = BigInt(value ?? 0);
  if (n < 0n) throw new Error('negative quantity');
  if (n === 0n) return new Uint8Array(0);
  const hex = n.toString(16);
  return hexToBytes(hex.length % 2 ? '0' + hex : hex);
}

/** The RLP header of a string (`offset` 0x80) or list (0xc0) of `length` bytes. */
function rlpHeader(length: number, offset: number): Uint8Array {
  if (length < 56) return Uint8Array.of(offset + length);
  const lengthBytes = quantity(length);
  return Uint8Array.of(offset + 55 + lengthBytes.length, ...lengthBytes);
}

type RlpItem = Uint8Array | RlpItem[];

/** Appends the RLP encoding of `item` to `parts`; returns its length. */
function rlpParts(item: RlpItem, parts: Uint8Array[]): number {
  if (item instanceof Uint8Array) {
    if (item.length === 1 && item[0] < 0x80) {
      parts.push(item);
      return 1;
    }
    const header = rlpHeader(item.length, 0x80);
    parts.push(header, item);
    return header.length + item.length;
  }
  const body: Uint8Array[] = [];
  let length = 0;
  for (const child of item) length += rlpParts(child, body);
  const header = rlpHeader(length, 0xc0);
  parts.push(header, ...body);
  return header.length + length;
}

/** RLP of `item`, after an optional type byte. */
function rlp(item: RlpItem, typeByte?: number): Uint8Array {
  const parts: Uint8Array[] = typeByte === undefined ? [] : [Uint8Array.of(typeByte)];
  let length = typeByte === undefined ? 0 : 1;
  length += rlpParts(item, parts);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export interface RawTransaction {
  /** The signed transaction, as `eth_sendRawTransaction` takes it. */
  serialized: string;
  /** Its hash (what the node answers). */
  hash: string;
  signature: Signature;
  from: string;
  nonce: number;
  chainId: bigint;
}

/**
 * Signs `request` with `signer`'s key if the signer holds one (an ethers `Wallet`) and the request is a plain type 0
 * or type 2 call with every field set (`to`, `gasLimit`, fees).
 * @returns The signed transaction, or undefined to let ethers do it.
 */
export function signRawTransaction(
  signer: unknown,
  request: TransactionRequest,
  chainId: number,
  nonce: number,
): RawTransaction | undefined {
  if (!(signer instanceof BaseWallet)) return undefined;
  const type = request.type ?? (request.gasPrice != null ? 0 : 2);
  if (typeof request.to !== 'string' || request.gasLimit == null) return undefined;
  if (request.accessList != null || request.authorizationList != null || request.blobs != null) return undefined;
  if (request.chainId != null && BigInt(request.chainId) !== BigInt(chainId)) return undefined;
  if (request.from != null && String(request.from).toLowerCase() !== signer.address.toLowerCase()) return undefined;
  const to = hexToBytes(request.to);
  if (to.length !== 20) return undefined;
  if (typeof request.data !== 'string') return undefined;
  const data = hexToBytes(request.data);
  const common = [quantity(request.gasLimit), to, quantity(request.value), data];
  let unsigned: Uint8Array;
  let signed: (signature: Signature) => Uint8Array;
  if (type === 2) {
    if (request.maxFeePerGas == null || request.maxPriorityFeePerGas == null) return undefined;
    const fields: RlpItem[] = [
      quantity(chainId),
      quantity(nonce),
      quantity(request.maxPriorityFeePerGas),
      quantity(request.maxFeePerGas),
      ...common,
      [],
    ];
    unsigned = rlp(fields, 2);
    signed = (signature) =>
      rlp([...fields, quantity(signature.yParity), quantity(signature.r), quantity(signature.s)], 2);
  } else if (type === 0) {
    if (request.gasPrice == null) return undefined;
    const fields: RlpItem[] = [quantity(nonce), quantity(request.gasPrice), ...common];
    // EIP-155: the chain id is signed, and v carries it.
    unsigned = rlp([...fields, quantity(chainId), new Uint8Array(0), new Uint8Array(0)]);
    signed = (signature) =>
      rlp([
        ...fields,
        quantity(BigInt(chainId) * 2n + 35n + BigInt(signature.yParity)),
        quantity(signature.r),
        quantity(signature.s),
      ]);
  } else {
    return undefined;
  }
  const signature = signer.signingKey.sign(keccak256(unsigned));
  const bytes = signed(signature);
  return {
    serialized: bytesToHex(bytes),
    hash: keccak256(bytes),
    signature,
    from: signer.address,
    nonce,
    chainId: BigInt(chainId),
  };
}
