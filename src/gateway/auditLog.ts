/**
 * The audit log: one JSON object per line for every access decision, appended before the response is sent (a
 * decision that cannot be logged is not carried out: the gateway answers 503 audit-unavailable instead).
 *
 * {"time":"2026-01-31T09:12:44.120Z","event":"file","decision":"allow","status":200,"reason":"granted",
 *  "agency":"hunan.health","agencyId":2,"signer":"0x...","dataset":"hunan.stats/economy-2024","version":1,
 *  "path":"quarterly/gdp.csv","range":null,"ip":"127.0.0.1","requestId":"req-7"}
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What was asked for: opening a session, a version listing, a file, a receipt, or something else. */
export type AuditEvent =
  | 'challenge'
  | 'session'
  | 'versions'
  | 'files'
  | 'file'
  | 'receipt'
  | 'transfer' // a transfer stopped because the bytes read did not match the file's anchored hash
  | 'other';

export interface AuditEntry {
  /** ISO 8601 time of the decision. */
  time: string;
  event: AuditEvent;
  /** `allow`: served; `deny`: refused for the caller's reason (4xx); `error`: refused for the gateway's (5xx). */
  decision: 'allow' | 'deny' | 'error';
  status: number;
  /** `owner` or `granted` when allowed; otherwise the refusal's reason (see docs/gateway.md). */
  reason: string;
  /** The caller's agency code, once known (null before a session identifies it). */
  agency: string | null;
  agencyId: number | null;
  /** The operator account that signed the session's challenge. */
  signer: string | null;
  dataset: string | null;
  version: number | null;
  path: string | null;
  /** The Range header of a file request, if any. */
  range: string | null;
  ip: string;
  requestId: string;
  /** A one-line explanation for refusals. */
  message?: string;
}

export class AuditLog {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens (creating if needed) the log for appending. Mode 0640: the log names agencies and accounts. */
  static async open(path: string): Promise<AuditLog> {
    await mkdir(dirname(path), { recursive: true });
    return new AuditLog(path, await open(path, 'a', 0o640));
  }

  /** Appends one entry; resolves once it is written (entries are written one at a time, in call order). */
  append(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify(entry) + '\n';
    const write = this.queue.then(() => this.handle.appendFile(line, 'utf8'));
    this.queue = write.catch(() => undefined);
    return write;
  }

  /** Waits for pending entries and closes the file. */
  async close(): Promise<void> {
    await this.queue;
    await this.handle.sync().catch(() => undefined);
    await this.handle.close();
  }
}
