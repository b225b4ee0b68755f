/**
 * Hand-written home/IoT policies (the seed examples and the shipped defaults), each request
 * checked against an expected decision written by hand AND against cedar-wasm.
 */
import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compile, evaluate, loadPolicyDir, parsePolicies } from '../../policies/index.ts';
import { cedarOutcome, comparable, ourOutcome } from './reference.ts';

const HOME = `
@id("homeowner reads temperature")
permit (principal, action == Action::"read_temperature", resource is Sensor)
when { context.signer == User::"homeowner" && context.age_seconds < 600 };

@id("technicians calibrate")
permit (principal in Role::"technician", action == Action::"calibrate", resource)
when { principal.clearance >= 4 && context.distance_m <= 10 };

@id("agent books until 31 Dec")
permit (principal == Agent::"A", action in [Action::"book"], resource)
when { context.now < 1798761600 && context.on_behalf_of == User::"homeowner" };

@id("no calibration at night")
forbid (principal, action == Action::"calibrate", resource)
when { context has hour && (context.hour < 7 || context.hour > 21) };

@id("guest door")
permit (principal is User in Role::"guest", action, resource == Lock::"front")
when { resource.tags.contains("guest-ok") && principal.name like "guest-*" }
unless { context.alarm_armed };
`;

const ENTITIES = [
  { uid: { type: 'User', id: 'tech1' }, attrs: { clearance: 5, name: 'Tom' }, parents: [{ type: 'Role', id: 'technician' }] },
  { uid: { type: 'User', id: 'tech2' }, attrs: { clearance: 2, name: 'Tim' }, parents: [{ type: 'Role', id: 'technician' }] },
  { uid: { type: 'User', id: 'g1' }, attrs: { name: 'guest-ann' }, parents: [{ type: 'Role', id: 'guest' }] },
  { uid: { type: 'Lock', id: 'front' }, attrs: { tags: ['guest-ok'] }, parents: [] },
];

const req = (p: [string, string], a: string, r: [string, string], context: Record<string, unknown>): Record<string, unknown> => ({
  principal: { type: p[0], id: p[1] }, action: { type: 'Action', id: a }, resource: { type: r[0], id: r[1] }, context, entities: ENTITIES,
});

const CASES: Array<[string, Record<string, unknown>, 'allow' | 'deny', string[]]> = [
  ['fresh homeowner read', req(['User', 'phone'], 'read_temperature', ['Sensor', 't'], { signer: { __entity: { type: 'User', id: 'homeowner' } }, age_seconds: 30 }), 'allow', ['policy0']],
  ['stale homeowner read', req(['User', 'phone'], 'read_temperature', ['Sensor', 't'], { signer: { __entity: { type: 'User', id: 'homeowner' } }, age_seconds: 601 }), 'deny', []],
  ['read signed by someone else', req(['User', 'phone'], 'read_temperature', ['Sensor', 't'], { signer: { __entity: { type: 'User', id: 'eve' } }, age_seconds: 1 }), 'deny', []],
  ['cleared technician close by', req(['User', 'tech1'], 'calibrate', ['Sensor', 't'], { distance_m: 3, hour: 10 }), 'allow', ['policy1']],
  ['technician without clearance', req(['User', 'tech2'], 'calibrate', ['Sensor', 't'], { distance_m: 3 }), 'deny', []],
  ['technician too far', req(['User', 'tech1'], 'calibrate', ['Sensor', 't'], { distance_m: 11 }), 'deny', []],
  ['technician at night', req(['User', 'tech1'], 'calibrate', ['Sensor', 't'], { distance_m: 1, hour: 23 }), 'deny', ['policy3']],
  ['agent before the deadline', req(['Agent', 'A'], 'book', ['Service', 'taxi'], { now: 1790000000, on_behalf_of: { __entity: { type: 'User', id: 'homeowner' } } }), 'allow', ['policy2']],
  ['agent after the deadline', req(['Agent', 'A'], 'book', ['Service', 'taxi'], { now: 1798761600, on_behalf_of: { __entity: { type: 'User', id: 'homeowner' } } }), 'deny', []],
  ['guest opens front door', req(['User', 'g1'], 'open', ['Lock', 'front'], { alarm_armed: false }), 'allow', ['policy4']],
  ['guest with the alarm armed', req(['User', 'g1'], 'open', ['Lock', 'front'], { alarm_armed: true }), 'deny', []],
];

describe('home corpus', () => {
  const compiled = compile(parsePolicies([{ name: 'home.cedar', text: HOME }]));
  for (const [name, request, decision, determining] of CASES) {
    it(name, () => {
      const d = evaluate(compiled, request);
      expect(d.decision).toBe(decision);
      expect(d.determining).toEqual(determining);
      expect(comparable(ourOutcome(HOME, request))).toEqual(comparable(cedarOutcome(HOME, request)));
    });
  }

  it('reports a missing attribute as an error of that policy only', () => {
    const request = req(['User', 'phone'], 'read_temperature', ['Sensor', 't'], { signer: { __entity: { type: 'User', id: 'homeowner' } } });
    const d = evaluate(compiled, request);
    expect(d.decision).toBe('deny');
    expect(d.errors.map((e) => e.policy)).toEqual(['policy0']);
    expect(comparable(ourOutcome(HOME, request))).toEqual(comparable(cedarOutcome(HOME, request)));
  });
});

describe('shipped defaults (policies/defaults)', () => {
  const dir = new URL('../../policies/defaults/', import.meta.url).pathname;
  const role = (id: string): { type: string; id: string } => ({ type: 'Role', id });
  const entities = [
    { uid: { type: 'User', id: 'owner' }, attrs: {}, parents: [role('owner'), role('controller')] },
    { uid: { type: 'User', id: 'friend' }, attrs: {}, parents: [role('delegate')] },
    { uid: { type: 'User', id: 'stranger' }, attrs: {}, parents: [] },
  ];
  const r = (who: string, action: string, res: [string, string], context: Record<string, unknown> = {}): Record<string, unknown> => ({
    principal: { type: 'User', id: who }, action: { type: 'Action', id: action }, resource: { type: res[0], id: res[1] }, context, entities,
  });
  const cases: Array<[Record<string, unknown>, 'allow' | 'deny']> = [
    [r('owner', 'read_sensor', ['Sensor', 'temp']), 'allow'],
    [r('friend', 'read_sensor', ['Sensor', 'temp'], { now: 10, delegation_expires: 20 }), 'allow'],
    [r('friend', 'read_sensor', ['Sensor', 'temp'], { now: 30, delegation_expires: 20 }), 'deny'],
    [r('friend', 'read_sensor', ['Sensor', 'temp']), 'deny'],
    [r('stranger', 'read_sensor', ['Sensor', 'temp']), 'deny'],
    [r('owner', 'apply_firmware', ['Device', 'self']), 'allow'],
    [r('owner', 'change_policy', ['Device', 'self']), 'allow'],
    [r('friend', 'change_policy', ['Device', 'self']), 'deny'],
    [r('friend', 'unlock', ['Lock', 'front']), 'deny'],
  ];

  it('decide as documented, and as Cedar does', async () => {
    const compiled = compile(await loadPolicyDir(dir));
    const files = (await readdir(dir)).filter((n) => n.endsWith('.cedar')).sort();
    const text = (await Promise.all(files.map((f) => readFile(dir + f, 'utf8')))).join('\n');
    for (const [request, decision] of cases) {
      expect(evaluate(compiled, request).decision).toBe(decision);
      expect(comparable(ourOutcome(text, request))).toEqual(comparable(cedarOutcome(text, request)));
    }
  });
});
