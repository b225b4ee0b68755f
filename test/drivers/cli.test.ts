import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../agent/cli/dispatch.ts';
import { makeTree, w1Slave, type Tree } from './support/tree.ts';

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.cleanup();
  tree = undefined;
});

async function ip2(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {}, cwd: tree!.root };
  const code = await dispatch(argv, io);
  return { code, out, err };
}

describe('ip2 drivers', () => {
  it('lists drivers.json entries and --driver flags, and reads one', async () => {
    tree = await makeTree({
      'w1/28-0316a2795aff/w1_slave': w1Slave(19875),
    });
    await tree.write('state/drivers.json', JSON.stringify({ drivers: [{ id: 'hall', kind: 'ds18b20', root: `${tree.root}/w1` }] }));
    const listed = await ip2('drivers', 'list', '--dir', 'state', '--driver', 'demo=simulated:5', '--json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.out) as { id: string }[]).map((r) => r.id)).toEqual(['hall', 'demo']);
    const read = await ip2('drivers', 'read', 'hall', '--dir', 'state', '--json');
    expect(read.code).toBe(0);
    expect(JSON.parse(read.out)).toMatchObject({ id: 'hall', readings: [{ quantity: 'temperature', value: 19.875, unit: '°C', quality: 'good' }] });
    const health = await ip2('drivers', 'list', '--dir', 'state', '--health');
    expect(health.out).toMatch(/^hall\s+ds18b20\s+every 30000 ms\s+ok$/m);
  });

  it('bad configuration fails at start with exit 2 and names the field', async () => {
    tree = await makeTree({ 'state/drivers.json': JSON.stringify({ drivers: [{ id: 'r', kind: 'gpio-out', pin: 99 }] }) });
    const r = await ip2('drivers', 'list', '--dir', 'state');
    expect(r.code).toBe(2);
    expect(r.err).toContain('drivers[0].pin');
    const unknown = await ip2('drivers', 'read', 'x', '--dir', 'empty');
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.err).toContain('UNKNOWN_DRIVER');
  });

  it('a sensor failure exits 1 with its code', async () => {
    tree = await makeTree({ 'w1/28-0316a2795aff/w1_slave': w1Slave(85000) });
    const r = await ip2('drivers', 'read', 't', '--dir', 'state', '--driver', `t=ds18b20:${tree.root}/w1`);
    expect(r.code).toBe(1);
    expect(r.err).toContain('POWER_ON_VALUE');
    // A relative --driver path resolves against the working directory.
    const rel = await ip2('drivers', 'read', 't', '--dir', 'state', '--driver', 't=ds18b20:w1');
    expect(rel.err).toContain('POWER_ON_VALUE');
  });
});
