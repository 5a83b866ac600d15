/**
 * Keccak-256 as Ethereum uses it (the original Keccak padding, not NIST SHA3-256), for the Merkle tree's leaves and
 * nodes: a tree of 10,000 files needs 30,000 permutations, which took @noble/hashes' general-purpose loop about
 * 300 ms here. No Node API (src/core is bundled for the browser). Two implementations of the permutation:
 *
 * - WebAssembly (64-bit lanes, a native rotation), built below instruction by instruction: about fifteen times faster
 *   than @noble/hashes, and it hashes a tree's leaves and inner nodes in bulk (one call each, see {@link KeccakEngine}).
 *   Used in Node only: the web page's Content-Security-Policy does not allow compiling WebAssembly, and a refused
 *   compilation would be reported as a violation.
 * - JavaScript, unrolled over 32-bit halves of the 64-bit lanes (lane (x, y) is `a{x + 5y}`, its low half `…l`,
 *   its high half `…h`): about three times faster than @noble/hashes. Used everywhere else.
 *
 * Both follow FIPS 202 sections 3.2.1 to 3.2.5 (θ, ρ, π, χ, ι); the JavaScript round body was written out by a
 * script from the same tables. `test/core/keccak.test.ts` checks both against @noble/hashes.
 */

/** The 24 round constants, each as (low 32 bits, high 32 bits). */
const ROUND_CONSTANTS = new Int32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000, 0x0000808b,
  0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000, 0x0000008a, 0x00000000,
  0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000, 0x8000808b, 0x00000000, 0x0000008b,
  0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000, 0x00008002, 0x80000000, 0x00000080, 0x80000000,
  0x0000800a, 0x00000000, 0x8000000a, 0x80000000, 0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001,
  0x00000000, 0x80008008, 0x80000000,
]);

/** Keccak-f[1600] on a state of 25 lanes, each lane as (low, high) 32-bit halves, in place. */
function permuteJs(s: Int32Array): void {
  let a0l = s[0];
  let a0h = s[1];
  let a1l = s[2];
  let a1h = s[3];
  let a2l = s[4];
  let a2h = s[5];
  let a3l = s[6];
  let a3h = s[7];
  let a4l = s[8];
  let a4h = s[9];
  let a5l = s[10];
  let a5h = s[11];
  let a6l = s[12];
  let a6h = s[13];
  let a7l = s[14];
  let a7h = s[15];
  let a8l = s[16];
  let a8h = s[17];
  let a9l = s[18];
  let a9h = s[19];
  let a10l = s[20];
  let a10h = s[21];
  let a11l = s[22];
  let a11h = s[23];
  let a12l = s[24];
  let a12h = s[25];
  let a13l = s[26];
  let a13h = s[27];
  let a14l = s[28];
  let a14h = s[29];
  let a15l = s[30];
  let a15h = s[31];
  let a16l = s[32];
  let a16h = s[33];
  let a17l = s[34];
  let a17h = s[35];
  let a18l = s[36];
  let a18h = s[37];
  let a19l = s[38];
  let a19h = s[39];
  let a20l = s[40];
  let a20h = s[41];
  let a21l = s[42];
  let a21h = s[43];
  let a22l = s[44];
  let a22h = s[45];
  let a23l = s[46];
  let a23h = s[47];
  let a24l = s[48];
  let a24h = s[49];
  for (let round = 0; round < 48; round += 2) {
    // θ: c = column parities, d = what each column adds to its lanes.
    // ρ and π: b[y, 2x + 3y] = rotl(a[x, y] ^ d[x], r[x, y]) (a rotation by more than 32 swaps the halves).
    // χ: a[x, y] = b[x, y] ^ (~b[x + 1, y] & b[x + 2, y]); ι: the round constant into lane 0.
    const c0l = a0l ^ a5l ^ a10l ^ a15l ^ a20l;
    const c0h = a0h ^ a5h ^ a10h ^ a15h ^ a20h;
    const c1l = a1l ^ a6l ^ a11l ^ a16l ^ a21l;
    const c1h = a1h ^ a6h ^ a11h ^ a16h ^ a21h;
    const c2l = a2l ^ a7l ^ a12l ^ a17l ^ a22l;
    const c2h = a2h ^ a7h ^ a12h ^ a17h ^ a22h;
    const c3l = a3l ^ a8l ^ a13l ^ a18l ^ a23l;
    const c3h = a3h ^ a8h ^ a13h ^ a18h ^ a23h;
    const c4l = a4l ^ a9l ^ a14l ^ a19l ^ a24l;
    const c4h = a4h ^ a9h ^ a14h ^ a19h ^ a24h;
    const d0l = c4l ^ ((c1l << 1) | (c1h >>> 31));
    const d0h = c4h ^ ((c1h << 1) | (c1l >>> 31));
    const d1l = c0l ^ ((c2l << 1) | (c2h >>> 31));
    const d1h = c0h ^ ((c2h << 1) | (c2l >>> 31));
    const d2l = c1l ^ ((c3l << 1) | (c3h >>> 31));
    const d2h = c1h ^ ((c3h << 1) | (c3l >>> 31));
    const d3l = c2l ^ ((c4l << 1) | (c4h >>> 31));
    const d3h = c2h ^ ((c4h << 1) | (c4l >>> 31));
    const d4l = c3l ^ ((c0l << 1) | (c0h >>> 31));
    const d4h = c3h ^ ((c0h << 1) | (c0l >>> 31));
    const b0l = a0l ^ d0l;
    const b0h = a0h ^ d0h;
    const t5l = a5l ^ d0l;
    const t5h = a5h ^ d0h;
    const b16l = (t5h << 4) | (t5l >>> 28);
    const b16h = (t5l << 4) | (t5h >>> 28);
    const t10l = a10l ^ d0l;
    const t10h = a10h ^ d0h;
    const b7l = (t10l << 3) | (t10h >>> 29);
    const b7h = (t10h << 3) | (t10l >>> 29);
    const t15l = a15l ^ d0l;
    const t15h = a15h ^ d0h;
    const b23l = (t15h << 9) | (t15l >>> 23);
    const b23h = (t15l << 9) | (t15h >>> 23);
    const t20l = a20l ^ d0l;
    const t20h = a20h ^ d0h;
    const b14l = (t20l << 18) | (t20h >>> 14);
    const b14h = (t20h << 18) | (t20l >>> 14);
    const t1l = a1l ^ d1l;
    const t1h = a1h ^ d1h;
    const b10l = (t1l << 1) | (t1h >>> 31);
    const b10h = (t1h << 1) | (t1l >>> 31);
    const t6l = a6l ^ d1l;
    const t6h = a6h ^ d1h;
    const b1l = (t6h << 12) | (t6l >>> 20);
    const b1h = (t6l << 12) | (t6h >>> 20);
    const t11l = a11l ^ d1l;
    const t11h = a11h ^ d1h;
    const b17l = (t11l << 10) | (t11h >>> 22);
    const b17h = (t11h << 10) | (t11l >>> 22);
    const t16l = a16l ^ d1l;
    const t16h = a16h ^ d1h;
    const b8l = (t16h << 13) | (t16l >>> 19);
    const b8h = (t16l << 13) | (t16h >>> 19);
    const t21l = a21l ^ d1l;
    const t21h = a21h ^ d1h;
    const b24l = (t21l << 2) | (t21h >>> 30);
    const b24h = (t21h << 2) | (t21l >>> 30);
    const t2l = a2l ^ d2l;
    const t2h = a2h ^ d2h;
    const b20l = (t2h << 30) | (t2l >>> 2);
    const b20h = (t2l << 30) | (t2h >>> 2);
    const t7l = a7l ^ d2l;
    const t7h = a7h ^ d2h;
    const b11l = (t7l << 6) | (t7h >>> 26);
    const b11h = (t7h << 6) | (t7l >>> 26);
    const t12l = a12l ^ d2l;
    const t12h = a12h ^ d2h;
    const b2l = (t12h << 11) | (t12l >>> 21);
    const b2h = (t12l << 11) | (t12h >>> 21);
    const t17l = a17l ^ d2l;
    const t17h = a17h ^ d2h;
    const b18l = (t17l << 15) | (t17h >>> 17);
    const b18h = (t17h << 15) | (t17l >>> 17);
    const t22l = a22l ^ d2l;
    const t22h = a22h ^ d2h;
    const b9l = (t22h << 29) | (t22l >>> 3);
    const b9h = (t22l << 29) | (t22h >>> 3);
    const t3l = a3l ^ d3l;
    const t3h = a3h ^ d3h;
    const b5l = (t3l << 28) | (t3h >>> 4);
    const b5h = (t3h << 28) | (t3l >>> 4);
    const t8l = a8l ^ d3l;
    const t8h = a8h ^ d3h;
    const b21l = (t8h << 23) | (t8l >>> 9);
    const b21h = (t8l << 23) | (t8h >>> 9);
    const t13l = a13l ^ d3l;
    const t13h = a13h ^ d3h;
    const b12l = (t13l << 25) | (t13h >>> 7);
    const b12h = (t13h << 25) | (t13l >>> 7);
    const t18l = a18l ^ d3l;
    const t18h = a18h ^ d3h;
    const b3l = (t18l << 21) | (t18h >>> 11);
    const b3h = (t18h << 21) | (t18l >>> 11);
    const t23l = a23l ^ d3l;
    const t23h = a23h ^ d3h;
    const b19l = (t23h << 24) | (t23l >>> 8);
    const b19h = (t23l << 24) | (t23h >>> 8);
    const t4l = a4l ^ d4l;
    const t4h = a4h ^ d4h;
    const b15l = (t4l << 27) | (t4h >>> 5);
    const b15h = (t4h << 27) | (t4l >>> 5);
    const t9l = a9l ^ d4l;
    const t9h = a9h ^ d4h;
    const b6l = (t9l << 20) | (t9h >>> 12);
    const b6h = (t9h << 20) | (t9l >>> 12);
    const t14l = a14l ^ d4l;
    const t14h = a14h ^ d4h;
    const b22l = (t14h << 7) | (t14l >>> 25);
    const b22h = (t14l << 7) | (t14h >>> 25);
    const t19l = a19l ^ d4l;
    const t19h = a19h ^ d4h;
    const b13l = (t19l << 8) | (t19h >>> 24);
    const b13h = (t19h << 8) | (t19l >>> 24);
    const t24l = a24l ^ d4l;
    const t24h = a24h ^ d4h;
    const b4l = (t24l << 14) | (t24h >>> 18);
    const b4h = (t24h << 14) | (t24l >>> 18);
    a0l = b0l ^ (~b1l & b2l);
    a0h = b0h ^ (~b1h & b2h);
    a1l = b1l ^ (~b2l & b3l);
    a1h = b1h ^ (~b2h & b3h);
    a2l = b2l ^ (~b3l & b4l);
    a2h = b2h ^ (~b3h & b4h);
    a3l = b3l ^ (~b4l & b0l);
    a3h = b3h ^ (~b4h & b0h);
    a4l = b4l ^ (~b0l & b1l);
    a4h = b4h ^ (~b0h & b1h);
    a5l = b5l ^ (~b6l & b7l);
    a5h = b5h ^ (~b6h & b7h);
    a6l = b6l ^ (~b7l & b8l);
    a6h = b6h ^ (~b7h & b8h);
    a7l = b7l ^ (~b8l & b9l);
    a7h = b7h ^ (~b8h & b9h);
    a8l = b8l ^ (~b9l & b5l);
    a8h = b8h ^ (~b9h & b5h);
    a9l = b9l ^ (~b5l & b6l);
    a9h = b9h ^ (~b5h & b6h);
    a10l = b10l ^ (~b11l & b12l);
    a10h = b10h ^ (~b11h & b12h);
    a11l = b11l ^ (~b12l & b13l);
    a11h = b11h ^ (~b12h & b13h);
    a12l = b12l ^ (~b13l & b14l);
    a12h = b12h ^ (~b13h & b14h);
    a13l = b13l ^ (~b14l & b10l);
    a13h = b13h ^ (~b14h & b10h);
    a14l = b14l ^ (~b10l & b11l);
    a14h = b14h ^ (~b10h & b11h);
    a15l = b15l ^ (~b16l & b17l);
    a15h = b15h ^ (~b16h & b17h);
    a16l = b16l ^ (~b17l & b18l);
    a16h = b16h ^ (~b17h & b18h);
    a17l = b17l ^ (~b18l & b19l);
    a17h = b17h ^ (~b18h & b19h);
    a18l = b18l ^ (~b19l & b15l);
    a18h = b18h ^ (~b19h & b15h);
    a19l = b19l ^ (~b15l & b16l);
    a19h = b19h ^ (~b15h & b16h);
    a20l = b20l ^ (~b21l & b22l);
    a20h = b20h ^ (~b21h & b22h);
    a21l = b21l ^ (~b22l & b23l);
    a21h = b21h ^ (~b22h & b23h);
    a22l = b22l ^ (~b23l & b24l);
    a22h = b22h ^ (~b23h & b24h);
    a23l = b23l ^ (~b24l & b20l);
    a23h = b23h ^ (~b24h & b20h);
    a24l = b24l ^ (~b20l & b21l);
    a24h = b24h ^ (~b20h & b21h);
    a0l ^= ROUND_CONSTANTS[round];
    a0h ^= ROUND_CONSTANTS[round + 1];
  }
  s[0] = a0l;
  s[1] = a0h;
  s[2] = a1l;
  s[3] = a1h;
  s[4] = a2l;
  s[5] = a2h;
  s[6] = a3l;
  s[7] = a3h;
  s[8] = a4l;
  s[9] = a4h;
  s[10] = a5l;
  s[11] = a5h;
  s[12] = a6l;
  s[13] = a6h;
  s[14] = a7l;
  s[15] = a7h;
  s[16] = a8l;
  s[17] = a8h;
  s[18] = a9l;
  s[19] = a9h;
  s[20] = a10l;
  s[21] = a10h;
  s[22] = a11l;
  s[23] = a11h;
  s[24] = a12l;
  s[25] = a12h;
  s[26] = a13l;
  s[27] = a13h;
  s[28] = a14l;
  s[29] = a14h;
  s[30] = a15l;
  s[31] = a15h;
  s[32] = a16l;
  s[33] = a16h;
  s[34] = a17l;
  s[35] = a17h;
  s[36] = a18l;
  s[37] = a18h;
  s[38] = a19l;
  s[39] = a19h;
  s[40] = a20l;
  s[41] = a20h;
  s[42] = a21l;
  s[43] = a21h;
  s[44] = a22l;
  s[45] = a22h;
  s[46] = a23l;
  s[47] = a23h;
  s[48] = a24l;
  s[49] = a24h;
}

/** Rotation offsets r[x, y] of lane x + 5y (FIPS 202, 3.2.2). */
const ROTATIONS = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

/** The WebAssembly module's memory: the state (its first 4 lanes are the digest) at 0, round constants, the input. */
const CONSTANTS_OFFSET = 256;
const INPUT_OFFSET = 512;

/** Bytes absorbed per permutation (1600 - 2 × 256 bits): a Keccak-256 block. */
export const KECCAK256_RATE = 136;
const RATE = KECCAK256_RATE;

/**
 * Pads the `length`-byte message at `start` in `buffer` for Keccak-256 (0x01 after it, 0x80 in its last block's
 * last byte), whose bytes after the message up to that block's end must be zero.
 * @returns The number of blocks.
 */
export function keccakPad(buffer: Uint8Array, start: number, length: number): number {
  const blocks = Math.floor(length / RATE) + 1;
  buffer[start + length] ^= 0x01;
  buffer[start + blocks * RATE - 1] ^= 0x80;
  return blocks;
}

/**
 * The WebAssembly module of the sponge. Exports `memory` and three functions, each hashing from a zero state and
 * leaving a digest in the state's first 4 lanes (bytes 0 to 32):
 * - `absorb(blocks)`: keccak256 of the `blocks` × 136 bytes at {@link INPUT_OFFSET} (the message, padded by the
 *   caller);
 * - `parents(n)`: for the 2n − 1 nodes of 32 bytes at {@link INPUT_OFFSET}, the last n of them leaves, sets each node i
 *   from n − 2 down to 0 to keccak256 of its children 2i + 1 and 2i + 2, the smaller (as a big-endian number) first;
 * - `leaves(count, counts, out)`: StandardMerkleTree leaves (keccak256 of keccak256 of each padded message at
 *   {@link INPUT_OFFSET}, back to back, their block counts at `counts`) to `out`.
 */
function spongeModule(): Uint8Array<ArrayBuffer> {
  const unsigned = (n: number): number[] => {
    const bytes: number[] = [];
    do {
      bytes.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      n >>>= 7;
    } while (n > 0);
    return bytes;
  };
  const signed = (n: number): number[] => {
    const bytes: number[] = [];
    for (;;) {
      const byte = n & 0x7f;
      n >>= 7;
      if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...bytes, byte];
      bytes.push(byte | 0x80);
    }
  };
  /** A function body: instruction helpers writing into `code`. */
  const assembler = () => {
    const code: number[] = [];
    const op = (...bytes: number[]): number => code.push(...bytes);
    return {
      code,
      get: (local: number) => op(0x20, ...unsigned(local)),
      set: (local: number) => op(0x21, ...unsigned(local)),
      tee: (local: number) => op(0x22, ...unsigned(local)),
      i32: (n: number) => op(0x41, ...signed(n)),
      i64: (n: number) => op(0x42, ...signed(n)),
      load64: (offset: number) => op(0x29, 3, ...unsigned(offset)), // i64.load [address + offset]
      store64: (offset: number) => op(0x37, 3, ...unsigned(offset)), // i64.store [address + offset] = value
      load8: (offset: number) => op(0x2d, 0, ...unsigned(offset)), // i32.load8_u
      load32: (offset: number) => op(0x28, 2, ...unsigned(offset)), // i32.load
      call: (func: number) => op(0x10, func),
      op,
    };
  };
  const [XOR, AND, ROTL, SHL64] = [0x85, 0x83, 0x89, 0x86];
  const [ADD, SUB, MUL, SHL, NE, LT_S, GT_U, LT_U, GE_U] = [0x6a, 0x6b, 0x6c, 0x74, 0x47, 0x48, 0x4b, 0x49, 0x4f];
  const [LOOP, BLOCK, IF, END, BR, BR_IF, EMPTY] = [0x03, 0x02, 0x04, 0x0b, 0x0c, 0x0d, 0x40];
  const lane = (x: number, y: number): number => (x % 5) + 5 * (y % 5);
  /** Sets state lane `index` (in memory) to the value the emitted code `value` pushes. */
  const setLane = (f: ReturnType<typeof assembler>, index: number, value: () => void): void => {
    f.i32(0);
    value();
    f.store64(8 * index);
  };

  // Function 0, permute(): Keccak-f[1600] on the state in memory. Locals: the lanes a0…a24, θ's c0…c4 and d0…d4,
  // ρ and π's b0…b24 (i64), the round number (i32).
  const permute = assembler();
  {
    const f = permute;
    const a = (i: number): number => i;
    const c = (x: number): number => 25 + x;
    const d = (x: number): number => 30 + x;
    const b = (i: number): number => 35 + i;
    const round = 60;
    for (let i = 0; i < 25; i++) (f.i32(0), f.load64(8 * i), f.set(a(i)));
    f.op(LOOP, EMPTY);
    for (let x = 0; x < 5; x++) {
      f.get(a(lane(x, 0)));
      for (let y = 1; y < 5; y++) (f.get(a(lane(x, y))), f.op(XOR));
      f.set(c(x));
    }
    for (let x = 0; x < 5; x++) {
      (f.get(c((x + 4) % 5)), f.get(c((x + 1) % 5)), f.i64(1), f.op(ROTL), f.op(XOR), f.set(d(x)));
    }
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        (f.get(a(lane(x, y))), f.get(d(x)), f.op(XOR));
        if (ROTATIONS[lane(x, y)] !== 0) (f.i64(ROTATIONS[lane(x, y)]), f.op(ROTL));
        f.set(b(lane(y, 2 * x + 3 * y)));
      }
    }
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) {
        (f.get(b(lane(x, y))), f.get(b(lane(x + 1, y))), f.i64(-1), f.op(XOR), f.get(b(lane(x + 2, y))));
        (f.op(AND), f.op(XOR), f.set(a(lane(x, y))));
      }
    }
    // ι: the round's constant, at CONSTANTS_OFFSET + 8 × round.
    (f.get(a(0)), f.get(round), f.i32(3), f.op(SHL), f.load64(CONSTANTS_OFFSET), f.op(XOR), f.set(a(0)));
    (f.get(round), f.i32(1), f.op(ADD), f.tee(round), f.i32(24), f.op(LT_U), f.op(BR_IF, 0));
    f.op(END);
    for (let i = 0; i < 25; i++) (f.i32(0), f.get(a(i)), f.store64(8 * i));
    f.op(END);
  }

  // Function 1, absorbAt(address, blocks): hashes the padded message of `blocks` blocks at `address`.
  const absorbAt = assembler();
  {
    const f = absorbAt;
    const [address, blocks] = [0, 1];
    for (let i = 0; i < 25; i++) setLane(f, i, () => f.i64(0));
    f.op(LOOP, EMPTY);
    for (let i = 0; i < RATE / 8; i++) {
      setLane(f, i, () => (f.i32(0), f.load64(8 * i), f.get(address), f.load64(8 * i), f.op(XOR)));
    }
    f.call(0);
    (f.get(address), f.i32(RATE), f.op(ADD), f.set(address));
    (f.get(blocks), f.i32(1), f.op(SUB), f.tee(blocks), f.op(BR_IF, 0));
    f.op(END);
    f.op(END);
  }

  // Function 2, absorb(blocks): absorbAt(INPUT_OFFSET, blocks).
  const absorb = assembler();
  (absorb.i32(INPUT_OFFSET), absorb.get(0), absorb.call(1), absorb.op(END));

  /** Pads a 32- or 64-byte message in lanes 0 to 3 or 0 to 7 (the rest of the state zero) and permutes. */
  const padAndPermute = (f: ReturnType<typeof assembler>, messageLanes: number): void => {
    for (let i = messageLanes; i < 25; i++) setLane(f, i, () => f.i64(i === messageLanes ? 0x01 : 0));
    setLane(f, 16, () => (f.i64(1), f.i64(63), f.op(SHL64))); // 0x80 in the block's last byte
    f.call(0);
  };

  // Function 3, parents(n). Locals: n (the parameter); the node i, its address, its children's addresses, the smaller
  // and the larger child's, a byte index k (i32).
  const parents = assembler();
  {
    const f = parents;
    const [count, node, at, left, right, smaller, larger, k] = [0, 1, 2, 3, 4, 5, 6, 7];
    (f.get(count), f.i32(2), f.op(SUB), f.set(node));
    f.op(BLOCK, EMPTY); // exit when node < 0
    f.op(LOOP, EMPTY);
    (f.get(node), f.i32(0), f.op(LT_S), f.op(BR_IF, 1));
    (f.get(node), f.i32(32), f.op(MUL), f.i32(INPUT_OFFSET), f.op(ADD), f.set(at));
    (f.get(node), f.i32(64), f.op(MUL), f.i32(INPUT_OFFSET + 32), f.op(ADD), f.tee(left), f.set(smaller));
    (f.get(left), f.i32(32), f.op(ADD), f.tee(right), f.set(larger));
    // Compare the children byte by byte from the first: at the first difference, swap if the left one is larger.
    (f.i32(0), f.set(k));
    f.op(BLOCK, EMPTY);
    f.op(LOOP, EMPTY);
    (f.get(left), f.get(k), f.op(ADD), f.load8(0), f.get(right), f.get(k), f.op(ADD), f.load8(0), f.op(NE));
    f.op(IF, EMPTY);
    (f.get(left), f.get(k), f.op(ADD), f.load8(0), f.get(right), f.get(k), f.op(ADD), f.load8(0), f.op(GT_U));
    f.op(IF, EMPTY);
    (f.get(right), f.set(smaller), f.get(left), f.set(larger));
    f.op(END);
    f.op(BR, 2); // out of the comparison
    f.op(END);
    (f.get(k), f.i32(1), f.op(ADD), f.tee(k), f.i32(32), f.op(LT_U), f.op(BR_IF, 0));
    f.op(END);
    f.op(END);
    for (let i = 0; i < 4; i++) setLane(f, i, () => (f.get(smaller), f.load64(8 * i)));
    for (let i = 0; i < 4; i++) setLane(f, 4 + i, () => (f.get(larger), f.load64(8 * i)));
    padAndPermute(f, 8);
    for (let i = 0; i < 4; i++) (f.get(at), f.i32(0), f.load64(8 * i), f.store64(8 * i));
    (f.get(node), f.i32(1), f.op(SUB), f.set(node), f.op(BR, 0));
    f.op(END);
    f.op(END);
    f.op(END);
  }

  // Function 4, leaves(count, counts, out): StandardMerkleTree leaves from their ABI encodings, padded, back to back
  // at INPUT_OFFSET: the i-th has the number of blocks at `counts` + 4i (i32) and its leaf, keccak256 of keccak256 of
  // it, goes to `out` + 32i. Locals: the parameters, the message's address, i, its blocks (i32).
  const leaves = assembler();
  {
    const f = leaves;
    const [count, counts, out, address, i, blocks] = [0, 1, 2, 3, 4, 5];
    (f.i32(INPUT_OFFSET), f.set(address));
    f.op(BLOCK, EMPTY);
    f.op(LOOP, EMPTY);
    (f.get(i), f.get(count), f.op(GE_U), f.op(BR_IF, 1));
    (f.get(i), f.i32(4), f.op(MUL), f.get(counts), f.op(ADD), f.load32(0), f.set(blocks));
    (f.get(address), f.get(blocks), f.call(1));
    padAndPermute(f, 4);
    for (let j = 0; j < 4; j++)
      (f.get(i), f.i32(32), f.op(MUL), f.get(out), f.op(ADD), f.i32(0), f.load64(8 * j), f.store64(8 * j));
    (f.get(address), f.get(blocks), f.i32(RATE), f.op(MUL), f.op(ADD), f.set(address));
    (f.get(i), f.i32(1), f.op(ADD), f.set(i), f.op(BR, 0));
    f.op(END);
    f.op(END);
    f.op(END);
  }

  const section = (id: number, content: number[]): number[] => [id, ...unsigned(content.length), ...content];
  const name = (text: string): number[] => [...unsigned(text.length), ...Array.from(text, (ch) => ch.charCodeAt(0))];
  const body = (locals: number[], code: number[]): number[] => {
    const content = [...locals, ...code];
    return [...unsigned(content.length), ...content];
  };
  const constants = Array.from(new Uint8Array(ROUND_CONSTANTS.buffer)); // (low, high) pairs: little-endian i64s
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [4, 0x60, 0, 0, 0x60, 1, 0x7f, 0, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 3, 0x7f, 0x7f, 0x7f, 0]), // (i32 ×0…3) -> ()
    ...section(3, [5, 0, 2, 1, 1, 3]), // permute, absorbAt, absorb, parents, leaves
    ...section(5, [1, 0, 1]), // one memory, of one page at first
    ...section(7, [
      4,
      ...[...name('memory'), 2, 0],
      ...[...name('absorb'), 0, 2],
      ...[...name('parents'), 0, 3],
      ...[...name('leaves'), 0, 4],
    ]),
    ...section(10, [
      5,
      ...body([2, 60, 0x7e, 1, 0x7f], permute.code), // 60 i64 locals, 1 i32
      ...body([0], absorbAt.code),
      ...body([0], absorb.code),
      ...body([1, 7, 0x7f], parents.code), // 7 i32 locals
      ...body([1, 3, 0x7f], leaves.code), // 3 i32 locals
    ]),
    ...section(11, [1, 0, 0x41, ...signed(CONSTANTS_OFFSET), 0x0b, ...unsigned(constants.length), ...constants]),
  ]);
}

/**
 * keccak256 of `data[start, end)`, written into `out` at `outOffset` (32 bytes); returns `out`. Reads all its input
 * before it writes (`out` may be `data`).
 */
export type Keccak256Into = (
  data: Uint8Array,
  out: Uint8Array,
  outOffset?: number,
  start?: number,
  end?: number,
) => Uint8Array;

/** Keccak-256 and the two uses of it that a StandardMerkleTree makes in bulk. */
export interface KeccakEngine {
  /** keccak256 of `data[start, end)` into `out` at `outOffset`. */
  keccak256Into: Keccak256Into;
  /**
   * keccak256(keccak256(message)) of many messages, each padded ({@link keccakPad}) and back to back in `messages`,
   * `blocks[i]` blocks for the i-th, into `out` (32 bytes each): StandardMerkleTree leaves from their ABI encodings.
   */
  leavesInto(messages: Uint8Array, blocks: Uint32Array, out: Uint8Array): void;
  /**
   * Sets the inner nodes of a tree laid out as StandardMerkleTree lays it out: `nodes` holds 2n − 1 nodes of 32
   * bytes, the last n of them the leaves; node i, from n − 2 down to 0, becomes keccak256 of its children 2i + 1 and
   * 2i + 2, the smaller (as a big-endian number) first.
   */
  fillParents(nodes: Uint8Array, leafCount: number): void;
}

/**
 * Keccak-256 on the given permutation, with its own state.
 * @throws Error if `permutation` is 'wasm' and WebAssembly is unavailable or refused.
 */
export function createKeccakEngine(permutation: 'wasm' | 'js'): KeccakEngine {
  return permutation === 'wasm' ? wasmEngine() : jsEngine();
}

function wasmEngine(): KeccakEngine {
  if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) throw new Error('the WebAssembly sponge needs little-endian');
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(spongeModule()), {});
  const memory = exports.memory as WebAssembly.Memory;
  const absorb = exports.absorb as (blocks: number) => void;
  const parents = exports.parents as (leafCount: number) => void;
  const leaves = exports.leaves as (count: number, counts: number, out: number) => void;
  let bytes = new Uint8Array(memory.buffer);
  /** Makes room for `size` bytes at INPUT_OFFSET. */
  const reserve = (size: number): void => {
    if (INPUT_OFFSET + size <= bytes.length) return;
    memory.grow(Math.ceil((INPUT_OFFSET + size - bytes.length) / 65536));
    bytes = new Uint8Array(memory.buffer);
  };
  return {
    keccak256Into(data, out, outOffset = 0, start = 0, end = data.length) {
      const length = end - start;
      const blocks = Math.floor(length / RATE) + 1;
      reserve(blocks * RATE);
      // A byte loop rather than set(subarray()) for small messages: one object less per call.
      if (length > 256) bytes.set(data.subarray(start, end), INPUT_OFFSET);
      else for (let i = 0; i < length; i++) bytes[INPUT_OFFSET + i] = data[start + i];
      bytes.fill(0, INPUT_OFFSET + length, INPUT_OFFSET + blocks * RATE);
      keccakPad(bytes, INPUT_OFFSET, length);
      absorb(blocks);
      for (let i = 0; i < 32; i++) out[outOffset + i] = bytes[i];
      return out;
    },
    leavesInto(messages, blocks, out) {
      const count = blocks.length;
      const counts = INPUT_OFFSET + Math.ceil(messages.length / 8) * 8;
      reserve(counts - INPUT_OFFSET + 4 * count + 32 * count);
      bytes.set(messages, INPUT_OFFSET);
      new Uint32Array(memory.buffer, counts, count).set(blocks);
      leaves(count, counts, counts + 4 * count);
      out.set(bytes.subarray(counts + 4 * count, counts + 4 * count + 32 * count));
    },
    fillParents(nodes, leafCount) {
      const size = 32 * (2 * leafCount - 1);
      reserve(size);
      bytes.set(nodes.subarray(size - 32 * leafCount, size), INPUT_OFFSET + size - 32 * leafCount);
      parents(leafCount);
      nodes.set(bytes.subarray(INPUT_OFFSET, INPUT_OFFSET + size - 32 * leafCount), 0);
    },
  };
}

function jsEngine(): KeccakEngine {
  const state = new Int32Array(50);
  const block = new Uint8Array(RATE);
  /** XORs the 136 bytes of `source` at `offset` into the state (little-endian lanes) and permutes. */
  const absorb = (source: Uint8Array, offset: number): void => {
    for (let i = 0, j = offset; i < RATE / 4; i++, j += 4) {
      state[i] ^= source[j] | (source[j + 1] << 8) | (source[j + 2] << 16) | (source[j + 3] << 24);
    }
    permuteJs(state);
  };
  const keccak256Into: Keccak256Into = (data, out, outOffset = 0, start = 0, end = data.length) => {
    state.fill(0);
    let offset = start;
    for (; end - offset >= RATE; offset += RATE) absorb(data, offset);
    block.fill(0);
    for (let i = 0; offset + i < end; i++) block[i] = data[offset + i];
    block[end - offset] ^= 0x01;
    block[RATE - 1] ^= 0x80;
    absorb(block, 0);
    for (let i = 0; i < 8; i++) {
      const word = state[i];
      out[outOffset + 4 * i] = word;
      out[outOffset + 4 * i + 1] = word >>> 8;
      out[outOffset + 4 * i + 2] = word >>> 16;
      out[outOffset + 4 * i + 3] = word >>> 24;
    }
    return out;
  };
  const inner = new Uint8Array(32);
  const pair = new Uint8Array(64);
  return {
    keccak256Into,
    leavesInto(messages, blocks, out) {
      for (let i = 0, offset = 0; i < blocks.length; offset += blocks[i] * RATE, i++) {
        state.fill(0);
        for (let block = 0; block < blocks[i]; block++) absorb(messages, offset + block * RATE);
        for (let j = 0; j < 8; j++) {
          const word = state[j];
          for (let k = 0; k < 4; k++) inner[4 * j + k] = word >>> (8 * k);
        }
        keccak256Into(inner, out, 32 * i);
      }
    },
    fillParents(nodes, leafCount) {
      for (let i = leafCount - 2; i >= 0; i--) {
        const left = 32 * (2 * i + 1);
        const right = left + 32;
        let order = 0;
        for (let j = 0; j < 32 && order === 0; j++) order = nodes[left + j] - nodes[right + j];
        const [first, second] = order <= 0 ? [left, right] : [right, left];
        for (let j = 0; j < 32; j++) {
          pair[j] = nodes[first + j];
          pair[32 + j] = nodes[second + j];
        }
        keccak256Into(pair, nodes, 32 * i);
      }
    },
  };
}

const chosen = ((): { permutation: 'wasm' | 'js'; engine: KeccakEngine } => {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (typeof node === 'string' && typeof WebAssembly === 'object') {
    try {
      return { permutation: 'wasm', engine: createKeccakEngine('wasm') };
    } catch {
      // WebAssembly refused (e.g. --jitless): the JavaScript permutation.
    }
  }
  return { permutation: 'js', engine: createKeccakEngine('js') };
})();

/** Which permutation this environment uses: WebAssembly in Node (see above), JavaScript elsewhere. */
export const KECCAK_PERMUTATION = chosen.permutation;

/** keccak256 of `data[start, end)` into `out` at `outOffset`, with {@link KECCAK_PERMUTATION}. */
export const keccak256Into: Keccak256Into = chosen.engine.keccak256Into;

/** {@link KeccakEngine.leavesInto} with {@link KECCAK_PERMUTATION}. */
export const leavesInto: KeccakEngine['leavesInto'] = chosen.engine.leavesInto;

/** {@link KeccakEngine.fillParents} with {@link KECCAK_PERMUTATION}. */
export const fillParents: KeccakEngine['fillParents'] = chosen.engine.fillParents;

/** keccak256(data) as 32 new bytes. */
export function keccak256(data: Uint8Array): Uint8Array {
  return keccak256Into(data, new Uint8Array(32));
}
