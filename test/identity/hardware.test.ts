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
