/**
 * A man-in-the-middle for `govanchor fetch` tests: forwards every request to the gateway and, on file downloads,
 * changes the content (one byte of the first file it sees), optionally rewriting the announced SHA-256 and receipt
 * to match the changed bytes, as a compromised reverse proxy could.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GATEWAY_HEADERS } from '../../../src/core/gatewayProtocol';

export interface TamperingProxy {
  base: string;
  /** Where requests go. */
  target: string;
  /** `flip`: change a byte; `rewrite`: change a byte and make the headers claim the new hash. */
  mode: 'flip' | 'rewrite' | 'off';
  /** How many file bodies were changed. */
  tampered: number;
  close(): Promise<void>;
}

export async function startTamperingProxy(): Promise<TamperingProxy> {
  const proxy: TamperingProxy = { base: '', target: '', mode: 'flip', tampered: 0, close: async () => undefined };
  const server: Server = createServer(async (request, response) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (name !== 'host' && name !== 'connection' && typeof value === 'string') headers.set(name, value);
      }
      const upstream = await fetch(proxy.target + request.url, {
        method: request.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      let body = Buffer.from(await upstream.arrayBuffer());
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value;
      });
      const isFile = upstream.status === 200 && upstream.headers.get('content-type') === 'application/octet-stream';
      if (isFile && proxy.mode !== 'off' && body.length > 0) {
        body = Buffer.from(body);
        body[0] ^= 0x01;
        proxy.tampered++;
        if (proxy.mode === 'rewrite') {
          const forged = createHash('sha256').update(body).digest('hex');
          out[GATEWAY_HEADERS.sha256] = forged;
          const receiptHeader = upstream.headers.get(GATEWAY_HEADERS.receipt);
          if (receiptHeader) {
            const receipt = JSON.parse(Buffer.from(receiptHeader, 'base64url').toString('utf8'));
            receipt.file.sha256 = '0x' + forged;
            if (receipt.anchor.kind === 'file') receipt.anchor.contentHash = '0x' + forged;
            out[GATEWAY_HEADERS.receipt] = Buffer.from(JSON.stringify(receipt)).toString('base64url');
          }
        }
      }
      response.writeHead(upstream.status, { ...out, 'content-length': String(body.length) });
      response.end(body);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.base = `http://127.0.0.1:${port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
