/**
 * Bench section `tunnel` (DESIGN.md §10: forwarding per hop ≥ 50 % of the per-cell node:crypto
 * ChaCha20 ceiling; 3-hop build on loopback p50 < 20 ms). In one run:
 *   - the ceiling: one raw node:crypto ChaCha20 pass over a 1028-byte cell;
 *   - a no-crypto forwarding baseline (decode, table lookup, tunnel id rewrite, hand-off);
 *   - one transit hop forwarding cells (replay filter + nonce and body layers), via TunnelRouter;
 *   - 3-hop tunnel build latency over Noise XK links on loopback TCP, p50/p99;
 *   - end-to-end RTT and throughput through 3 + 3 hops over TCP links on loopback;
 *   - RSS growth with 500 transit tunnels held by one hop.
 */
import { createCipheriv } from 'node:crypto';
import { createNodeCrypto } from '../../agent/crypto/node-adapter.ts';
import { systemClock, VirtualClock } from '../../agent/overlay/clock.ts';
import { silentLog } from '../../agent/overlay/log.ts';
import { createTcpTransport } from '../../agent/overlay/transport-tcp.ts';
import { decodeLinkMessage, encodeCellMessage } from '../../agent/overlay/tunnel/messages.ts';
import { setCellTunnelId, viewCell } from '../../agent/overlay/tunnel/cell.ts';
import { DecayingBloomFilter } from '../../agent/overlay/tunnel/bloom.ts';
import { LayerCipher } from '../../agent/overlay/tunnel/layer.ts';
import { TMSG } from '../../agent/overlay/tunnel/constants.ts';
import { MemoryTunnelHub } from '../../agent/overlay/tunnel/net-memory.ts';
import { LinkTunnelNet } from '../../agent/overlay/tunnel/net-link.ts';
import { TunnelRouter } from '../../agent/overlay/tunnel/tunnel-router.ts';
import type { BenchSection } from './harness.ts';
import { compare, fmtRate, median, table } from './harness.ts';

const crypto = createNodeCrypto();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function identity() {
  const privateKey = crypto.randomBytes(32);
  const publicKey = crypto.x25519.publicKey(privateKey);
  return { hash: crypto.sha256(publicKey), staticKey: { privateKey, publicKey } };
}

/** A participant hop of a 2-hop outbound tunnel built on a memory hub, and a frame for it. */
async function oneHop(): Promise<{ hop: TunnelRouter; frame: Uint8Array; receiveId: number }> {
  const clock = new VirtualClock();
  const hub = new MemoryTunnelHub();
  const ids = [identity(), identity(), identity()];
  const sink = { on: false };
  const [me, hop, end] = ids.map((id) => {
    const hubNet = hub.netFor(id.hash);
    const net = { send: (to: Uint8Array, m: Uint8Array) => (sink.on ? Promise.resolve() : hubNet.send(to, m)) };
    const r = new TunnelRouter({ crypto, clock, log: silentLog, identity: id, net, config: { cellsPerSecond: 1e9, transitCap: 10_000, buildsPerSecond: 1e6 } });
    hub.attach(id.hash, r);
    return r;
  }) as [TunnelRouter, TunnelRouter, TunnelRouter];
  const p = me.build({ inbound: false, hops: [hop, end].map((r, i) => ({ hash: r.hash, staticKey: ids[i + 1]!.staticKey.publicKey })) });
  await clock.advance(5);
  await p;
  sink.on = true; // forwarded cells are handed to a link that discards them
  const receiveId = hop.transit.list()[0]!.receiveTunnelId;
  const cell = new Uint8Array(1028);
  setCellTunnelId(cell, receiveId);
  cell.set(crypto.randomBytes(1024), 4);
  return { hop, frame: encodeCellMessage(cell), receiveId };
}

async function forwarding(): Promise<string> {
  const { hop, frame, receiveId } = await oneHop();
  const key = new Uint8Array(32).fill(7);
  const iv = new Uint8Array(16).fill(1);
  const cell = frame.subarray(1);
  const table1 = new Map([[receiveId, { next: 5, router: new Uint8Array(32) }]]);
  const ceiling = () => createCipheriv('chacha20', key, iv).update(cell);
  const frame2 = frame.slice();
  const noCrypto = () => {
    const m = decodeLinkMessage(frame2);
    if (m.type !== 'cell') throw new Error('x');
    const e = table1.get(viewCell(m.cell).tunnelId);
    if (e === undefined) throw new Error('lost');
    setCellTunnelId(m.cell, e.next);
    setCellTunnelId(m.cell, receiveId);
  };
  const before = hop.transit.forwarded;
  const forward = () => {
    setCellTunnelId(cell, receiveId); // the hop rewrote it to the next id; the layer changed the nonce
    hop.receive(frame);
  };
  const layer = new LayerCipher(crypto);
  const n16 = crypto.randomBytes(16);
  const b1008 = crypto.randomBytes(1008);
  const layerOnly = () => layer.forward({ layerKey: key, nonceKey: key }, n16, b1008);
  const bloom = new DecayingBloomFilter(crypto, 0);
  const k16 = new Uint8Array(16);
  let ctr = 0;
  const filterOnly = () => {
    new DataView(k16.buffer).setUint32(0, ctr++);
    bloom.checkAndAdd(k16, 0);
  };
  const [c, b, f, l, q] = compare([ceiling, noCrypto, forward, layerOnly, filterOnly], { rounds: 5, minMs: 200 });
  const dropped = [...hop.drops.entries()].map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
  const rows = [
    ['raw node:crypto ChaCha20, 1028 B (the ceiling)', fmtRate(c!.opsPerSec), '100 %'],
    ['forwarding without crypto (decode, lookup, rewrite)', fmtRate(b!.opsPerSec), `${((100 * b!.opsPerSec) / c!.opsPerSec).toFixed(0)} %`],
    ['one transit hop: replay filter + nonce/body layers + forward', fmtRate(f!.opsPerSec), `${((100 * f!.opsPerSec) / c!.opsPerSec).toFixed(0)} %`],
    ['… its layer alone (3 ChaCha20 calls through the port)', fmtRate(l!.opsPerSec), `${((100 * l!.opsPerSec) / c!.opsPerSec).toFixed(0)} %`],
    ['… its replay filter alone (1 SHA-256 through the port)', fmtRate(q!.opsPerSec), `${((100 * q!.opsPerSec) / c!.opsPerSec).toFixed(0)} %`],
  ];
  return `${table(['per cell', 'cells/s', 'of the ceiling'], rows)}\n\nGoal: ≥ 50 % of the ceiling. Cells forwarded: ${hop.transit.forwarded - before}; drops: ${dropped}.`;
}

async function loopbackNet(n: number, onMessage: (i: number, m: Uint8Array) => void) {
  const clock = systemClock();
  const directory = new Map<string, { staticKey: Uint8Array; address: string }>();
  const nets: LinkTunnelNet[] = [];
  const routers: TunnelRouter[] = [];
  for (let i = 0; i < n; i++) {
    const id = identity();
    const net = new LinkTunnelNet({ crypto, clock, log: silentLog, transport: createTcpTransport(), staticKey: id.staticKey, netId: 99, routerInfo: new Uint8Array([1]), directory: { resolve: (h) => directory.get(hex(h)) } });
    const r = new TunnelRouter({ crypto, clock, log: silentLog, identity: id, net, config: { transitCap: 10_000, buildsPerSecond: 1e6 }, onMessage: (m) => onMessage(i, m) });
    directory.set(hex(id.hash), { staticKey: id.staticKey.publicKey, address: await net.listen('127.0.0.1:0', (m) => r.receive(m)) });
    nets.push(net);
    routers.push(r);
  }
  const spec = (r: TunnelRouter) => ({ hash: r.hash, staticKey: directory.get(hex(r.hash))!.staticKey });
  return { routers, spec, close: () => Promise.all(nets.map((x) => x.close())) };
}

async function buildLatency(): Promise<string> {
  const net = await loopbackNet(4, () => undefined);
  const [me, ...hops] = net.routers as [TunnelRouter, ...TunnelRouter[]];
  const specs = hops.map(net.spec);
  const times: number[] = [];
  for (let i = 0; i < 110; i++) {
    const t0 = performance.now();
    await me.build({ inbound: true, hops: specs });
    if (i >= 10) times.push(performance.now() - t0); // the first builds open the links
  }
  await net.close();
  const sorted = [...times].sort((a, b) => a - b);
  const p99 = sorted[Math.floor(sorted.length * 0.99) - 1] ?? Number.NaN;
  return table(['3-hop inbound build over TCP links on loopback (100 builds)', 'p50', 'p99'], [['build → all replies opened', `${median(times).toFixed(2)} ms`, `${p99.toFixed(2)} ms`]]) + '\n\nGoal: p50 < 20 ms.';
}

/** Owner → 3-hop outbound → device's 3-hop inbound, and back the same way; 8 routers on TCP. */
async function endToEnd(): Promise<string> {
  let waiter: { need: number; got: number; done: () => void } | undefined;
  let echo: (m: Uint8Array) => void = () => undefined;
  const net = await loopbackNet(14, (i, m) => {
    if (i === 1) echo(m);
    if (i === 0 && waiter !== undefined && ++waiter.got >= waiter.need) waiter.done();
  });
  const [owner, device, ...hops] = net.routers as [TunnelRouter, TunnelRouter, ...TunnelRouter[]];
  const devIn = await device.build({ inbound: true, hops: hops.slice(0, 3).map(net.spec) });
  const devOut = await device.build({ inbound: false, hops: hops.slice(3, 6).map(net.spec) });
  const ownIn = await owner.build({ inbound: true, hops: hops.slice(6, 9).map(net.spec) });
  const ownOut = await owner.build({ inbound: false, hops: hops.slice(9, 12).map(net.spec) });
  const toDev = { type: 'tunnel' as const, tunnelId: devIn.gateway.tunnelId, router: devIn.gateway.router };
  const toOwn = { type: 'tunnel' as const, tunnelId: ownIn.gateway.tunnelId, router: ownIn.gateway.router };
  echo = (m) => device.sendOutbound(devOut, toOwn, m.length > 64 ? m.subarray(0, 64) : m);
  const until = (need: number) => new Promise<void>((done) => (waiter = { need, got: 0, done }));
  const rtts: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const p = until(1);
    owner.sendOutbound(ownOut, toDev, new Uint8Array([TMSG.data, i]));
    await p;
    if (i >= 10) rtts.push(performance.now() - t0);
  }
  const size = 16 * 1024 - 1;
  const count = 200;
  const t0 = performance.now();
  const all = until(count);
  for (let i = 0; i < count; i++) {
    owner.sendOutbound(ownOut, toDev, new Uint8Array(size).fill(TMSG.data, 0, 1));
    if (i % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  await all;
  const seconds = (performance.now() - t0) / 1000;
  await net.close();
  return table(['3 + 3 hops over TCP links on loopback (14 routers, one process)', 'value'], [
    ['round-trip time, 2-byte message and its echo (p50 of 50)', `${median(rtts).toFixed(2)} ms`],
    [`one-way throughput, ${count} × 16 KiB messages (echoes of 64 B back)`, `${((count * size) / seconds / 2 ** 20).toFixed(2)} MiB/s`],
  ]) + '\n\nI2P documents 20–50 KB/s per tunnel (research/overlay.md §0). All routers share one event loop here.';
}

async function transitMemory(): Promise<string> {
  const clock = new VirtualClock();
  const hub = new MemoryTunnelHub();
  const ids = [identity(), identity()];
  const [me, hop] = ids.map((id) => {
    const r = new TunnelRouter({ crypto, clock, log: silentLog, identity: id, net: hub.netFor(id.hash), config: { transitCap: 10_000, buildsPerSecond: 1e6 } });
    hub.attach(id.hash, r);
    return r;
  }) as [TunnelRouter, TunnelRouter];
  const spec = { hash: hop.hash, staticKey: ids[1]!.staticKey.publicKey };
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i < 500; i++) {
    void me.build({ inbound: true, hops: [spec] }).catch(() => undefined);
    if (i % 50 === 49) await clock.advance(1);
  }
  await clock.advance(5);
  global.gc?.();
  const rss1 = process.memoryUsage().rss;
  return table(['transit tunnels held by one hop', 'RSS growth', 'Bloom filter (fixed)'], [[String(hop.transit.size), `${((rss1 - rss0) / 2 ** 20).toFixed(1)} MiB`, `${(hop.transit.bloomBytes / 2 ** 20).toFixed(1)} MiB`]]) + '\n\nTarget: 500 transit tunnels well under 100 MB (i2pd #1509).';
}

export const section: BenchSection = {
  id: 'tunnel',
  title: 'Tunnels: per-hop forwarding, 3-hop build, transit memory',
  async run() {
    return [await forwarding(), await buildLatency(), await endToEnd(), await transitMemory()].join('\n\n');
  },
};
