/**
 * Requests in Cedar's JSON shape: entity references in both forms, what Cedar treats as a record,
 * hierarchy cycles, and totality (fuzzed JSON gives a decision or a PolicyRequestError).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, evaluate, loadPolicyDir, parsePolicies, PolicyLoadError, PolicyRequestError } from '../../policies/index.ts';
import type { PolicyFs } from '../../policies/index.ts';
import { jsonValue, request } from './arbitraries.ts';
import { cedarOutcome, comparable, ourOutcome } from './reference.ts';

const base = (over: Record<string, unknown>): Record<string, unknown> => ({
  principal: { type: 'User', id: 'a' }, action: { type: 'Action', id: 'read' }, resource: { type: 'Sensor', id: 's' },
  context: {}, entities: [], ...over,
});

const SAME_AS_CEDAR: Array<[string, string, Record<string, unknown>]> = [
  ['__entity form in attributes is an entity', 'permit(principal, action, resource) when { principal.boss == User::"b" };',
    base({ entities: [{ uid: { type: 'User', id: 'a' }, attrs: { boss: { __entity: { type: 'User', id: 'b' } } }, parents: [] }] })],
  ['{type, id} in attributes is a record, not an entity', 'permit(principal, action, resource) when { principal.boss == User::"b" };',
    base({ entities: [{ uid: { type: 'User', id: 'a' }, attrs: { boss: { type: 'User', id: 'b' } }, parents: [] }] })],
  ['__entity form in uid and parents', 'permit(principal in Group::"g", action, resource);',
    base({ entities: [{ uid: { __entity: { type: 'User', id: 'a' } }, attrs: {}, parents: [{ __entity: { type: 'Group', id: 'g' } }] }] })],
  ['a cycle in the hierarchy is rejected', 'permit(principal, action, resource);',
    base({ entities: [
      { uid: { type: 'G', id: 'x' }, attrs: {}, parents: [{ type: 'G', id: 'y' }] },
      { uid: { type: 'G', id: 'y' }, attrs: {}, parents: [{ type: 'G', id: 'x' }] }] })],
  ['a fractional number is rejected', 'permit(principal, action, resource);', base({ context: { x: 1.5 } })],
  ['an identical duplicate entity is accepted', 'permit(principal, action, resource);',
    base({ entities: [{ uid: { type: 'User', id: 'a' }, attrs: {}, parents: [] }, { uid: { type: 'User', id: 'a' }, attrs: {}, parents: [] }] })],
  ['namespaced types', 'permit(principal is Home::User, action == Home::Action::"read", resource);',
    base({ principal: { type: 'Home::User', id: 'a' }, action: { type: 'Home::Action', id: 'read' } })],
];

describe('request JSON, same as Cedar', () => {
  for (const [name, text, req] of SAME_AS_CEDAR) {
    it(name, () => {
      const ours = ourOutcome(text, req);
      expect(comparable(ours)).toEqual(comparable(cedarOutcome(text, req)));
    });
  }

  it('rejects requests that are not objects or lack entities in uids', () => {
    const c = compile(parsePolicies([{ name: 'p', text: 'permit(principal, action, resource);' }]));
    for (const bad of [null, 1, [], {}, base({ principal: 'User::"a"' }), base({ context: [] }), base({ entities: {} }), base({ resource: { type: '1x', id: 'a' } })]) {
      expect(() => evaluate(c, bad)).toThrow(PolicyRequestError);
    }
  });

  it('handles a deep parent chain without recursion limits', () => {
    const n = 20_000;
    const entities = Array.from({ length: n }, (_, i) => ({ uid: { type: 'G', id: String(i) }, attrs: {}, parents: i + 1 < n ? [{ type: 'G', id: String(i + 1) }] : [] }));
    const c = compile(parsePolicies([{ name: 'p', text: `permit(principal in G::"${n - 1}", action, resource);` }]));
    expect(evaluate(c, base({ principal: { type: 'G', id: '0' }, entities: entities.slice(0, 2_000) })).decision).toBe('deny');
    expect(evaluate(c, base({ principal: { type: 'G', id: '0' }, entities: entities.slice(0, 3_000).concat(entities.slice(2_999)) })).decision).toBe('allow');
  });
});

describe('totality of request handling (fuzz)', () => {
  const c = compile(parsePolicies([{ name: 'p', text: 'permit(principal, action, resource) when { context.a == principal.b };' }]));
  const check = (req: unknown): void => {
    try {
      const d = evaluate(c, req);
      expect(['allow', 'deny']).toContain(d.decision);
    } catch (err) {
      if (!(err instanceof PolicyRequestError)) throw err;
    }
  };

  it('arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), check), { numRuns: 2_000 });
  });

  it('well-shaped requests with arbitrary JSON in every slot', () => {
    const slot = fc.oneof(fc.jsonValue({ maxDepth: 4 }), jsonValue);
    const req = fc.record({ principal: slot, action: slot, resource: slot, context: slot, entities: fc.oneof(slot, fc.array(fc.record({ uid: slot, attrs: slot, parents: slot }), { maxLength: 4 })) });
    fc.assert(fc.property(req, check), { numRuns: 2_000 });
    fc.assert(fc.property(request, check), { numRuns: 500 });
  });
});

describe('loadPolicyDir', () => {
  it('reads .cedar files in sorted name order so ids are stable', async () => {
    const files: Record<string, string> = {
      '/p/b.cedar': 'forbid(principal, action, resource);',
      '/p/a.cedar': '@id("A") permit(principal, action, resource);',
      '/p/notes.txt': 'not a policy',
    };
    const fs: PolicyFs = {
      readdir: () => Promise.resolve(Object.keys(files).map((k) => k.slice(3)).reverse()),
      readFile: (p) => { const t = files[p]; return t === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(t); },
    };
    const set = await loadPolicyDir('/p', fs);
    expect(set.policies.map((p) => [p.id, p.effect, p.pos.file])).toEqual([['policy0', 'permit', '/p/a.cedar'], ['policy1', 'forbid', '/p/b.cedar']]);
  });

  it('reports an unreadable directory as a PolicyLoadError', async () => {
    const fs: PolicyFs = { readdir: () => Promise.reject(new Error('ENOENT')), readFile: () => Promise.reject(new Error('no')) };
    await expect(loadPolicyDir('/nope', fs)).rejects.toBeInstanceOf(PolicyLoadError);
  });
});
