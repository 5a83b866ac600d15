/**
 * The networks a reviewer can pick, and where the suite lives on each: from the deployment records embedded at build
 * time (`deployments/<chainId>.json`) or from a deployment file the reviewer adds.
 */
import { EXPLORERS } from '../../src/core/explorer';
import type { SuiteAddresses } from '../../src/client/connection';
import { suiteFromDeploymentRecord } from './deployments';

export type PresetId = 'local' | 'sepolia' | 'conflux-testnet' | 'conflux' | 'custom';

export interface NetworkPreset {
  id: PresetId;
  label: string;
  /** The chain the preset expects; undefined for a custom endpoint (any chain). */
  chainId?: number;
  /** Suggested public endpoint; the reviewer can change it. */
  rpcUrl: string;
}

export const PRESETS: readonly NetworkPreset[] = [
  { id: 'local', label: 'Local test chain (127.0.0.1:8545)', chainId: 31337, rpcUrl: 'http://127.0.0.1:8545' },
  {
    id: 'sepolia',
    label: 'Sepolia (Ethereum test network)',
    chainId: 11155111,
    rpcUrl: 'https://ethereum-sepolia-rpc.publicnode.com',
  },
  {
    id: 'conflux-testnet',
    label: 'Conflux eSpace testnet (chain 71)',
    chainId: 71,
    rpcUrl: 'https://evmtestnet.confluxrpc.com',
  },
  { id: 'conflux', label: 'Conflux eSpace (chain 1030)', chainId: 1030, rpcUrl: 'https://evm.confluxrpc.com' },
  { id: 'custom', label: 'Other network (enter its address)', rpcUrl: '' },
];

/** A chain's usual name, for messages. */
export function chainName(chainId: number): string {
  const preset = PRESETS.find((p) => p.chainId === chainId);
  if (preset) return `${preset.label.replace(/ \(.*\)$/, '')} (chain ${chainId})`;
  const explorer = EXPLORERS[chainId];
  return explorer ? `chain ${chainId} (${explorer.name})` : `chain ${chainId}`;
}

declare const __GOVANCHOR_DEPLOYMENTS__: unknown[];

let embedded: Map<number, SuiteAddresses> | undefined;

/** The deployments this page was built with, by chain id (malformed records are left out). */
export function embeddedDeployments(): Map<number, SuiteAddresses> {
  if (embedded) return embedded;
  embedded = new Map();
  const records = typeof __GOVANCHOR_DEPLOYMENTS__ === 'undefined' ? [] : __GOVANCHOR_DEPLOYMENTS__;
  for (const record of records) {
    try {
      const source = String((record as { source?: unknown }).source ?? 'this page');
      const suite = suiteFromDeploymentRecord(record, `${source}, built into this page`);
      embedded.set(suite.chainId, suite);
    } catch {
      // Not a deployment record: ignored, as if it were absent.
    }
  }
  return embedded;
}
