/**
 * fast-check generators of policy sets within the subset and of requests with entities, for the
 * differential suite against cedar-wasm. Expressions are fully parenthesised so both engines read
 * the same tree; a mix of well-typed and ill-typed forms exercises both decisions and errors.
 */
import fc from 'fast-check';

export const USERS = ['alice', 'bob', 'carol'];
export const GROUPS = ['owners', 'delegates', 'techs'];
export const SENSORS = ['temp', 'door'];
export const ACTIONS = ['read', 'write', 'calibrate', 'all'];
export const ATTRS = ['age', 'level', 'name', 'tags', 'owner', 'info'];

const q = (s: string): string => JSON.stringify(s);

const entityLit = fc.oneof(
  fc.constantFrom(...USERS).map((id) => `User::${q(id)}`),
  fc.constantFrom(...GROUPS).map((id) => `Group::${q(id)}`),
  fc.constantFrom(...SENSORS).map((id) => `Sensor::${q(id)}`),
  fc.constantFrom(...ACTIONS).map((id) => `Action::${q(id)}`),
);

const longLit = fc.oneof(
  fc.integer({ min: -5, max: 20 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '4611686018427387904', '-1', '3037000500'),
);

const strLit = fc.constantFrom('', 'a', 'ab', 'alice', 'temp*', 'x y', 'é', '*').map(q);

const literal = fc.oneof(fc.constantFrom('true', 'false'), longLit, strLit, entityLit);
const attrName = fc.constantFrom(...ATTRS);
const pattern = fc.array(fc.constantFrom('*', 'a', 'b', 'al', '\\*', 'e', 'temp'), { maxLength: 4 }).map((p) => `"${p.join('')}"`);
const typeName = fc.constantFrom('User', 'Group', 'Sensor', 'Action');
const varName = fc.constantFrom('principal', 'action', 'resource', 'context');

export const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => {
  const e = tie('e');
  return {
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literal,
      varName,
      fc.tuple(e, attrName).map(([x, a]) => `(${x}).${a}`),
      fc.tuple(varName, attrName).map(([x, a]) => `${x}.${a}`),
      fc.tuple(varName, attrName).map(([x, a]) => `(${x} has ${a})`),
      fc.tuple(e, attrName).map(([x, a]) => `(${x} has ${a})`),
      fc.tuple(varName, attrName).map(([x, a]) => `${x}["${a}"]`),
      fc.tuple(varName, attrName, attrName).map(([x, a, b]) => `(${x} has ${a}.${b})`),
      fc.tuple(varName, attrName).map(([x, a]) => `(${x} has "${a}")`),
      fc.tuple(e, pattern).map(([x, p]) => `(${x} like ${p})`),
      fc.tuple(e, typeName).map(([x, t]) => `(${x} is ${t})`),
      fc.tuple(e, typeName, e).map(([x, t, y]) => `(${x} is ${t} in ${y})`),
      fc.tuple(e, fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '+', '-', '*', 'in', '&&', '||'), e)
        .map(([x, op, y]) => `(${x} ${op} ${y})`),
      e.map((x) => `(!${x})`),
      e.map((x) => `(-${x})`),
      fc.tuple(e, e, e).map(([c, t, f]) => `(if ${c} then ${t} else ${f})`),
      fc.tuple(e, fc.constantFrom('contains', 'containsAll', 'containsAny'), e).map(([x, m, y]) => `(${x}).${m}(${y})`),
      e.map((x) => `(${x}).isEmpty()`),
      fc.array(e, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
      fc.array(fc.tuple(attrName, e), { maxLength: 3 }).map((fs) => {
        const seen = new Set<string>();
        const uniq = fs.filter(([k]) => !seen.has(k) && seen.add(k) !== undefined);
        return `{${uniq.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
      }),
    ),
  };
}).e;

/** Boolean-shaped conditions that usually type-check, so decisions are often allow. */
const cmp = fc.oneof(
  fc.tuple(varName, attrName, fc.constantFrom('<', '<=', '>', '>=', '==', '!='), longLit).map(([v, a, op, l]) => `${v}.${a} ${op} ${l}`),
  fc.tuple(fc.constantFrom('principal', 'resource'), entityLit).map(([v, e]) => `${v} in ${e}`),
  fc.tuple(varName, attrName).map(([v, a]) => `${v} has ${a}`),
  fc.tuple(varName, attrName, pattern).map(([v, a, p]) => `${v}.${a} like ${p}`),
  fc.tuple(varName, attrName, literal).map(([v, a, l]) => `${v}.${a}.contains(${l})`),
  fc.tuple(varName, attrName, longLit).map(([v, a, l]) => `${v}.${a} + ${l} > ${l}`),
);
const typedCond = fc.array(cmp, { minLength: 1, maxLength: 3 }).chain((cs) =>
  fc.array(fc.constantFrom('&&', '||'), { minLength: cs.length - 1, maxLength: cs.length - 1 })
    .map((ops) => cs.map((c, i) => (i === 0 ? `(${c})` : `${ops[i - 1]} (${c})`)).join(' ')));

const headScope = (v: string, types: readonly string[], ids: Record<string, readonly string[]>): fc.Arbitrary<string> => {
  const uid = fc.constantFrom(...types).chain((t) => fc.constantFrom(...ids[t]!).map((id) => `${t}::${q(id)}`));
  return fc.oneof(
    { arbitrary: fc.constant(v), weight: 4 },
    uid.map((u) => `${v} == ${u}`),
    uid.map((u) => `${v} in ${u}`),
    fc.constantFrom(...types).map((t) => `${v} is ${t}`),
    fc.tuple(fc.constantFrom(...types), uid).map(([t, u]) => `${v} is ${t} in ${u}`),
  );
};
const IDS = { User: USERS, Group: GROUPS, Sensor: SENSORS };
const actionUid = fc.constantFrom(...ACTIONS).map((a) => `Action::${q(a)}`);
const actionScope = fc.oneof(
  { arbitrary: fc.constant('action'), weight: 3 },
  actionUid.map((u) => `action == ${u}`),
  actionUid.map((u) => `action in ${u}`),
  fc.array(actionUid, { maxLength: 3 }).map((us) => `action in [${us.join(', ')}]`),
);

export const policy = fc.record({
  annot: fc.option(fc.constantFrom('owner reads', 'tech calibrates'), { nil: undefined }),
  effect: fc.constantFrom('permit', 'permit', 'forbid'),
  p: headScope('principal', ['User', 'Group'], IDS),
  a: actionScope,
  r: headScope('resource', ['Sensor', 'User'], IDS),
  conds: fc.array(fc.tuple(fc.constantFrom('when', 'unless'), fc.oneof(typedCond, typedCond, expr)), { maxLength: 2 }),
}).map(({ annot, effect, p, a, r, conds }) =>
  `${annot === undefined ? '' : `@id(${q(annot)}) `}${effect} (${p}, ${a}, ${r})${conds.map(([k, b]) => ` ${k} { ${b} }`).join('')};`);

export const policySet = fc.array(policy, { minLength: 1, maxLength: 6 }).map((ps) => ps.join('\n'));

// ---- requests ----

export interface Uid { type: string; id: string }

const jsonLong = fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constantFrom(9007199254740991, -9007199254740991));
const uidOf = (t: string, ids: readonly string[]): fc.Arbitrary<Uid> => fc.constantFrom(...ids).map((id) => ({ type: t, id }));
const anyUid = fc.oneof(uidOf('User', USERS), uidOf('Group', GROUPS), uidOf('Sensor', SENSORS));

export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.boolean(),
    jsonLong,
    fc.constantFrom('', 'a', 'alice', 'temperature', 'ab*', 'é'),
    anyUid.map((u) => ({ __entity: u })),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...ATTRS), tie('v'), { maxKeys: 3 }),
  ),
})).v;

const attrs = fc.dictionary(fc.constantFrom(...ATTRS), jsonValue, { maxKeys: 4 });

/** Parents only point "upwards" (User → Group, Group → later Group, Sensor → Group/User), so no cycles. */
function entitiesArb(): fc.Arbitrary<unknown[]> {
  const group = (i: number): fc.Arbitrary<unknown> => fc.record({
    uid: fc.constant({ type: 'Group', id: GROUPS[i]! }), attrs,
    parents: fc.subarray(GROUPS.slice(i + 1)).map((gs) => gs.map((id) => ({ type: 'Group', id }))),
  });
  const leaf = (type: string, id: string): fc.Arbitrary<unknown> => fc.record({
    uid: fc.constant({ type, id }), attrs,
    parents: fc.subarray([...GROUPS.map((g) => ({ type: 'Group', id: g })), ...(type === 'Sensor' ? USERS.map((u) => ({ type: 'User', id: u })) : [])]),
  });
  const action = (id: string): fc.Arbitrary<unknown> => fc.record({
    uid: fc.constant({ type: 'Action', id }), attrs: fc.constant({}),
    parents: id === 'all' ? fc.constant([]) : fc.subarray([{ type: 'Action', id: 'all' }]),
  });
  const all = [
    ...GROUPS.map((_, i) => group(i)), ...USERS.map((u) => leaf('User', u)),
    ...SENSORS.map((s) => leaf('Sensor', s)), ...ACTIONS.map(action),
  ];
  return fc.tuple(...all.map((a) => fc.option(a, { nil: undefined, freq: 4 })))
    .map((es) => es.filter((e) => e !== undefined));
}

export const request = fc.record({
  principal: fc.oneof(uidOf('User', USERS), uidOf('Group', GROUPS)),
  action: uidOf('Action', ACTIONS),
  resource: fc.oneof(uidOf('Sensor', SENSORS), uidOf('User', USERS)),
  context: attrs,
  entities: entitiesArb(),
});
