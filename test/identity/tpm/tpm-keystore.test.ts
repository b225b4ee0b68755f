import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHandles, openTpm, createTpmKeyStore, DEFAULT_KEY_HANDLE, TpmError, TpmResponseError, tpmInfo } from '../../../agent/identity/tpm/index.ts';
import { REAL, requireSwtpm, startSwtpm, tpm2, tpm2ToolsAvailable, type Swtpm } from './swtpm.ts';

const run = requireSwtpm();
const P256_HALF_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;

describe.runIf(REAL && !run)('swtpm', () => {
  it('is installed (IP2_REAL=1)', () => {
    expect.fail('IP2_REAL=1 but swtpm is not installed: apt-get install -y swtpm swtpm-tools tpm2-tools');
  });
});

/** SPKI of a 33-byte compressed P-256 point, for node:crypto. */
function p256Spki(compressed: Uint8Array): ReturnType<typeof createPublicKey> {
  const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
  return createPublicKey({ key: Buffer.concat([prefix, compressed]), format: 'der', type: 'spki' });
}

describe.runIf(run)('tpm key store against swtpm', () => {
  let sw: Swtpm;
  const tcp = (): { tcp: { host: string; port: number } } => ({ tcp: { host: sw.host, port: sw.port } });

  beforeAll(async () => {
    sw = await startSwtpm();
  });
  afterAll(async () => {
    await sw?.stop();
  });

  it('answers GetRandom through the TCP transport', async () => {
    const tpm = await openTpm(tcp());
    try {
      const a = await tpm.getRandom(16);
      expect(a.length).toBe(16);
    } finally {
      await tpm.close();
    }
  });

  it('refuses a missing key when create is false, with a typed error', async () => {
    const tpm = await openTpm(tcp());
    await expect(createTpmKeyStore(tpm, { handle: 0x81010077, create: false })).rejects.toMatchObject({ code: 'TPM_KEY_NOT_FOUND' });
    await tpm.close();
  });

  let did = '';
  let publicKey: Uint8Array = new Uint8Array(0);

  it('creates and persists a P-256 key, signs low-S, verifies with node:crypto, leaks no transient objects', async () => {
    const ks = await createTpmKeyStore(await openTpm(tcp()), { handle: DEFAULT_KEY_HANDLE, create: true });
    did = ks.did;
    publicKey = ks.publicKey;
    expect(ks.assurance).toBe('tpm');
    expect(ks.algorithm).toBe('P-256');
    expect(ks.did).toMatch(/^did:key:zDn/);
    expect(ks.publicKey.length).toBe(33);
    const key = p256Spki(ks.publicKey);
    for (let i = 0; i < 24; i++) {
      const msg = new TextEncoder().encode(`message ${i}`);
      const sig = await ks.sign(msg);
      expect(sig.length).toBe(64);
      const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
      expect(s <= P256_HALF_N).toBe(true);
      expect(nodeVerify('sha256', msg, { key, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    }
    await ks.close();
    await expect(ks.sign(new Uint8Array(1))).rejects.toMatchObject({ code: 'KEYSTORE_CLOSED' });
    const tpm = await openTpm(tcp());
    expect(await getHandles(tpm, 0x80)).toEqual([]);
    const info = await tpmInfo(tpm, DEFAULT_KEY_HANDLE);
    expect(info.keyPresent).toBe(true);
    expect(info.eccCurves).toContain('NIST_P256');
    expect(info.pcrBanks.map((b) => b.hash)).toContain('sha256');
    await tpm.close();
  });

  it('reopens the persisted key with the same DID (restart)', async () => {
    const ks = await createTpmKeyStore(await openTpm(tcp()), { handle: DEFAULT_KEY_HANDLE, create: false });
    expect(ks.did).toBe(did);
    await ks.close();
  });

  it('turns TPM response codes into typed errors with the TPM name', async () => {
    const tpm = await openTpm(tcp());
    const err: unknown = await tpm.readPublic(0x81010099).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TpmResponseError);
    expect(err).toMatchObject({ code: 'TPM_RC_HANDLE', decoded: { format: 'one', subject: { kind: 'handle', index: 1 } } });
    await tpm.close();
    await expect(tpm.getRandom(1)).rejects.toBeInstanceOf(TpmError);
  });

  it.runIf(tpm2ToolsAvailable() || REAL)('tpm2-tools reads our persisted key and its signatures verify against our public key', async () => {
    const pem = join(sw.dir, 'pub.pem');
    tpm2('tpm2_readpublic', ['-c', `0x${DEFAULT_KEY_HANDLE.toString(16)}`, '-f', 'pem', '-o', pem], sw.tcti);
    const theirs = createPublicKey(await readFile(pem)).export({ format: 'jwk' });
    const ours = p256Spki(publicKey).export({ format: 'jwk' });
    expect(theirs).toEqual(ours);
    const msg = join(sw.dir, 'msg.bin');
    const sigPath = join(sw.dir, 'sig.der');
    await writeFile(msg, 'read_temperature');
    tpm2('tpm2_sign', ['-c', `0x${DEFAULT_KEY_HANDLE.toString(16)}`, '-g', 'sha256', '-s', 'ecdsa', '-f', 'plain', '-o', sigPath, msg], sw.tcti);
    const der = await readFile(sigPath);
    expect(nodeVerify('sha256', Buffer.from('read_temperature'), { key: p256Spki(publicKey), dsaEncoding: 'der' }, der)).toBe(true);
  });

  it.runIf(tpm2ToolsAvailable() || REAL)('opens a key that tpm2-tools created and persisted; node:crypto verifies with the PEM tpm2-tools exports', async () => {
    const at = (f: string): string => join(sw.dir, f);
    tpm2('tpm2_createprimary', ['-C', 'o', '-g', 'sha256', '-G', 'ecc256:aes128cfb', '-c', at('p.ctx')], sw.tcti);
    tpm2('tpm2_flushcontext', ['-t'], sw.tcti);
    tpm2('tpm2_create', ['-C', at('p.ctx'), '-g', 'sha256', '-G', 'ecc256:ecdsa-sha256', '-u', at('k.pub'), '-r', at('k.priv'),
      '-a', 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign'], sw.tcti);
    tpm2('tpm2_flushcontext', ['-t'], sw.tcti);
    tpm2('tpm2_load', ['-C', at('p.ctx'), '-u', at('k.pub'), '-r', at('k.priv'), '-c', at('k.ctx')], sw.tcti);
    tpm2('tpm2_evictcontrol', ['-C', 'o', '-c', at('k.ctx'), '0x81010003'], sw.tcti);
    tpm2('tpm2_flushcontext', ['-t'], sw.tcti);
    tpm2('tpm2_readpublic', ['-c', '0x81010003', '-f', 'pem', '-o', at('k.pem')], sw.tcti);
    const pem = createPublicKey(await readFile(at('k.pem')));
    const ks = await createTpmKeyStore(await openTpm(tcp()), { handle: 0x81010003, create: false });
    expect(p256Spki(ks.publicKey).export({ format: 'jwk' })).toEqual(pem.export({ format: 'jwk' }));
    const msg = new TextEncoder().encode('signed by a tpm2-tools key through our client');
    expect(nodeVerify('sha256', msg, { key: pem, dsaEncoding: 'ieee-p1363' }, await ks.sign(msg))).toBe(true);
    await ks.close();
  });
});
