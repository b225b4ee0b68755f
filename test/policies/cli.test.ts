/** `ip2 policy check|eval|explain`, run in-process through the dispatcher. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../agent/cli/dispatch.ts';

async function ip2(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await dispatch(args, {
    stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: process.cwd(),
  });
  return { code, out, err };
}

const DEFAULTS = 'policies/defaults';
const owner = {
  principal: { type: 'User', id: 'owner' }, action: { type: 'Action', id: 'read_sensor' }, resource: { type: 'Sensor', id: 'temp' }, context: {},
  entities: [{ uid: { type: 'User', id: 'owner' }, attrs: {}, parents: [{ type: 'Role', id: 'owner' }] }],
};
const stranger = { ...owner, principal: { type: 'User', id: 'x' }, action: { type: 'Action', id: 'apply_firmware' }, entities: [] };

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ip2-policy-'));
  await writeFile(join(dir, 'owner.json'), JSON.stringify(owner));
  await writeFile(join(dir, 'many.jsonl'), `${JSON.stringify(owner)}\n${JSON.stringify(stranger)}\n{"principal": 1}\n`);
  await writeFile(join(dir, 'bad.cedar'), 'permit(principal, action, resource)\n  when { principal.level >= };\n');
  await writeFile(join(dir, 'bad2.cedar'), 'forbid(principal, action resource);');
});

describe('ip2 policy', () => {
  it('check accepts the shipped defaults', async () => {
    const r = await ip2(['policy', 'check', DEFAULTS]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: 4 policies in 2 files/);
  });

  it('check lists file:line:col errors and exits 2', async () => {
    const r = await ip2(['policy', 'check', join(dir, 'bad.cedar'), join(dir, 'bad2.cedar'), DEFAULTS]);
    expect(r.code).toBe(2);
    expect(r.out.trim().split('\n')).toEqual([
      `${join(dir, 'bad.cedar')}:2:29: expected an expression, found \`}\``,
      `${join(dir, 'bad2.cedar')}:1:26: expected \`,\`, found \`resource\``,
    ]);
  });

  it('eval --json prints the Cedar-shaped decision', async () => {
    const r = await ip2(['policy', 'eval', '--policies', DEFAULTS, '--request', join(dir, 'owner.json'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ decision: 'allow', determining: ['policy0'], errors: [] });
  });

  it('eval names the deciding policy in words', async () => {
    const r = await ip2(['policy', 'eval', '--policies', DEFAULTS, '--request', join(dir, 'owner.json')]);
    expect(r.out).toContain('ALLOW by policy0 "owner reads sensors"');
  });

  it('eval --requests prints one line per request and flags bad lines', async () => {
    const r = await ip2(['policy', 'eval', '--policies', DEFAULTS, '--requests', join(dir, 'many.jsonl')]);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ decision: 'allow', determining: ['policy0'], errors: [] });
    expect(lines[1]).toEqual({ decision: 'deny', determining: ['policy3'], errors: [] });
    expect(lines[2]).toMatchObject({ line: 3 });
    expect(r.code).toBe(2);
  });

  it('explain says which policy decided and why the others do not apply', async () => {
    const r = await ip2(['policy', 'explain', '--policies', DEFAULTS, '--request', join(dir, 'owner.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Decision: ALLOW, decided by policy0 "owner reads sensors"');
    expect(r.out).toContain('policy1 "delegates read sensors" (permit): does not apply');
    const j = await ip2(['policy', 'explain', '--policies', DEFAULTS, '--request', join(dir, 'owner.json'), '--json']);
    const parsed = JSON.parse(j.out) as { policies: Array<{ id: string; result: string }> };
    expect(parsed.policies.map((p) => p.result)).toEqual(['satisfied', 'not-satisfied', 'not-satisfied', 'not-satisfied']);
  });

  it('bad input exits 2 with one line', async () => {
    const missing = await ip2(['policy', 'eval', '--policies', join(dir, 'nope'), '--request', join(dir, 'owner.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    const noReq = await ip2(['policy', 'eval', '--policies', DEFAULTS]);
    expect(noReq.code).toBe(2);
  });
});
