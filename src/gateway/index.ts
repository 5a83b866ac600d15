/** The HTTP data gateway (library entry point). See docs/gateway.md. */
export {
  createGateway,
  DEFAULT_GATEWAY_LIMITS,
  type CreateGatewayOptions,
  type GatewayControl,
  type GatewayLimits,
  type GatewayServer,
} from './createGateway';
export type { AuditEntry, AuditEvent } from './auditLog';
export type { DatasetIndex, ServedDataset, ServedFile, ServedVersion } from './datasetIndex';
export { parseRange, type RangeRequest } from './range';
