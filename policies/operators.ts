/**
 * The operators of the subset over runtime values (Cedar reference § Operators). Every function
 * either returns a value or throws a PolicyEvalError; none has side effects.
 */
import { LONG_MAX, LONG_MIN } from './constants.ts';
import { PolicyEvalError } from './errors.ts';
import type { PatternElem } from './ast.ts';
import { entityAttr, isAncestor } from './request.ts';
import type { Request } from './request.ts';
import { EntityValue, RecordValue, SetValue, typeName } from './values.ts';
import type { Value } from './values.ts';

export function typeError(expected: string, got: Value, op: string): PolicyEvalError {
  return new PolicyEvalError('type', `${op} expects ${expected}, got ${typeName(got)}`);
}

export function asBool(v: Value, op: string): boolean {
  if (typeof v !== 'boolean') throw typeError('a Bool', v, op);
  return v;
}

export function asLong(v: Value, op: string): bigint {
  if (typeof v !== 'bigint') throw typeError('a Long', v, op);
  return v;
}

export function asSet(v: Value, op: string): SetValue {
  if (!(v instanceof SetValue)) throw typeError('a Set', v, op);
  return v;
}

export function asEntity(v: Value, op: string): EntityValue {
  if (!(v instanceof EntityValue)) throw typeError('an entity', v, op);
  return v;
}

/** 64-bit signed result or an overflow error (Cedar reference § Long). */
export function checked(v: bigint, op: string): bigint {
  if (v < LONG_MIN || v > LONG_MAX) throw new PolicyEvalError('overflow', `integer overflow in ${op}`);
  return v;
}

/** `a in b` for entities: true when a is b or b is an ancestor of a. */
export function entityIn(a: EntityValue, b: EntityValue, req: Request): boolean {
  return a.key === b.key || isAncestor(req.entities, a.key, b.key);
}

/** Cedar `in`: the right side is an entity or a set whose members must all be entities. */
export function inOp(left: Value, right: Value, req: Request): boolean {
  const a = asEntity(left, '`in`');
  if (right instanceof EntityValue) return entityIn(a, right, req);
  if (!(right instanceof SetValue)) throw typeError('an entity or a set of entities', right, '`in`');
  const targets = right.items.map((v) => asEntity(v, '`in` (set member)'));
  return targets.some((b) => entityIn(a, b, req));
}

export function getAttr(target: Value, attr: string, req: Request): Value {
  if (target instanceof RecordValue) {
    const v = target.fields.get(attr);
    if (v === undefined) throw new PolicyEvalError('missing-attribute', `record has no attribute \`${attr}\``);
    return v;
  }
  if (!(target instanceof EntityValue)) throw typeError('an entity or a record', target, `\`.${attr}\``);
  const data = req.entities.get(target.key);
  if (data === undefined) throw new PolicyEvalError('missing-entity', `entity ${target.text} is not in the request's entities`);
  const v = entityAttr(data, attr);
  if (v === undefined) throw new PolicyEvalError('missing-attribute', `${target.text} has no attribute \`${attr}\``);
  return v;
}

/** `has`: false for an entity that is not in the store. Returns the value when present. */
export function hasAttr(target: Value, attr: string, req: Request): Value | undefined {
  if (target instanceof RecordValue) return target.fields.get(attr);
  if (!(target instanceof EntityValue)) throw typeError('an entity or a record', target, '`has`');
  const data = req.entities.get(target.key);
  return data === undefined ? undefined : entityAttr(data, attr);
}

/** Glob match with `*` wildcards; greedy with single backtrack point, O(len(text) × len(pattern)). */
export function likeMatch(text: string, pattern: readonly PatternElem[]): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length || p < pattern.length) {
    const el = pattern[p];
    if (el !== undefined && 'wildcard' in el) {
      starP = p++;
      starT = t;
      continue;
    }
    if (el !== undefined && text.startsWith(el.literal, t)) {
      t += el.literal.length;
      p++;
      continue;
    }
    if (starP < 0 || starT >= text.length) return false;
    p = starP + 1;
    t = ++starT;
  }
  return true;
}
