/** Block explorers of the chains govanchor is deployed on, keyed by chain id. */
export const EXPLORERS: Readonly<Record<number, { name: string; url: string }>> = {
  1: { name: 'Etherscan', url: 'https://etherscan.io' },
  11155111: { name: 'Sepolia Etherscan', url: 'https://sepolia.etherscan.io' },
  71: { name: 'ConfluxScan (eSpace testnet)', url: 'https://evmtestnet.confluxscan.org' },
  1030: { name: 'ConfluxScan (eSpace)', url: 'https://evm.confluxscan.org' },
};

/** The explorer page of a transaction, or undefined when the chain has no known explorer (e.g. a local node). */
export function explorerTxUrl(chainId: number | bigint, transactionHash: string): string | undefined {
  const explorer = EXPLORERS[Number(chainId)];
  return explorer ? `${explorer.url}/tx/${transactionHash}` : undefined;
}

/** The explorer page of an address, or undefined when the chain has no known explorer. */
export function explorerAddressUrl(chainId: number | bigint, address: string): string | undefined {
  const explorer = EXPLORERS[Number(chainId)];
  return explorer ? `${explorer.url}/address/${address}` : undefined;
}
