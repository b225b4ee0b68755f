import { chmod, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../agent/crypto/index.ts';
import { parseDidKey } from '../../agent/identity/didkey.ts';
import { initIdentity, openIdentity } from '../../agent/identity/store.ts';
import { readPrivateFile } from '../../agent/identity/software-keystore.ts';

const crypto = createNodeCrypto();
const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'ip2-ks-'));

describe('software key store and identity directory', () => {
  it('creates a 0600 key in a 0700 directory and reopens the same DID', async () => {
    const dir = join(await tmp(), 'state');
    const { store, record } = await initIdentity(dir, { crypto });
    expect(record.assurance).toBe('software');
    expect(parseDidKey(record.did, crypto).algorithm).toBe('Ed25519');
    expect((await stat(join(dir, 'keys/device.ed25519'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const msg = new TextEncoder().encode('hello');
    const sig = await store.sign(msg);
    const again = await openIdentity(dir, { crypto });
    expect(again.store.did).toBe(record.did);
    expect(crypto.ed25519.verify(again.store.publicKey, msg, sig)).toBe(true);
    await store.close();
    await expect(store.sign(msg)).rejects.toMatchObject({ code: 'KEYSTORE_CLOSED' });
  });

  it('refuses to overwrite an identity unless forced', async () => {
    const dir = await tmp();
    const first = await initIdentity(dir, { crypto });
    await expect(initIdentity(dir, { crypto })).rejects.toMatchObject({ code: 'IDENTITY_EXISTS' });
    const second = await initIdentity(dir, { crypto, force: true });
    expect(second.record.did).not.toBe(first.record.did);
  });

  it('refuses a key file readable by group or others, a symlink, and a wrong size', async () => {
    const dir = await tmp();
    await initIdentity(dir, { crypto });
    const key = join(dir, 'keys/device.ed25519');
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      await chmod(key, mode);
      await expect(openIdentity(dir, { crypto })).rejects.toMatchObject({ code: 'KEY_FILE_PERMISSIONS', badInput: true });
    }
    await chmod(key, 0o600);
    const link = join(dir, 'link.key');
    await symlink(key, link);
    await expect(readPrivateFile(link, 32)).rejects.toMatchObject({ code: 'KEY_FILE_NOT_REGULAR' });
    const short = join(dir, 'short.key');
    await writeFile(short, new Uint8Array(31), { mode: 0o600 });
    await expect(readPrivateFile(short, 32)).rejects.toMatchObject({ code: 'IDENTITY_CORRUPT' });
  });

  it('notices a key that is not the recorded identity', async () => {
    const a = await tmp();
    const b = await tmp();
    await initIdentity(a, { crypto });
    await initIdentity(b, { crypto });
    await writeFile(join(a, 'keys/device.ed25519'), await readFile(join(b, 'keys/device.ed25519')), { mode: 0o600 });
    await expect(openIdentity(a, { crypto })).rejects.toMatchObject({ code: 'IDENTITY_CORRUPT' });
  });

  it('says how to create an identity when there is none', async () => {
    await expect(openIdentity(await tmp(), { crypto })).rejects.toMatchObject({ code: 'IDENTITY_MISSING' });
  });
});
