import { expect } from 'chai';
import { hexlify, keccak256, Transaction, Wallet, type TransactionRequest } from 'ethers';
import { bytesToHex, hexToBytes, signRawTransaction } from '../../src/client/rawTransaction';

/** Transactions signed by src/client/rawTransaction.ts are byte for byte the ones ethers signs. */
describe('client: signing a transaction without ethers’ general path (rawTransaction.ts)', function () {
  const wallet = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
  const to = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const bytes = (length: number, seed: number) =>
    hexlify(Uint8Array.from({ length }, (_, i) => (i * 131 + seed * 17 + 7) & 0xff));
  const datas = [
    '0x',
    '0x00',
    '0x7f',
    '0x80',
    bytes(54, 1),
    bytes(55, 2),
    bytes(56, 3),
    bytes(255, 4),
    bytes(256, 5),
    bytes(65_535, 6),
    bytes(70_000, 7),
  ];

  it('converts hex and bytes both ways', function () {
    for (const data of datas) {
      expect(bytesToHex(hexToBytes(data))).to.equal(data);
      expect(hexlify(hexToBytes(data))).to.equal(data);
    }
    expect(bytesToHex(hexToBytes('0xABcdEF'))).to.equal('0xabcdef');
    expect(() => hexToBytes('0x123')).to.throw('odd length');
    expect(() => hexToBytes('0x12zz')).to.throw('invalid hex');
  });

  it('signs EIP-1559 (type 2) and legacy EIP-155 (type 0) transactions exactly as ethers does', async function () {
    const requests: [TransactionRequest, number, number][] = [];
    for (const [i, data] of datas.entries()) {
      requests.push([
        {
          type: 2,
          to,
          data,
          gasLimit: 21_000n + BigInt(i) * 1_000_003n,
          maxFeePerGas: 2_000_000_000n + BigInt(i),
          maxPriorityFeePerGas: BigInt(i),
        },
        31337,
        i,
      ]);
      requests.push([
        { type: 0, to, data, gasLimit: 16_777_216n, gasPrice: 1n << BigInt(8 * i), value: BigInt(i) },
        1030,
        1000 + i,
      ]);
    }
    requests.push([{ type: 2, to, data: '0x', gasLimit: 0n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n }, 11155111, 0]);
    requests.push([{ type: 0, to, data: bytes(100, 9), gasLimit: 1n, gasPrice: 0n }, 71, 2 ** 40]);
    for (const [request, chainId, nonce] of requests) {
      const raw = signRawTransaction(wallet, request, chainId, nonce);
      expect(raw, `type ${request.type}`).to.not.equal(undefined);
      const reference = await wallet.signTransaction({ ...request, chainId, nonce });
      expect(raw!.serialized).to.equal(reference);
      expect(raw!.hash).to.equal(keccak256(reference));
      const parsed = Transaction.from(raw!.serialized);
      expect(parsed.from).to.equal(wallet.address);
      expect(parsed.nonce).to.equal(nonce);
      expect(parsed.chainId).to.equal(BigInt(chainId));
    }
  });

  it('leaves to ethers what it does not handle', function () {
    const base = { type: 2, to, data: '0x', gasLimit: 21_000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n };
    expect(signRawTransaction(wallet, base, 31337, 0)).to.not.equal(undefined);
    expect(signRawTransaction({}, base, 31337, 0), 'not a wallet').to.equal(undefined);
    expect(signRawTransaction(wallet, { ...base, type: 1 }, 31337, 0), 'type 1').to.equal(undefined);
    expect(signRawTransaction(wallet, { ...base, accessList: [] }, 31337, 0), 'access list').to.equal(undefined);
    expect(signRawTransaction(wallet, { ...base, to: undefined }, 31337, 0), 'creation').to.equal(undefined);
    expect(signRawTransaction(wallet, { ...base, gasLimit: undefined }, 31337, 0), 'no gas limit').to.equal(undefined);
    expect(signRawTransaction(wallet, { ...base, maxFeePerGas: undefined }, 31337, 0), 'no fee').to.equal(undefined);
    expect(signRawTransaction(wallet, { ...base, chainId: 1n }, 31337, 0), 'another chain').to.equal(undefined);
    expect(signRawTransaction(wallet, { ...base, from: to }, 31337, 0), 'another sender').to.equal(undefined);
  });
});
