/**
 * One router of the demo network (`ip2 demo node CONFIG`), with the identity of a state
 * directory, a TCP transport on its own 127.x.y.z address, and the netDb persisted in
 * `<dir>/overlay/netdb.cbor` (saved every few seconds, so `ip2 net peers --dir <dir>` shows what
 * it knows). Control: one JSON object per line on stdin, answers as JSON lines on stdout:
 *   in:  {"cmd":"status"} | {"cmd":"seed","path":p,"did":d} | {"cmd":"lookup","did":d} | {"cmd":"stop"}
 *   out: {"ready":…} first, then one answer per command.
 * It stops on SIGTERM/SIGINT and when its stdin closes (the launcher is gone).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { defaultCrypto } from '../../agent/crypto/index.ts';
import { openIdentity } from '../../agent/identity/store.ts';
import {
  createRouter, createTcpTransport, fileNetDbStore, jsonLineLog, loadOrCreateStaticKey, NetDb, NETDB_FILE, routerHash,
  seedFrom, STATIC_KEY_FILE, systemClock,
} from '../../agent/overlay/index.ts';

export interface DemoNodeConfig {
  readonly dir: string;
  readonly host: string;
  readonly netId: number;
  readonly floodfill: boolean;
  readonly seedPath?: string;
  readonly seedDid?: string;
}

const SAVE_EVERY_MS = 3000;
const MIN_SEED_ROUTERS = 2;

export function parseNodeConfig(text: string): DemoNodeConfig {
  const v = JSON.parse(text) as Partial<DemoNodeConfig>;
  if (typeof v.dir !== 'string' || typeof v.host !== 'string' || !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v.host)) {
    throw new TypeError('node config needs dir and a 127.x.y.z host');
  }
  if (typeof v.netId !== 'number' || typeof v.floodfill !== 'boolean') throw new TypeError('node config needs netId and floodfill');
  return v as DemoNodeConfig;
}

export async function runDemoNode(cfg: DemoNodeConfig, io: { stdin: Readable; stdout: { write(s: string): unknown }; stderr: NodeJS.WritableStream }): Promise<void> {
  const crypto = defaultCrypto();
  const clock = systemClock();
  const log = jsonLineLog(`demo-node:${cfg.host}`, io.stderr, 'warn');
  const { store } = await openIdentity(cfg.dir, { crypto });
  await mkdir(dirname(join(cfg.dir, STATIC_KEY_FILE)), { recursive: true, mode: 0o700 });
  const netDb = new NetDb({ crypto, clock, log, netId: cfg.netId, persistence: fileNetDbStore(join(cfg.dir, NETDB_FILE)) });
  const router = createRouter({
    crypto, clock, log, netDb, transport: createTcpTransport(),
    identity: { signer: store, staticKey: await loadOrCreateStaticKey(crypto, join(cfg.dir, STATIC_KEY_FILE)) },
    config: {
      netId: cfg.netId, listen: `${cfg.host}:0`, floodfill: cfg.floodfill, exploreIntervalMs: 2000, maxLinksPerIp: 16,
      ...(cfg.seedPath !== undefined && cfg.seedDid !== undefined ? { seed: seedFrom(cfg.seedPath, cfg.seedDid, MIN_SEED_ROUTERS) } : {}),
    },
  });
  const out = (v: unknown): void => {
    io.stdout.write(`${JSON.stringify(v)}\n`);
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(saver);
      await router.stop(); // saves the netDb
      await store.close();
    })();
    return stopping;
  };

  await router.start();
  const saver = setInterval(() => void netDb.save().catch(() => undefined), SAVE_EVERY_MS);
  out({ ready: true, did: store.did, hash: router.hashHex, address: router.address, ri: Buffer.from(router.ownRouterInfo.bytes).toString('hex') });

  async function command(line: string): Promise<void> {
    const c = JSON.parse(line) as { cmd?: string; path?: string; did?: string };
    if (c.cmd === 'status') {
      const s = router.status();
      out({ status: { ...s, links: s.links.length, peers: s.links.map((l) => l.hash) } });
    } else if (c.cmd === 'seed') {
      await router.bootstrap(seedFrom(c.path ?? '', c.did ?? '', MIN_SEED_ROUTERS));
      await router.republish();
      out({ seeded: true, known: netDb.size });
    } else if (c.cmd === 'lookup') {
      const hash = routerHash(crypto, c.did ?? '');
      netDb.delete(hash);
      try {
        const r = await router.service.lookup(hash);
        out({ lookup: c.did, ok: true, hops: r.hops, address: r.entry.info.addresses.map((a) => `${a.host}:${a.port}`).join(',') });
      } catch (err) {
        out({ lookup: c.did, ok: false, code: (err as { code?: string }).code ?? 'ERROR' });
      }
    } else if (c.cmd === 'stop') {
      await stop();
      out({ stopped: true });
    }
  }

  let chain = Promise.resolve();
  const lines = createInterface({ input: io.stdin });
  lines.on('line', (line) => {
    chain = chain.then(() => command(line)).catch((err: unknown) => out({ error: String(err) }));
  });
  await new Promise<void>((resolve) => {
    lines.once('close', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  lines.close();
  await stop();
}
