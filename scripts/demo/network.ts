/**
 * The local IP2 network of the demo: router processes (`ip2 demo node`) on their own loopback
 * addresses, a private network id, and a seed bundle of the floodfills' signed RouterInfos,
 * signed by a seed key of this run. Each node has a state directory under the demo root.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCrypto } from '../../agent/crypto/index.ts';
import { initIdentity, openIdentity } from '../../agent/identity/store.ts';
import { makeSeedBundle } from '../../agent/overlay/index.ts';
import { DemoError } from './errors.ts';
import type { Narrator } from './narrate.ts';
import type { Proc, Supervisor } from './procs.ts';

/** A private network id, so that nothing of this run can talk to the main network. */
export const DEMO_NET_ID = 0x1d2_0001;
const READY_MS = 60_000;
const JOIN_MS = 60_000;

export interface NodeHandle {
  readonly name: string;
  readonly dir: string;
  readonly host: string;
  readonly did: string;
  /** Router hash (hex), as in the netDb. */
  readonly hash: string;
  readonly address: string;
  readonly floodfill: boolean;
  /** Its signed RouterInfo as it announced it at start. */
  readonly ri: Uint8Array;
  readonly proc: Proc;
}

export interface Network {
  readonly netId: number;
  readonly seedPath: string;
  readonly seedDid: string;
  readonly nodes: NodeHandle[];
  /** Starts one more router (the device's, the owner's) from the seed bundle. */
  join(name: string, dir: string, host: string): Promise<NodeHandle>;
  /** Known routers per floodfill, read from the live processes. */
  floodfillViews(): Promise<{ name: string; knownRouters: number }[]>;
  waitConverged(expected: number, n: Narrator, label: string): Promise<void>;
}

async function startNode(sup: Supervisor, name: string, dir: string, host: string, netId: number, floodfill: boolean, seed?: { path: string; did: string }): Promise<NodeHandle> {
  const cfg = { dir, host, netId, floodfill, ...(seed === undefined ? {} : { seedPath: seed.path, seedDid: seed.did }) };
  const proc = sup.start(name, ['demo', 'node', JSON.stringify(cfg)]);
  const ready = await proc.next('ready', READY_MS);
  const ri = Uint8Array.from(Buffer.from(String(ready['ri']), 'hex'));
  return { name, dir, host, did: String(ready['did']), hash: String(ready['hash']), address: String(ready['address']), floodfill, ri, proc };
}

export async function launchNetwork(sup: Supervisor, root: string, n: Narrator): Promise<Network> {
  const crypto = defaultCrypto();
  const netId = DEMO_NET_ID;
  const nodes: NodeHandle[] = [];
  const ffNames = ['floodfill-1', 'floodfill-2'];
  const routerNames = ['router-1', 'router-2', 'router-3'];
  const all = [...ffNames, ...routerNames];
  await n.wait(`identities for ${all.length} routers and the seed key`, async () => {
    for (const name of [...all, 'seed-key']) {
      const { store } = await initIdentity(join(root, name), { crypto });
      await store.close();
    }
  });
  const ffs = await n.wait('2 floodfills start on 127.41.0.1 and 127.42.0.1', () =>
    Promise.all(ffNames.map((name, i) => startNode(sup, name, join(root, name), `127.${41 + i}.0.1`, netId, true))));
  nodes.push(...ffs);
  for (const f of ffs) n.say(`${f.name.padEnd(12)} ${f.address.padEnd(18)} ${f.did}`);

  const seedPath = join(root, 'seed.bundle');
  const { store: seedKey } = await openIdentity(join(root, 'seed-key'), { crypto });
  try {
    const bundle = await makeSeedBundle(ffs.map((f) => f.ri), seedKey, netId, Date.now());
    await writeFile(seedPath, bundle);
    n.ok(`seed bundle: ${ffs.length} signed RouterInfos, network ${netId}, signed by ${seedKey.did.slice(0, 24)}…`);
  } finally {
    await seedKey.close();
  }
  const seed = { path: seedPath, did: seedKey.did };
  for (const f of ffs) await f.proc.ask({ cmd: 'seed', path: seed.path, did: seed.did }, 'seeded');

  const routers = await n.wait('3 routers start from the seed bundle', () =>
    Promise.all(routerNames.map((name, i) => startNode(sup, name, join(root, name), `127.${51 + i}.0.1`, netId, false, seed))));
  nodes.push(...routers);
  for (const r of routers) n.say(`${r.name.padEnd(12)} ${r.address.padEnd(18)} ${r.did}`);

  const net: Network = {
    netId, seedPath, seedDid: seed.did, nodes,
    async join(name, dir, host) {
      const h = await startNode(sup, name, dir, host, netId, false, seed);
      nodes.push(h);
      return h;
    },
    async floodfillViews() {
      return Promise.all(nodes.filter((x) => x.floodfill).map(async (f) => ({
        name: f.name, knownRouters: Number(((await f.proc.ask({ cmd: 'status' }, 'status'))['status'] as { knownRouters: number }).knownRouters),
      })));
    },
    async waitConverged(expected, narr, label) {
      await narr.wait(label, async (progress) => {
        const deadline = Date.now() + JOIN_MS;
        for (;;) {
          const views = await net.floodfillViews();
          progress(`${label}: ${views.map((v) => `${v.name} knows ${v.knownRouters}/${expected}`).join(', ')}`);
          if (views.every((v) => v.knownRouters >= expected)) return;
          if (Date.now() > deadline) throw new DemoError('TIMEOUT', `the floodfills did not learn all ${expected} routers within ${JOIN_MS} ms`);
          await new Promise((r) => setTimeout(r, 300));
        }
      });
    },
  };
  await net.waitConverged(nodes.length, n, 'RouterInfos propagate through the floodfills');
  return net;
}
