/**
 * The "done when" of issue 6, with real processes: 3 floodfills and 9 routers on distinct
 * 127.x.y.1 addresses (distinct /16s), a private network id and a signed seed bundle.
 * Every wait is bounded; every process is stopped in afterAll.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../agent/crypto/index.ts';
import { softwareKeyStore } from '../../agent/identity/software-keystore.ts';
import { makeSeedBundle } from '../../agent/overlay/seed.ts';
import { NodeProc } from './helpers/procs.ts';

const NET_ID = 31337;
const crypto = createNodeCrypto();
const root = mkdtempSync(join(tmpdir(), 'ip2-localnet-'));
const seedKey = softwareKeyStore(new Uint8Array(32).fill(77), crypto);
const procs: NodeProc[] = [];

interface Started { proc: NodeProc; hash: string; host: string; seedHex: string; dir: string; ri: Uint8Array }

async function startNode(host: string, floodfill: boolean, seedPath?: string, seedHex = Buffer.from(crypto.randomBytes(32)).toString('hex')): Promise<Started> {
  const dir = join(root, host);
  mkdirSync(dir, { recursive: true });
  const proc = new NodeProc({ dir, host, floodfill, netId: NET_ID, seedHex, ...(seedPath ? { seedPath, seedDid: seedKey.did } : {}) });
  procs.push(proc);
  const ready = await proc.next('ready', 30_000);
  return { proc, hash: ready['hash'] as string, host, seedHex, dir, ri: Uint8Array.from(Buffer.from(ready['ri'] as string, 'hex')) };
}

async function waitFor(pred: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

const known = async (n: Started) => ((await n.proc.ask({ cmd: 'status' }, 'status'))['status'] as { knownRouters: number }).knownRouters;

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
});

describe('a 12-process IP2 network on loopback', () => {
  it('propagates, looks up, survives failures, and rejoins from the persisted netDb', async () => {
    const ffs = await Promise.all([1, 2, 3].map((i) => startNode(`127.${i}.0.1`, true)));
    // the seed bundle holds the floodfills' signed RouterInfos, signed by the seed key
    const seedPath = join(root, 'seed.bundle');
    writeFileSync(seedPath, await makeSeedBundle(ffs.map((f) => f.ri), seedKey, NET_ID, Date.now()));
    for (const f of ffs) await f.proc.ask({ cmd: 'seed', path: seedPath, did: seedKey.did }, 'seeded');

    const routers = await Promise.all(Array.from({ length: 9 }, (_, i) => startNode(`127.${10 + i}.0.1`, false, seedPath)));
    const all = [...ffs, ...routers];

    // all RouterInfos propagate through the floodfills
    await waitFor(async () => (await Promise.all(ffs.map(known))).every((n) => n === all.length), 30_000);

    // a lookup for any router from any router succeeds
    for (const a of routers) {
      for (const b of all) {
        if (a === b) continue;
        const r = await a.proc.ask({ cmd: 'lookup', hash: b.hash, forget: true }, 'lookup');
        expect(r, `${a.host} -> ${b.host}`).toMatchObject({ ok: true });
      }
    }

    // kill a floodfill and a third of the routers: lookups keep working
    ffs[0]!.proc.kill();
    for (const r of routers.slice(0, 3)) r.proc.kill();
    const alive = [...ffs.slice(1), ...routers.slice(3)];
    for (const a of routers.slice(3)) {
      for (const b of alive) {
        if (a === b) continue;
        const r = await a.proc.ask({ cmd: 'lookup', hash: b.hash, forget: true }, 'lookup', 30_000);
        expect(r, `${a.host} -> ${b.host} after failures`).toMatchObject({ ok: true });
      }
    }

    // a restarted router rejoins from its persisted netDb without the seed bundle
    const old = routers[5]!;
    await old.proc.stop();
    const again = await startNode(old.host, false, undefined, old.seedHex);
    expect(again.hash).toBe(old.hash);
    const status = (await again.proc.ask({ cmd: 'status' }, 'status'))['status'] as { floodfills: number };
    expect(status.floodfills).toBeGreaterThanOrEqual(2);
    const asker = routers[6]!;
    await waitFor(async () => {
      const r = await asker.proc.ask({ cmd: 'lookup', hash: again.hash, forget: true }, 'lookup', 30_000);
      const s = (await again.proc.ask({ cmd: 'status' }, 'status'))['status'] as { address: string };
      return r['ok'] === true && String(r['port']) === s.address.split(':')[1];
    }, 20_000);
  }, 85_000);
});
