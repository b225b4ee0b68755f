import { stat, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../../agent/crypto/index.ts';
import { createSealedKeyStore, getHandles, openTpm, pcrExtend, pcrRead, tpmNvCounter, TpmError } from '../../../agent/identity/tpm/index.ts';
import { didKeyFromPublicKey } from '../../../agent/identity/didkey.ts';
import { REAL, requireSwtpm, startSwtpm, tpm2, tpm2ToolsAvailable, type Swtpm } from './swtpm.ts';

const run = requireSwtpm();

describe.runIf(REAL && !run)('swtpm', () => {
  it('is installed (IP2_REAL=1)', () => {
    expect.fail('IP2_REAL=1 but swtpm is not installed: apt-get install -y swtpm swtpm-tools tpm2-tools');
  });
});

describe.runIf(run)('sealed key store and NV counter against swtpm', () => {
  let sw: Swtpm;
  const crypto = createNodeCrypto();
  const tcp = (): { tcp: { host: string; port: number } } => ({ tcp: { host: sw.host, port: sw.port } });

  beforeAll(async () => {
    sw = await startSwtpm();
  });
  afterAll(async () => {
    await sw?.stop();
  });

  let did = '';

  it('seals a fresh Ed25519 seed under PolicyPCR, writes the blob 0600, and signs', async () => {
    const blobPath = join(sw.dir, 'seed.sealed');
    const ks = await createSealedKeyStore(await openTpm(tcp()), { blobPath, pcrs: [7, 16], create: true, crypto });
    did = ks.did;
    expect(ks.assurance).toBe('sealed');
    expect(ks.algorithm).toBe('Ed25519');
    expect(ks.did).toMatch(/^did:key:z6Mk/);
    const msg = new TextEncoder().encode('hello');
    expect(crypto.ed25519.verify(ks.publicKey, msg, await ks.sign(msg))).toBe(true);
    await ks.close();
    expect((await stat(blobPath)).mode & 0o777).toBe(0o600);
    const blob = await readFile(blobPath, 'utf8');
    expect(blob).toContain('"pcrs":[7,16]');
    expect((await readdir(sw.dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('unseals the same seed on restart and flushes every transient object and session', async () => {
    const tpm = await openTpm(tcp());
    const ks = await createSealedKeyStore(tpm, { blobPath: join(sw.dir, 'seed.sealed'), pcrs: [7, 16], create: false, crypto });
    expect(ks.did).toBe(did);
    expect(await getHandles(tpm, 0x80)).toEqual([]); // transient objects
    expect(await getHandles(tpm, 0x03)).toEqual([]); // policy sessions
    await ks.close();
  });

  it.runIf(tpm2ToolsAvailable() || REAL)('tpm2-tools loads our sealed blob under its own primary and unseals the same seed', async () => {
    const blob = JSON.parse(await readFile(join(sw.dir, 'seed.sealed'), 'utf8')) as { public: string; private: string };
    const tpm2b = (b64: string): Buffer => {
      const body = Buffer.from(b64, 'base64');
      return Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
    };
    await writeFile(join(sw.dir, 's.pub'), tpm2b(blob.public));
    await writeFile(join(sw.dir, 's.priv'), tpm2b(blob.private));
    const at = (f: string): string => join(sw.dir, f);
    tpm2('tpm2_createprimary', ['-C', 'o', '-g', 'sha256', '-G', 'ecc256:aes128cfb', '-c', at('p.ctx')], sw.tcti);
    tpm2('tpm2_flushcontext', ['-t'], sw.tcti);
    tpm2('tpm2_load', ['-C', at('p.ctx'), '-u', at('s.pub'), '-r', at('s.priv'), '-c', at('s.ctx')], sw.tcti);
    tpm2('tpm2_flushcontext', ['-t'], sw.tcti);
    tpm2('tpm2_unseal', ['-c', at('s.ctx'), '-p', 'pcr:sha256:7,16', '-o', at('seed.bin')], sw.tcti);
    tpm2('tpm2_flushcontext', ['-t'], sw.tcti);
    const seed = new Uint8Array(await readFile(at('seed.bin')));
    expect(didKeyFromPublicKey('Ed25519', crypto.ed25519.publicKey(seed))).toBe(did);
  });

  it('refuses to unseal after PCR_Extend, with SEALED_PCR_MISMATCH, and still flushes', async () => {
    const tpm = await openTpm(tcp());
    const before = await pcrRead(tpm, [{ hash: 0x000b, pcrs: [16] }]);
    await pcrExtend(tpm, 16, crypto.sha256(new TextEncoder().encode('boot changed')));
    const after = await pcrRead(tpm, [{ hash: 0x000b, pcrs: [16] }]);
    expect(after).not.toEqual(before);
    const err: unknown = await createSealedKeyStore(tpm, { blobPath: join(sw.dir, 'seed.sealed'), pcrs: [7, 16], create: false, crypto })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TpmError);
    expect(err).toMatchObject({ code: 'SEALED_PCR_MISMATCH', cause: { code: 'TPM_RC_POLICY_FAIL' } });
    expect(await getHandles(tpm, 0x80)).toEqual([]);
    expect(await getHandles(tpm, 0x03)).toEqual([]);
    await tpm.close();
  });

  it('reports a missing blob as SEALED_BLOB_INVALID when create is false', async () => {
    const tpm = await openTpm(tcp());
    await expect(createSealedKeyStore(tpm, { blobPath: join(sw.dir, 'nope'), pcrs: [7], create: false, crypto }))
      .rejects.toMatchObject({ code: 'SEALED_BLOB_INVALID' });
    await tpm.close();
  });

  it('NV counter: defined on first use, increments by one, never goes down across reopen', async () => {
    const tpm = await openTpm(tcp());
    const c = await tpmNvCounter(tpm, 0x01000ea2);
    expect(await c.read()).toBe(0n);
    const a = await c.increment();
    const b = await c.increment();
    expect(b).toBe(a + 1n);
    await tpm.close();
    const tpm2 = await openTpm(tcp());
    const again = await tpmNvCounter(tpm2, 0x01000ea2);
    expect(await again.read()).toBe(b);
    await tpm2.close();
  });
});
