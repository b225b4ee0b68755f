/**
 * Cedar semantics, one expression at a time: each condition's expected outcome is written by hand
 * (from the Cedar reference) and also checked against cedar-wasm.
 */
import { describe, expect, it } from 'vitest';
import { compile, evaluate, parsePolicies } from '../../policies/index.ts';
import { cedarOutcome, comparable, ourOutcome } from './reference.ts';

const REQUEST = {
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: 'read' },
  resource: { type: 'Sensor', id: 'temp' },
  context: { n: 5, big: 9007199254740991, s: 'temp*x', tags: ['a', 'b'], rec: { a: 1, b: [1, 2] }, who: { __entity: { type: 'User', id: 'bob' } }, flag: true },
  entities: [
    { uid: { type: 'User', id: 'alice' }, attrs: { level: 4, name: 'Alice' }, parents: [{ type: 'Group', id: 'family' }] },
    { uid: { type: 'Group', id: 'family' }, attrs: {}, parents: [{ type: 'Group', id: 'home' }] },
    { uid: { type: 'Action', id: 'read' }, attrs: {}, parents: [{ type: 'Action', id: 'readers' }] },
    { uid: { type: 'Sensor', id: 'temp' }, attrs: { owner: { __entity: { type: 'User', id: 'alice' } } }, parents: [] },
  ],
};

type Expect = 'true' | 'false' | 'error';
const CASES: Array<[string, Expect]> = [
  // && / || short-circuit and require booleans
  ['false && (1 + "a" == 2)', 'false'],
  ['true || principal.nope', 'true'],
  ['true && 1', 'error'],
  ['1 || true', 'error'],
  ['false || context.n', 'error'],
  ['!context.n', 'error'],
  // Long: 64-bit with overflow errors
  ['9223372036854775807 + 0 == 9223372036854775807', 'true'],
  ['9223372036854775807 + 1 > 0', 'error'],
  ['-9223372036854775808 - 1 < 0', 'error'],
  ['-(-9223372036854775808) > 0', 'error'],
  ['3037000500 * 3037000500 > 0', 'error'],
  ['context.big * 1024 > 0', 'true'],
  ['context.n * context.n == 25', 'true'],
  ['context.n - 7 == -2', 'true'],
  ['"a" < "b"', 'error'],
  // == across types is false, never an error; structural equality
  ['1 == "1"', 'false'],
  ['principal == "alice"', 'false'],
  ['[1, 2, 2] == [2, 1]', 'true'],
  ['{a: 1, b: [1, 2]} == context.rec', 'true'],
  ['{a: 1} == context.rec', 'false'],
  ['[[1], {x: 2}] == [{x: 2}, [1]]', 'true'],
  ['context.who == User::"bob"', 'true'],
  ['1 != true', 'true'],
  // in: transitive, reflexive, sets of entities only
  ['principal in Group::"home"', 'true'],
  ['principal in principal', 'true'],
  ['principal in [Group::"x", Group::"family"]', 'true'],
  ['principal in [Group::"family", 1]', 'error'],
  ['User::"zed" in User::"zed"', 'true'],
  ['User::"zed" in Group::"home"', 'false'],
  ['1 in [1]', 'error'],
  ['action in Action::"readers"', 'true'],
  // has and attribute access
  ['principal has level', 'true'],
  ['principal has nope', 'false'],
  ['User::"zed" has level', 'false'],
  ['User::"zed".level > 0', 'error'],
  ['principal.nope == 1', 'error'],
  ['context has rec && context.rec has a', 'true'],
  ['context["rec"]["a"] == 1', 'true'],
  ['1 has a', 'error'],
  ['resource.owner.level == 4', 'true'],
  ['resource.owner.name like "Al*"', 'true'],
  // like
  ['context.s like "temp*"', 'true'],
  ['context.s like "temp\\*x"', 'true'],
  ['context.s like "temp\\*"', 'false'],
  ['"" like "*"', 'true'],
  ['"abcabc" like "*c*c"', 'true'],
  ['"abc" like "a*b"', 'false'],
  ['1 like "*"', 'error'],
  // is
  ['principal is User', 'true'],
  ['principal is Group', 'false'],
  ['principal is User in Group::"home"', 'true'],
  ['principal is Group in 1', 'false'],
  ['principal is User in 1', 'error'],
  ['1 is User', 'error'],
  // sets
  ['context.tags.contains("a")', 'true'],
  ['context.tags.containsAll(["a", "b", "a"])', 'true'],
  ['context.tags.containsAny(["c"])', 'false'],
  ['[].isEmpty()', 'true'],
  ['context.n.contains(1)', 'error'],
  ['context.tags.containsAll("a")', 'error'],
  ['[context.n, 5].contains(5)', 'true'],
  // if-then-else
  ['if context.flag then true else 1', 'true'],
  ['if context.n then true else false', 'error'],
  ['if false then principal.nope else false', 'false'],
  // non-boolean condition
  ['context.n', 'error'],
];

describe('expression semantics (hand-written expectations, confirmed by cedar-wasm)', () => {
  for (const [cond, want] of CASES) {
    it(`${cond}  →  ${want}`, () => {
      const text = `permit (principal, action, resource) when { ${cond} };`;
      const d = evaluate(compile(parsePolicies([{ name: 't.cedar', text }])), REQUEST);
      const got: Expect = d.errors.length > 0 ? 'error' : d.decision === 'allow' ? 'true' : 'false';
      expect(got).toBe(want);
      expect(comparable(ourOutcome(text, REQUEST))).toEqual(comparable(cedarOutcome(text, REQUEST)));
    });
  }
});

describe('authorization algorithm', () => {
  const decide = (text: string): ReturnType<typeof evaluate> => evaluate(compile(parsePolicies([{ name: 't.cedar', text }])), REQUEST);

  it('denies by default', () => {
    expect(decide('permit (principal == User::"bob", action, resource);')).toEqual({ decision: 'deny', determining: [], errors: [] });
  });

  it('lets any satisfied forbid win, with only the forbids determining', () => {
    const d = decide('permit (principal, action, resource);\nforbid (principal, action, resource);\npermit (principal, action, resource);\nforbid (principal, action, resource) when { false };');
    expect(d).toEqual({ decision: 'deny', determining: ['policy1'], errors: [] });
  });

  it('skips and reports a policy whose condition errors, and still allows by others', () => {
    const d = decide('forbid (principal, action, resource) when { principal.nope };\npermit (principal, action == Action::"read", resource);');
    expect(d.decision).toBe('allow');
    expect(d.determining).toEqual(['policy1']);
    expect(d.errors.map((e) => e.policy)).toEqual(['policy0']);
  });

  it('matches action scopes through the action hierarchy', () => {
    expect(decide('permit (principal, action in [Action::"write", Action::"readers"], resource);').determining).toEqual(['policy0']);
    expect(decide('permit (principal, action == Action::"readers", resource);').decision).toBe('deny');
  });

  it('evaluates when/unless clauses in order and stops at the first that fails', () => {
    const d = decide('permit (principal, action, resource) unless { true } when { principal.nope };');
    expect(d).toEqual({ decision: 'deny', determining: [], errors: [] });
  });
});
