import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ip2 } from '../cli/helpers.ts';
import { REAL, requireSwtpm, startSwtpm, type Swtpm } from './tpm/swtpm.ts';

const available = requireSwtpm();
if (!available && REAL) throw new Error('IP2_REAL=1 but swtpm is not installed');

(available ? describe : describe.skip)('ip2 init with a TPM (swtpm through the /dev/tpmrm0 code path)', () => {
  let tpm: Swtpm;
  let addr: string;
  let work: string;
  beforeAll(async () => {
    tpm = await startSwtpm();
    addr = `tcp://${tpm.host}:${tpm.port}`;
    work = await mkdtemp(join(tmpdir(), 'ip2-hw-'));
    await writeFile(join(work, 'payload'), 'reading 21.5');
  });
  afterAll(async () => {
    await tpm.stop();
  });

  it('tpm: a P-256 key inside the TPM, did:key:zDn…, signing through the TPM', async () => {
    const dir = join(work, 'tpm');
    const init = await ip2(['init', '--dir', dir, '--keystore', 'tpm', '--tpm', addr, '--json']);
    expect(init.code, init.err).toBe(0);
    const id = JSON.parse((await ip2(['id', '--dir', dir, '--json'])).out) as { did: string; assurance: string; algorithm: string };
    expect(id).toMatchObject({ assurance: 'tpm', algorithm: 'P-256' });
    expect(id.did).toMatch(/^did:key:zDn/);
    const signed = await ip2(['sign', '--dir', dir, '--tpm', addr, '--in', join(work, 'payload'), '--out', join(work, 'p.tpm.cose')]);
    expect(signed.code, signed.err).toBe(0);
    const v = await ip2(['verify', '--in', join(work, 'p.tpm.cose'), '--json', '--signer', id.did]);
    expect(JSON.parse(v.out)).toMatchObject({ valid: true, signer: id.did, algorithm: 'P-256' });
  });

  it('auto picks the TPM when one answers', async () => {
    const dir = join(work, 'auto');
    const r = await ip2(['init', '--dir', dir, '--keystore', 'auto'], { IP2_TPM: addr });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/assurance tpm/);
  });

  it('sealed: an Ed25519 seed sealed to the TPM, reopened for signing', async () => {
    const dir = join(work, 'sealed');
    expect((await ip2(['init', '--dir', dir, '--keystore', 'sealed', '--tpm', addr])).code).toBe(0);
    const id = JSON.parse((await ip2(['id', '--dir', dir, '--json'])).out) as { did: string; assurance: string };
    expect(id.assurance).toBe('sealed');
    expect(id.did).toMatch(/^did:key:z6Mk/);
    expect((await ip2(['sign', '--dir', dir, '--in', join(work, 'payload'), '--out', join(work, 'p.sealed.cose')], { IP2_TPM: addr })).code).toBe(0);
    const v = await ip2(['verify', '--in', join(work, 'p.sealed.cose'), '--json']);
    expect(JSON.parse(v.out)).toMatchObject({ valid: true, signer: id.did });
  });

  it('auto falls back to software, and says why, when no TPM answers', async () => {
    const r = await ip2(['init', '--dir', join(work, 'none'), '--tpm', 'tcp://127.0.0.1:1']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/no TPM/);
    expect(r.out).toMatch(/assurance software/);
  });
});

describe('session keys certified by the device key', () => {
  it('a TPM-held key certifies an Ed25519 session key once; traffic verifies against the session key', async () => {
    const { createNodeCrypto } = await import('../../agent/crypto/index.ts');
    const { createSessionKey, verifySessionCertificate } = await import('../../agent/identity/session.ts');
    const { softwareKeyStore } = await import('../../agent/identity/software-keystore.ts');
    const crypto = createNodeCrypto();
    const device = softwareKeyStore(new Uint8Array(32).fill(3), crypto);
    let deviceSignatures = 0;
    const counted = { ...device, did: device.did, algorithm: device.algorithm, sign: (m: Uint8Array) => (deviceSignatures++, device.sign(m)) };
    const t0 = Date.UTC(2026, 10, 22, 12);
    const session = await createSessionKey(counted, { crypto, now: () => t0, lifetimeSeconds: 3600 });
    const claims = verifySessionCertificate(session.certificate, { crypto, nowMs: t0 + 1000, deviceDid: device.did });
    expect(claims.sessionDid).toBe(session.signer.did);
    for (let i = 0; i < 20; i++) {
      const msg = new TextEncoder().encode(`message ${i}`);
      const sig = await session.signer.sign(msg);
      expect(crypto.ed25519.verify(session.signer.publicKey, msg, sig)).toBe(true);
    }
    expect(deviceSignatures).toBe(1);
    expect(() => verifySessionCertificate(session.certificate, { crypto, nowMs: t0 + 3600_000 + 61_000 })).toThrow(expect.objectContaining({ code: 'SESSION_CERT_EXPIRED' }));
    expect(() => verifySessionCertificate(session.certificate, { crypto, nowMs: t0 - 61_000 })).toThrow(expect.objectContaining({ code: 'SESSION_CERT_NOT_YET_VALID' }));
    const other = softwareKeyStore(new Uint8Array(32).fill(4), crypto);
    expect(() => verifySessionCertificate(session.certificate, { crypto, nowMs: t0, deviceDid: other.did })).toThrow(expect.objectContaining({ code: 'COSE_KID_MISMATCH' }));
  });
});

(available ? describe : describe.skip)('session key certified inside swtpm', () => {
  it('a P-256 TPM key certifies the session key; the certificate verifies with both adapters', async () => {
    const { createNobleCrypto, createNodeCrypto } = await import('../../agent/crypto/index.ts');
    const { createSessionKey, verifySessionCertificate } = await import('../../agent/identity/session.ts');
    const { createTpmKeyStore, openTpm, DEFAULT_KEY_HANDLE } = await import('../../agent/identity/tpm/index.ts');
    const sw = await startSwtpm();
    try {
      const store = await createTpmKeyStore(await openTpm({ tcp: { host: sw.host, port: sw.port } }), { handle: DEFAULT_KEY_HANDLE, create: true });
      const now = Date.now();
      const session = await createSessionKey(store, { crypto: createNodeCrypto(), now: () => now });
      for (const crypto of [createNodeCrypto(), createNobleCrypto()]) {
        expect(verifySessionCertificate(session.certificate, { crypto, nowMs: now, deviceDid: store.did }).deviceDid).toMatch(/^did:key:zDn/);
      }
      await store.close();
    } finally {
      await sw.stop();
    }
  });
});
