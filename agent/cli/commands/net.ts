/**
 * `ip2 net status | peers | lookup | seed`: the overlay from the command line.
 *
 * These read the persisted netDb of the state directory (`overlay/netdb.cbor`, written by
 * `ip2 run`). `lookup --live` starts a short-lived router on 127.0.0.1 with this device's
 * identity and runs a real iterative lookup through the floodfills it knows.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { defaultCrypto } from '../../crypto/index.ts';
import { openIdentity, readIdentityRecord } from '../../identity/store.ts';
import {
  createRouter, createTcpTransport, fileNetDbStore, loadOrCreateStaticKey, makeSeedBundle, MAIN_NET_ID, NETDB_FILE, NetDb,
  routerHash, silentLog, STATIC_KEY_FILE, systemClock, type VerifiedRouterInfo,
} from '../../overlay/index.ts';
import { type Command, type Invocation, UsageError, flag, printJson, requireOption, stringOption } from '../command.ts';

const netIdOption = { type: 'string', arg: 'N', description: `network id (default ${MAIN_NET_ID}; test networks use their own)` } as const;

function netId(inv: Invocation): number {
  const text = stringOption(inv, 'net-id');
  if (text === undefined) return MAIN_NET_ID;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 0xffffffff) throw new UsageError('--net-id must be an integer in [0, 2^32)');
  return n;
}

async function loadNetDb(inv: Invocation): Promise<NetDb> {
  const crypto = defaultCrypto();
  const db = new NetDb({ crypto, clock: systemClock(), log: silentLog, netId: netId(inv), persistence: fileNetDbStore(join(inv.dir, NETDB_FILE)) });
  await db.load();
  return db;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function describe(e: VerifiedRouterInfo, now: number) {
  return {
    hash: hex(e.hash), did: e.info.did, addresses: e.info.addresses.map((a) => `${a.host}:${a.port}`),
    floodfill: e.info.floodfill, bandwidth: e.info.bandwidth, ageSeconds: Math.round((now - e.info.published) / 1000),
  };
}

const status: Command = {
  path: ['net', 'status'],
  summary: 'identity, router hash, known routers and floodfills of this device\'s overlay router',
  options: { json: { type: 'boolean', description: 'print as JSON' }, 'net-id': netIdOption },
  details: 'Reads the persisted netDb; reachability and live links are reported by the running daemon (ip2 run).',
  async run(inv) {
    const crypto = defaultCrypto();
    const record = await readIdentityRecord(inv.dir, crypto);
    const db = await loadNetDb(inv);
    const own = db.get(routerHash(crypto, record.did));
    const out = {
      did: record.did, hash: hex(routerHash(crypto, record.did)), netId: netId(inv),
      published: own === undefined ? null : describe(own, Date.now()), knownRouters: db.size, floodfills: db.floodfills().length,
    };
    if (flag(inv, 'json')) printJson(inv, out);
    else inv.io.stdout.write(`${out.did}\n  router ${out.hash.slice(0, 16)}…  network ${out.netId}\n  known routers ${out.knownRouters}, floodfills ${out.floodfills}\n`);
  },
};

const peers: Command = {
  path: ['net', 'peers'],
  summary: 'list the routers in the persisted netDb',
  options: { json: { type: 'boolean', description: 'print as JSON' }, 'net-id': netIdOption },
  async run(inv) {
    const db = await loadNetDb(inv);
    const now = Date.now();
    const list = db.all().map((e) => describe(e, now)).sort((a, b) => a.hash.localeCompare(b.hash));
    if (flag(inv, 'json')) {
      printJson(inv, list);
      return;
    }
    for (const p of list) inv.io.stdout.write(`${p.hash.slice(0, 16)}  ${p.floodfill ? 'ff' : '  '} ${p.bandwidth}  ${p.addresses.join(',').padEnd(22)} ${p.ageSeconds}s  ${p.did}\n`);
  },
};

function parseTarget(text: string): Uint8Array {
  if (/^[0-9a-f]{64}$/i.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  if (text.startsWith('did:key:')) return routerHash(defaultCrypto(), text);
  throw new UsageError(`expected a did:key or a 64-hex router hash, got ${text.slice(0, 80)}`);
}

const lookup: Command = {
  path: ['net', 'lookup'],
  usage: 'DID|HASH',
  summary: 'find a router\'s RouterInfo (locally, or with --live through the floodfills)',
  options: {
    live: { type: 'boolean', description: 'run an iterative lookup through the network now' },
    json: { type: 'boolean', description: 'print as JSON' },
    'net-id': netIdOption,
  },
  async run(inv) {
    if (inv.positionals.length !== 1) throw new UsageError('expected one DID or HASH');
    const target = parseTarget(inv.positionals[0] as string);
    const crypto = defaultCrypto();
    const db = await loadNetDb(inv);
    let found: VerifiedRouterInfo | undefined = db.get(target);
    let hops = 0;
    if (flag(inv, 'live')) {
      const { store } = await openIdentity(inv.dir, { crypto });
      const staticKey = await loadOrCreateStaticKey(crypto, join(inv.dir, STATIC_KEY_FILE));
      const router = createRouter({
        crypto, clock: systemClock(), log: silentLog, netDb: db, transport: createTcpTransport(),
        identity: { signer: store, staticKey }, config: { netId: netId(inv), listen: '127.0.0.1:0', exploreIntervalMs: 3600_000 },
      });
      try {
        await router.start();
        db.delete(target);
        const r = await router.service.lookup(target);
        found = r.entry;
        hops = r.hops;
      } finally {
        await router.stop();
        await store.close();
      }
    }
    if (found === undefined) {
      inv.io.stderr.write('not found in the local netDb (try --live)\n');
      return 1;
    }
    const out = { ...describe(found, Date.now()), hops };
    if (flag(inv, 'json')) printJson(inv, out);
    else inv.io.stdout.write(`${out.hash}\n  ${out.did}\n  ${out.addresses.join(', ')}  ${out.floodfill ? 'floodfill ' : ''}class ${out.bandwidth}, ${out.ageSeconds}s old, ${hops} hops\n`);
    return 0;
  },
};

const seed: Command = {
  path: ['net', 'seed'],
  summary: 'write a seed bundle (the known RouterInfos, signed by this device) for a private network',
  options: {
    out: { type: 'string', arg: 'FILE', description: 'where to write the bundle' },
    'floodfills-only': { type: 'boolean', description: 'include floodfills only' },
    'net-id': netIdOption,
  },
  details: 'Routers started with this bundle and this device\'s DID as the seed key join the network.',
  async run(inv) {
    const out = resolve(inv.io.cwd, requireOption(inv, 'out'));
    const crypto = defaultCrypto();
    const db = await loadNetDb(inv);
    const entries = flag(inv, 'floodfills-only') ? db.floodfills() : db.all();
    if (entries.length === 0) throw new UsageError('the netDb is empty: run the router first (ip2 run)');
    const { store } = await openIdentity(inv.dir, { crypto });
    try {
      const bundle = await makeSeedBundle(entries.map((e) => e.bytes), store, netId(inv), Date.now());
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, bundle);
      inv.io.stdout.write(`wrote ${entries.length} RouterInfos to ${out}\n  seed key ${store.did}\n`);
    } finally {
      await store.close();
    }
  },
};

export const netCommands: Command[] = [status, peers, lookup, seed];
