/**
 * The govanchor library for other TypeScript programs: the typed client (one action per file), the pure rules it
 * shares with the command-line tool, the web page and the gateway, and the TypeChain bindings.
 */
export * from './client';
export * from './core/errors';
export * from './core/exitCodes';
export * from './core/explorer';
export * from './core/expiry';
export * from './core/hash';
export * from './core/identifiers';
export * from './core/manifest';
export * from './core/receipt';
export * from './core/tree';
export * from './core/verdict';
export { AccessGrants__factory, DatasetRegistry__factory } from './client/contracts';
export type { AccessGrants, DatasetRegistry } from './client/contracts';
