/**
 * Bench section `crypto`: the two adapters of the crypto port side by side, rounds interleaved
 * (harness `compare`), on the operations the agent's hot paths use. Ratios are node/noble.
 */
import { createNobleCrypto } from '../../agent/crypto/noble-adapter.ts';
import { createNodeCrypto } from '../../agent/crypto/node-adapter.ts';
import type { CryptoPort } from '../../agent/crypto/port.ts';
import type { BenchSection } from './harness.ts';
import { compare, fmtRate, table } from './harness.ts';

/** An onion cell as the overlay sends it (DESIGN.md: 1028-byte tunnel cells). */
const CELL = 1028;
const BIG = 64 * 1024;
/** More distinct keys than the node adapter's cache holds (256), so every lookup misses. */
const COLD_KEYS = 512;

interface Row {
  readonly op: string;
  readonly bytes?: number;
  /** Builds the operation for one adapter; setup work happens outside the timed closure. */
  readonly make: (c: CryptoPort) => () => unknown;
}

function rows(): Row[] {
  const msg = new Uint8Array(64).fill(0x5a);
  const aeadKey = new Uint8Array(32).fill(1);
  const nonce = new Uint8Array(12).fill(2);
  const cell = new Uint8Array(CELL).fill(3);
  const big = new Uint8Array(BIG).fill(4);
  const ref = createNobleCrypto();
  const seed = ref.randomBytes(32);
  const edPub = ref.ed25519.publicKey(seed);
  const edSig = ref.ed25519.sign(seed, msg);
  const pd = ref.randomBytes(32);
  const pPub = ref.p256.publicKey(pd);
  const pSig = ref.p256.sign(pd, msg);
  const xa = ref.randomBytes(32);
  const xbPub = ref.x25519.publicKey(ref.randomBytes(32));
  const cold = Array.from({ length: COLD_KEYS }, () => {
    const s = ref.randomBytes(32);
    return { pub: ref.ed25519.publicKey(s), sig: ref.ed25519.sign(s, msg) };
  });
  return [
    { op: 'Ed25519 sign (64 B)', make: (c) => () => c.ed25519.sign(seed, msg) },
    { op: 'Ed25519 verify (64 B)', make: (c) => () => c.ed25519.verify(edPub, msg, edSig) },
    {
      op: `Ed25519 verify, ${COLD_KEYS} rotating keys (cache misses)`,
      make: (c) => {
        let i = 0;
        return () => {
          const k = cold[i++ % COLD_KEYS]!;
          return c.ed25519.verify(k.pub, msg, k.sig);
        };
      },
    },
    { op: 'P-256 verify (64 B, compressed key)', make: (c) => () => c.p256.verify(pPub, msg, pSig) },
    { op: 'X25519 shared secret', make: (c) => () => c.x25519.sharedSecret(xa, xbPub) },
    { op: `ChaCha20-Poly1305 seal ${CELL} B`, bytes: CELL, make: (c) => () => c.chacha20poly1305.seal(aeadKey, nonce, cell) },
    { op: 'ChaCha20-Poly1305 seal 64 KiB', bytes: BIG, make: (c) => () => c.chacha20poly1305.seal(aeadKey, nonce, big) },
    { op: `ChaCha20 raw ${CELL} B`, bytes: CELL, make: (c) => () => c.chacha20(aeadKey, nonce, 1, cell) },
  ];
}

function cellOf(rate: number, bytes: number | undefined): string {
  if (bytes === undefined) return fmtRate(rate);
  return `${fmtRate(rate)} (${((rate * bytes) / 1e6).toFixed(0)} MB/s)`;
}

async function run(): Promise<string> {
  const node = createNodeCrypto();
  const noble = createNobleCrypto();
  const body: string[][] = [];
  for (const row of rows()) {
    const [a, b] = compare([row.make(node), row.make(noble)], { minMs: 150, rounds: 5 });
    body.push([row.op, cellOf(a!.opsPerSec, row.bytes), cellOf(b!.opsPerSec, row.bytes), `${(a!.opsPerSec / b!.opsPerSec).toFixed(1)}×`]);
    await Promise.resolve();
  }
  return [
    'Each row interleaves 5 rounds of ≥150 ms per adapter and reports the median rate.',
    '`node` is node:crypto (OpenSSL) with its per-instance KeyObject cache; `noble` is @noble/curves,',
    '@noble/ciphers and @noble/hashes 2.4. The rotating-keys row defeats the node cache (256 entries)',
    'to show the cost of importing a raw key. Messages are 64 bytes; cells are 1028 bytes.',
    '',
    table(['Operation', 'node', 'noble', 'node/noble'], body),
  ].join('\n');
}

export const section: BenchSection = { id: 'crypto', title: 'Crypto port: node:crypto vs noble', run };
