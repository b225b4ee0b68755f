/**
 * A 3-hop inbound tunnel through three hop processes over TCP links on loopback; this process is
 * the creator and the endpoint. Every wait is bounded; no timed assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../../agent/crypto/index.ts';
import { systemClock } from '../../../agent/overlay/clock.ts';
import { silentLog } from '../../../agent/overlay/log.ts';
import { createTcpTransport } from '../../../agent/overlay/transport-tcp.ts';
import { TMSG } from '../../../agent/overlay/tunnel/constants.ts';
import { LinkTunnelNet } from '../../../agent/overlay/tunnel/net-link.ts';
import { TunnelRouter } from '../../../agent/overlay/tunnel/tunnel-router.ts';

const HOP = fileURLToPath(new URL('./fixtures/hop.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const children: ChildProcess[] = [];
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

interface Ready { hash: string; staticKey: string; address: string }

function startHop(): Promise<{ child: ChildProcess; ready: Ready; lines: Record<string, unknown>[] }> {
  const child = spawn(TSX, [HOP], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`hop did not start: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = JSON.parse(l) as Record<string, unknown>;
      lines.push(m);
      if ('ready' in m) {
        clearTimeout(t);
        resolve({ child, ready: m['ready'] as Ready, lines });
      }
    });
  });
}

afterAll(() => {
  for (const c of children) c.stdin?.end();
  for (const c of children) setTimeout(() => c.kill('SIGKILL'), 2000).unref();
});

describe('tunnels across processes', () => {
  it('builds a 3-hop inbound tunnel through three hop processes and receives through it', async () => {
    const hops = await Promise.all([startHop(), startHop(), startHop()]);
    const crypto = createNodeCrypto();
    const clock = systemClock();
    const privateKey = crypto.randomBytes(32);
    const staticKey = { privateKey, publicKey: crypto.x25519.publicKey(privateKey) };
    const hash = crypto.sha256(staticKey.publicKey);
    const directory = new Map(hops.map((h) => [h.ready.hash, { staticKey: unhex(h.ready.staticKey), address: h.ready.address }]));
    const net = new LinkTunnelNet({ crypto, clock, log: silentLog, transport: createTcpTransport(), staticKey, netId: 99, routerInfo: new Uint8Array([1]), directory: { resolve: (h) => directory.get(hex(h)) } });
    let got: (m: Uint8Array) => void = () => undefined;
    const received = new Promise<Uint8Array>((r) => (got = r));
    const router = new TunnelRouter({ crypto, clock, log: silentLog, identity: { hash, staticKey }, net, onMessage: (m) => got(m) });
    const address = await net.listen('127.0.0.1:0', (m) => router.receive(m));
    const peers = [...hops.map((h) => h.ready), { hash: hex(hash), staticKey: hex(staticKey.publicKey), address }];
    for (const h of hops) h.child.stdin!.write(`${JSON.stringify({ peers })}\n`);
    const tunnel = await router.build({ inbound: true, hops: hops.map((h) => ({ hash: unhex(h.ready.hash), staticKey: unhex(h.ready.staticKey) })) });
    const message = new Uint8Array([TMSG.data, ...new TextEncoder().encode('hello through three processes')]);
    router.sendToGateway(tunnel.gateway, message);
    expect(await received).toEqual(message);
    await net.close();
  }, 60_000);
});
