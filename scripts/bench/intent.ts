/**
 * Bench section `intent`: verified intents per second through the whole verification pipeline
 * (bounded decode, audience, time window, replay cache, chain checks, COSE_Sign1 Ed25519 verify,
 * policy decision over policies/defaults), next to the node:crypto Ed25519 verify ceiling
 * measured in the same run, rounds interleaved. DESIGN.md §10: goal ≥ 80 % of the ceiling.
 * "with audit" adds a hash-chained audit append per intent, written in batches (group commit,
 * no fsync), so it measures the record encoding and hashing, not the disk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditLog } from '../../agent/audit/index.ts';
import { createNodeCrypto } from '../../agent/crypto/node-adapter.ts';
import { softwareKeyStore } from '../../agent/identity/software-keystore.ts';
import {
  type ReplayCache, type Verdict, createChallenges, createClockState, createGrant, createIntent, createIntentVerifier,
  createReplayCache, maskArgs,
} from '../../agent/intent/index.ts';
import { compile, loadPolicyDir } from '../../policies/index.ts';
import type { BenchSection } from './harness.ts';
import { fmtRate, measure, median, table } from './harness.ts';

const POOL = 4096;
const ROUNDS = 5;
const ROUND_MS = 300;

async function setup(): Promise<{ direct: Uint8Array[]; delegated: Uint8Array[]; resetReplay: () => void; verify: (env: Uint8Array) => Verdict; ceiling: () => boolean }> {
  const crypto = createNodeCrypto();
  const device = softwareKeyStore(new Uint8Array(32).fill(1), crypto);
  const owner = softwareKeyStore(new Uint8Array(32).fill(2), crypto);
  const friend = softwareKeyStore(new Uint8Array(32).fill(3), crypto);
  const wall = { now: () => 1_800_000_000_000, monotonic: () => 0 };
  const nowS = 1_800_000_000;
  const grant = await createGrant(owner, { aud: friend.did, sub: device.did, cmd: 'read_temperature', nbf: nowS - 60, exp: nowS + 86_400 }, crypto);
  const make = (signer: typeof owner, prf: Uint8Array[]): Promise<Uint8Array> =>
    createIntent(signer, { aud: device.did, cmd: 'read_temperature', iat: nowS, exp: nowS + 60, prf }, crypto);
  const direct = await Promise.all(Array.from({ length: POOL }, () => make(owner, [])));
  const delegated = await Promise.all(Array.from({ length: POOL }, () => make(friend, [grant])));
  const policies = compile(await loadPolicyDir(new URL('../../policies/defaults', import.meta.url).pathname));
  // A fresh replay cache whenever a pool is reused (cycler), so every measured intent is new to it.
  let replay: ReplayCache = createReplayCache({ maxEntries: 4 * POOL });
  const swapping: ReplayCache = {
    seen: (i, n, s) => replay.seen(i, n, s),
    record: (i, n, u, s) => replay.record(i, n, u, s),
    get size() {
      return replay.size;
    },
  };
  const resetReplay = (): void => {
    replay = createReplayCache({ maxEntries: 4 * POOL });
  };
  const verifier = createIntentVerifier({
    crypto, deviceDid: device.did, clock: createClockState({ clock: wall, state: 'trusted' }), challenges: createChallenges({ crypto, clock: wall }),
    policies: () => policies, controllers: () => [owner.did], revocations: { has: () => false }, replay: swapping, bootS: nowS - 3600,
  });
  const msg = direct[0]!.subarray(0, 200);
  const sig = crypto.ed25519.sign(new Uint8Array(32).fill(2), msg);
  return { direct, delegated, resetReplay, verify: (e) => verifier.verify(e), ceiling: () => crypto.ed25519.verify(owner.publicKey, msg, sig) };
}

function cycler(pool: Uint8Array[], verify: (e: Uint8Array) => Verdict, reset: () => void): () => Verdict {
  let i = 0;
  return () => {
    if (i % pool.length === 0) reset();
    const v = verify(pool[i++ % pool.length]!);
    if (!v.ok) throw new Error(`bench intent refused: ${v.reason}`);
    return v;
  };
}

/** Verifies and appends to a real hash-chained log, awaiting the group commit every 256 intents. */
async function withAudit(op: () => Verdict, ms: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'ip2-bench-audit-'));
  const crypto = createNodeCrypto();
  const signer = softwareKeyStore(new Uint8Array(32).fill(1), crypto);
  const log = await openAuditLog({ path: join(dir, 'audit.log'), crypto, signer, clock: { now: () => 0 }, sync: false, checkpointEvery: 4096 });
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    const batch: Promise<unknown>[] = [];
    for (let k = 0; k < 256; k++) {
      const v = op();
      batch.push(log.append({
        t: 0, clockState: v.clockState, reqHash: v.reqHash, iss: v.intent!.iss, cmd: v.intent!.cmd,
        args: maskArgs(v.intent!.cmd, v.intent!.args), decision: 'allow', determining: v.determining, reason: null,
      }));
    }
    await Promise.all(batch);
    n += 256;
  }
  const rate = (n * 1000) / (performance.now() - start);
  await log.close();
  await rm(dir, { recursive: true, force: true });
  return rate;
}

export const section: BenchSection = {
  id: 'intent',
  title: 'Signed intents: verified intents per second against the Ed25519 verify ceiling',
  async run() {
    const s = await setup();
    const direct = cycler(s.direct, s.verify, s.resetReplay);
    const delegated = cycler(s.delegated, s.verify, s.resetReplay);
    const rates = { ceiling: [] as number[], direct: [] as number[], delegated: [] as number[], audit: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      rates.ceiling.push(measure(s.ceiling, { minMs: ROUND_MS, rounds: 1 }).opsPerSec);
      rates.direct.push(measure(direct, { minMs: ROUND_MS, rounds: 1 }).opsPerSec);
      rates.delegated.push(measure(delegated, { minMs: ROUND_MS, rounds: 1 }).opsPerSec);
      rates.audit.push(await withAudit(direct, ROUND_MS));
    }
    const ceiling = median(rates.ceiling);
    const row = (name: string, xs: number[]): string[] => [name, fmtRate(median(xs)), `${((100 * median(xs)) / ceiling).toFixed(0)} %`];
    return `${table([`pipeline (median of ${ROUNDS} interleaved rounds)`, 'rate', 'of ceiling'], [
      row('node:crypto Ed25519 verify (ceiling)', rates.ceiling),
      row('owner intent: decode + checks + verify + policy', rates.direct),
      row('delegated intent, depth 1 (grant verify memoised)', rates.delegated),
      row('owner intent + audit append (batched, no fsync)', rates.audit),
    ])}

Goal (DESIGN.md §10): ≥ 80 % of the ceiling. Each intent is unique (a fresh replay cache per
pool pass), so the replay check and insertion are real; the grant of the delegated case is
verified once and then found in the memo by its hash, as in steady state.`;
  },
};
