import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netCommands } from '../../agent/cli/commands/net.ts';
import type { Invocation } from '../../agent/cli/command.ts';
import { createNodeCrypto } from '../../agent/crypto/index.ts';
import { initIdentity } from '../../agent/identity/store.ts';
import { softwareKeyStore } from '../../agent/identity/software-keystore.ts';
import {
  createRouter, createTcpTransport, fileNetDbStore, NETDB_FILE, NetDb, readSeedBundle, silentLog, staticKeyFromSeed, systemClock,
} from '../../agent/overlay/index.ts';

const crypto = createNodeCrypto();
const NET = '5151';

async function run(path: string[], dir: string, options: Record<string, string | boolean> = {}, positionals: string[] = []) {
  const cmd = netCommands.find((c) => c.path.join(' ') === path.join(' '))!;
  let out = '';
  let err = '';
  const inv: Invocation = {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: dir },
    options: { 'net-id': NET, ...options }, positionals, dir,
  };
  const code = (await cmd.run(inv)) ?? 0;
  return { code, out, err };
}

function tcpRouter(floodfill: boolean, dir: string) {
  const seed = crypto.randomBytes(32);
  const clock = systemClock();
  const netDb = new NetDb({ crypto, clock, log: silentLog, netId: Number(NET), persistence: fileNetDbStore(join(dir, `${Buffer.from(seed).toString('hex').slice(0, 8)}.cbor`)) });
  return createRouter({
    crypto, clock, log: silentLog, netDb, transport: createTcpTransport(),
    identity: { signer: softwareKeyStore(seed, crypto), staticKey: staticKeyFromSeed(crypto, crypto.randomBytes(32)) },
    config: { netId: Number(NET), listen: '127.0.0.1:0', floodfill, exploreIntervalMs: 3600_000 },
  });
}

describe('ip2 net', () => {
  it('status, peers, lookup (local and --live) and seed against real routers on loopback', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ip2-net-'));
    const { store, record } = await initIdentity(dir, { crypto });
    await store.close();
    const ff1 = tcpRouter(true, dir);
    const ff2 = tcpRouter(true, dir);
    const other = tcpRouter(false, dir);
    await ff1.start();
    await ff2.start();
    for (const f of [ff1, ff2]) for (const g of [ff1, ff2]) f.deps.netDb.putVerified(g.ownRouterInfo);
    other.deps.netDb.putVerified(ff1.ownRouterInfo);
    other.deps.netDb.putVerified(ff2.ownRouterInfo);
    await other.start();
    // the device's persisted netDb knows the two floodfills only
    const deviceDb = new NetDb({ crypto, clock: systemClock(), log: silentLog, netId: Number(NET), persistence: fileNetDbStore(join(dir, NETDB_FILE)) });
    deviceDb.putVerified(ff1.ownRouterInfo);
    deviceDb.putVerified(ff2.ownRouterInfo);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'overlay'), { recursive: true });
    await deviceDb.save();
    try {
      const status = JSON.parse((await run(['net', 'status'], dir, { json: true })).out) as { did: string; knownRouters: number; floodfills: number };
      expect(status).toMatchObject({ did: record.did, knownRouters: 2, floodfills: 2 });
      const peers = JSON.parse((await run(['net', 'peers'], dir, { json: true })).out) as { hash: string }[];
      expect(peers.map((p) => p.hash).sort()).toEqual([ff1.hashHex, ff2.hashHex].sort());
      expect((await run(['net', 'lookup'], dir, {}, [ff1.hashHex])).code).toBe(0);
      expect((await run(['net', 'lookup'], dir, {}, [other.hashHex])).code).toBe(1);
      const live = await run(['net', 'lookup'], dir, { live: true, json: true }, [other.deps.identity.signer.did]);
      expect(live.code).toBe(0);
      expect(JSON.parse(live.out)).toMatchObject({ hash: other.hashHex, hops: 1 });
      const seeded = await run(['net', 'seed'], dir, { out: 'bundle.cose', 'floodfills-only': true });
      expect(seeded.code).toBe(0);
      const ris = readSeedBundle(new Uint8Array(await readFile(join(dir, 'bundle.cose'))), { crypto, did: record.did, netId: Number(NET) });
      expect(ris).toHaveLength(2);
      await expect(run(['net', 'lookup'], dir, {}, ['nonsense'])).rejects.toMatchObject({ code: 'USAGE' });
    } finally {
      for (const r of [other, ff1, ff2]) await r.stop();
    }
  });
});
