/** The environment variables each public network needs (see .env.example). */
export const NETWORK_ENV: Record<string, string[]> = {
  sepolia: ['SEPOLIA_RPC_URL', 'DEPLOYER_PRIVATE_KEY'],
  confluxEspaceTestnet: ['CONFLUX_ESPACE_TESTNET_RPC_URL', 'DEPLOYER_PRIVATE_KEY'],
  confluxEspace: ['CONFLUX_ESPACE_RPC_URL', 'DEPLOYER_PRIVATE_KEY'],
};

/** Returns the first variable `network` needs that is unset, or undefined. */
export function missingNetworkEnv(network: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (NETWORK_ENV[network] ?? []).find((name) => !env[name]);
}

/** Exits with a one-line message naming the missing variable, never a stack trace. */
export function requireNetworkEnv(network: string): void {
  const missing = missingNetworkEnv(network);
  if (missing) {
    console.error(`${missing} is not set: network "${network}" needs it (see .env.example; put it in .env)`);
    process.exit(2);
  }
}
