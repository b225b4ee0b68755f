import { createConnection } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor } from '../../agent/cbor/index.ts';
import { call, frame, requestFrame } from '../../agent/intent/index.ts';
import { identity, startDevice, type TestDevice } from './support.ts';

const REASONS = new Set([
  'malformed', 'too_large', 'wrong_audience', 'lifetime_too_long', 'expired', 'not_yet_valid', 'issued_before_boot', 'replay',
  'replay_cache_full', 'clock_untrusted', 'challenge_required', 'bad_challenge', 'bad_signature', 'chain_broken', 'chain_too_deep',
  'not_attenuated', 'revoked', 'not_granted', 'condition_failed', 'unknown_command', 'not_paired', 'no_matching_permit',
  'action_failed', 'bad_request', 'not_allowed_here', 'pairing_inactive', 'pairing_locked', 'pairing_bad_code', 'already_paired',
  'last_controller',
]);

const owner = identity(1);
let dev: TestDevice;
let valid: Uint8Array;
let grant: Uint8Array;

beforeAll(async () => {
  dev = await startDevice();
  grant = await dev.grant(owner, { aud: identity(2).did });
  valid = await dev.sign(identity(2), { prf: [grant] });
});
afterAll(async () => {
  await dev.close();
});

function expectRefusal(r: Record<string, unknown>): void {
  expect(r['ok']).toBe(false);
  const reason = String(r['reason']);
  expect(REASONS.has(reason) || reason.startsWith('denied_by_policy:'), reason).toBe(true);
}

describe('the endpoint refuses anything malformed with a typed reason, never a crash', () => {
  it('random request frames', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const res = decodeCbor(await requestFrame(dev.address, bytes)) as Record<string, unknown>;
        if (res['ok'] !== true) expectRefusal(res);
      }),
      { numRuns: 150 },
    );
  });

  it('random envelopes inside intent and pair requests', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 900 }), fc.constantFrom('intent', 'pair'), async (env, op) => {
        expectRefusal(await call(dev.address, { op, env }));
      }),
      { numRuns: 150 },
    );
  });

  it('mutated valid envelopes: flipped bits, truncations, splices', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        let env = valid.slice();
        for (const m of ms) {
          const at = m.at % env.length;
          if (m.kind === 'flip') env[at]! ^= 1 << m.bit;
          else if (m.kind === 'cut') env = env.slice(0, at);
          else env = Uint8Array.from([...env.subarray(0, at), ...m.junk, ...env.subarray(at)]);
        }
        const r = await call(dev.address, { op: 'intent', env });
        // A mutation that leaves the envelope valid (e.g. a flip undone) may pass; the rest are refusals.
        if (r.ok !== true) expectRefusal(r);
      }),
      { numRuns: 200 },
    );
    // The device still serves a good intent afterwards.
    expect((await dev.intent(owner)).reply.ok).toBe(true);
  });

  it('mutated intent payloads, re-signed by a valid key (shape errors past the signature)', async () => {
    const { createIntent } = await import('../../agent/intent/index.ts');
    const { crypto } = await import('./support.ts');
    const field = fc.constantFrom('v', 'iss', 'aud', 'cmd', 'args', 'iat', 'exp', 'nonce', 'prf', 'chal');
    const junk = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.uint8Array({ maxLength: 20 }), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
    await fc.assert(
      fc.asyncProperty(field, junk, async (key, value) => {
        const { signCose1 } = await import('../../agent/identity/cose.ts');
        const { CONTENT_TYPE } = await import('../../agent/intent/constants.ts');
        const base = decodeCbor((await import('../../agent/intent/fields.ts')).peekCosePayload(await createIntent(owner, {
          aud: dev.did, cmd: 'read_temperature', iat: dev.clock.nowS(), exp: dev.clock.nowS() + 60,
        }, crypto), 8192)) as Record<string, unknown>;
        const env = await signCose1(encodeCbor({ ...base, [key]: value }), owner, { contentType: CONTENT_TYPE.intent });
        const r = await call(dev.address, { op: 'intent', env });
        if (r.ok !== true) expectRefusal(r);
      }),
      { numRuns: 150 },
    );
  });

  it('an oversize frame length closes the connection; the server keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const s = createConnection((dev.address as { path: string }).path);
      s.on('connect', () => s.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1, 2, 3)));
      s.on('close', () => resolve());
      s.on('error', () => undefined);
    });
    // Two frames split across writes at odd places still get two answers.
    const a = frame(encodeCbor({ op: 'hello' }));
    const both = Uint8Array.from([...a, ...a]);
    const answers = await new Promise<number>((resolve) => {
      const s = createConnection((dev.address as { path: string }).path);
      let got = 0;
      s.on('connect', () => {
        s.write(both.subarray(0, 3));
        setImmediate(() => s.write(both.subarray(3, a.length + 2)));
        setTimeout(() => s.write(both.subarray(a.length + 2)), 5);
      });
      s.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= 8) {
          s.end();
          resolve(got);
        }
      });
    });
    expect(answers).toBeGreaterThan(8);
    expect((await call(dev.address, { op: 'hello' }))['did']).toBe(dev.did);
  });
});
