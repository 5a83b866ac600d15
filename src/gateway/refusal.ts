import { GATEWAY_REASONS, type GatewayErrorDocument, type GatewayReason } from '../core/gatewayProtocol';

/** A refusal: the gateway answers with the reason's HTTP status and a JSON error document, and audits it. */
export class GatewayRefusal extends Error {
  readonly reason: GatewayReason;
  readonly status: number;
  /** Extra response headers, e.g. `Retry-After`, `WWW-Authenticate`, `Content-Range`. */
  readonly headers: Record<string, string>;
  constructor(reason: GatewayReason, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GatewayRefusal';
    this.reason = reason;
    this.status = GATEWAY_REASONS[reason];
    this.headers = headers;
  }

  /** The JSON error document sent to the client. */
  document(): GatewayErrorDocument {
    return { error: { status: this.status, reason: this.reason, message: this.message } };
  }
}
