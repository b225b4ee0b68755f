/** A static file server on 127.0.0.1 with Range support (RFC 9110 §14), for download tests. */
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';

export interface TestServer {
  readonly url: string;
  /** Bytes of target bodies sent so far (metadata excluded). */
  targetBytesSent: number;
  /** Range headers received for targets. */
  readonly ranges: string[];
  /** Drop every connection after this many body bytes of a target (simulates a cut). */
  cutAfter?: number;
  /** Send this many extra bytes after every target file (endless data). */
  padTargets?: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, body: Buffer, status: number, headers: Record<string, string | number>, t: TestServer, isTarget: boolean, sock: Socket): void {
  res.writeHead(status, { 'content-length': body.length, ...headers });
  if (!isTarget || t.cutAfter === undefined) {
    if (isTarget) t.targetBytesSent += body.length;
    res.end(body);
    return;
  }
  const n = Math.min(body.length, t.cutAfter);
  t.targetBytesSent += n;
  res.write(body.subarray(0, n), () => setTimeout(() => sock.destroy(), 100)); // let the client read what was sent
}

export async function startServer(root: string): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const t: TestServer = {
    url: '', targetBytesSent: 0, ranges: [],
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const rel = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
      const isTarget = rel.startsWith('targets/');
      let body = await readFile(join(root, rel)).catch(() => undefined);
      if (body === undefined) { res.writeHead(404).end(); return; }
      if (isTarget && t.padTargets !== undefined) body = Buffer.concat([body, Buffer.alloc(t.padTargets, 0x41)]);
      const range = req.headers.range;
      if (isTarget && range !== undefined) t.ranges.push(range);
      const m = range === undefined ? null : /^bytes=(\d+)-$/.exec(range);
      if (m !== null) {
        const start = Number(m[1]);
        if (start >= body.length) { res.writeHead(416).end(); return; }
        send(res, body.subarray(start), 206, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` }, t, isTarget, req.socket);
      } else {
        send(res, body, 200, {}, t, isTarget, req.socket);
      }
    })();
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  (t as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return t;
}
