import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makeUnitRoot, UNIT_SOURCE as UNIT } from '../../scripts/release/unit-root.ts';

const have = spawnSync('sh', ['-c', 'command -v systemd-analyze']).status === 0;
if (!have && process.env['IP2_REAL'] === '1') throw new Error('IP2_REAL=1 but systemd-analyze is missing');

(have ? describe : describe.skip)('the systemd unit', () => {
  it('passes systemd-analyze verify with no warning', async () => {
    const root = await makeUnitRoot();
    const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '/etc/systemd/system/ip2-agent.service'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe('');
  });

  it('scores "OK" or better in systemd-analyze security, with the hardening that does not break devices', async () => {
    const root = await makeUnitRoot();
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', `--root=${root}`, 'ip2-agent.service'], { encoding: 'utf8' });
    const score = /Overall exposure level for ip2-agent\.service: ([\d.]+) (\w+)/.exec(r.stdout);
    expect(score, r.stdout.slice(-400)).not.toBeNull();
    expect(Number(score?.[1])).toBeLessThanOrEqual(3.0);
    expect(['OK', 'SAFE']).toContain(score?.[2]);
  });

  it('states the choices that keep GPIO, serial, I2C and the TPM working', async () => {
    const text = await import('node:fs/promises').then((fs) => fs.readFile(UNIT, 'utf8'));
    const set = (key: string): string[] => text.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
    expect(set('DynamicUser')).toEqual(['yes']);
    expect(set('SupplementaryGroups')[0]?.split(' ').sort()).toEqual(['dialout', 'gpio', 'i2c', 'tss']);
    expect(set('NoNewPrivileges')).toEqual(['yes']);
    expect(set('ProtectSystem')).toEqual(['strict']);
    expect(set('StateDirectory')).toEqual(['ip2-agent']);
    // would break V8, sysfs GPIO/1-Wire writes, and device access respectively
    expect(set('MemoryDenyWriteExecute')).toEqual([]);
    expect(set('ProtectKernelTunables')).toEqual([]);
    expect(set('PrivateDevices')).toEqual([]);
    expect(set('DeviceAllow')).toEqual(expect.arrayContaining(['char-gpiochip rw', 'char-ttyAMA rw', 'char-i2c rw', '/dev/tpmrm0 rw']));
  });
});

describe('firmware update steps of the unit', () => {
  it('fw confirm --if-trial does nothing, and says so, on a device with nothing on trial', async () => {
    const { ip2 } = await import('../cli/helpers.ts');
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'ip2-fwroot-'));
    const r = await ip2(['fw', 'confirm', '--if-trial', '--root', root]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/nothing on trial \(not provisioned for updates\)/);
    expect((await ip2(['fw', 'confirm', '--root', root])).code).not.toBe(0);
  });

  it('runs fw boot before the agent and fw confirm --if-trial after READY, privileged', async () => {
    const text = await import('node:fs/promises').then((fs) => fs.readFile(UNIT, 'utf8'));
    expect(text).toMatch(/^Type=notify$/m);
    expect(text).toMatch(/^ExecStartPre=-\+\/opt\/ip2-agent\/current\/bin\/ip2 fw boot --root \/opt\/ip2-agent$/m);
    expect(text).toMatch(/^ExecStartPost=-\+\/opt\/ip2-agent\/current\/bin\/ip2 fw confirm --if-trial --root \/opt\/ip2-agent$/m);
  });
});
