import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../agent/cli/dispatch.ts';
import { probeTpm } from '../../../agent/identity/tpm/index.ts';
import { REAL, requireSwtpm, startSwtpm, type Swtpm } from './swtpm.ts';

const run = requireSwtpm();

function io(): { out: string[]; err: string[]; io: Parameters<typeof dispatch>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {}, cwd: '/tmp' },
  };
}

describe.runIf(REAL && !run)('swtpm', () => {
  it('is installed (IP2_REAL=1)', () => {
    expect.fail('IP2_REAL=1 but swtpm is not installed');
  });
});

describe('ip2 tpm info without a TPM', () => {
  it('exits non-zero with one readable line for an absent device', async () => {
    const c = io();
    expect(await dispatch(['tpm', 'info', '--tpm', '/nonexistent/tpmrm0'], c.io)).toBe(1);
    expect(c.err.join('')).toContain('/nonexistent/tpmrm0');
  });

  it('exits 2 for a malformed address', async () => {
    const c = io();
    expect(await dispatch(['tpm', 'info', '--tpm', 'tcp://nohost'], c.io)).toBe(2);
  });
});

describe.runIf(run)('ip2 tpm info against swtpm', () => {
  let sw: Swtpm;
  beforeAll(async () => {
    sw = await startSwtpm();
  });
  afterAll(async () => {
    await sw?.stop();
  });

  it('prints manufacturer, curves and PCR banks as JSON', async () => {
    const c = io();
    expect(await dispatch(['tpm', 'info', '--tpm', `tcp://${sw.host}:${sw.port}`, '--json'], c.io)).toBe(0);
    const info = JSON.parse(c.out.join('')) as Record<string, unknown>;
    expect(info).toMatchObject({ manufacturer: 'IBM', keyHandle: '0x81010002', keyPresent: false, ownerAuthSet: false, inLockout: false });
    expect(info['eccCurves']).toContain('NIST_P256');
    expect(info['algorithms']).toContain('ecdsa');
  });

  it('probeTpm says present for swtpm and absent, with a reason, for a missing device', async () => {
    expect(await probeTpm(`tcp://${sw.host}:${sw.port}`)).toMatchObject({ present: true, manufacturer: 'IBM' });
    const absent = await probeTpm('/nonexistent/tpmrm0');
    expect(absent.present).toBe(false);
    expect(absent).toMatchObject({ reason: expect.stringContaining('TPM_UNAVAILABLE') as unknown });
  });

  it('prints a human summary', async () => {
    const c = io();
    expect(await dispatch(['tpm', 'info', '--tpm', `tcp://${sw.host}:${sw.port}`], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/manufacturer\s+IBM/);
  });
});
