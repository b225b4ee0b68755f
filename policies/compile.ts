/**
 * Compiles a parsed policy set once into closures, indexed by action so that evaluation only
 * tries policies whose action scope can match (DESIGN.md §5).
 */
import type { ActionConstraint, HeadConstraint, Policy, PolicySet } from './ast.ts';
import { compileExpr } from './compile-expr.ts';
import type { Eval } from './compile-expr.ts';
import { entityIn } from './operators.ts';
import { ancestorsOf } from './request.ts';
import type { Request } from './request.ts';
import { EntityValue } from './values.ts';

export type ScopeCheck = (req: Request) => boolean;

export interface CompiledCondition {
  readonly kind: 'when' | 'unless';
  readonly text: string;
  readonly eval: Eval;
}

export interface CompiledPolicy {
  readonly id: string;
  /** The `@id("…")` annotation, if any: a human name shown beside the id. */
  readonly name: string | undefined;
  readonly effect: 'permit' | 'forbid';
  readonly source: Policy;
  readonly principal: ScopeCheck;
  readonly action: ScopeCheck;
  readonly resource: ScopeCheck;
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledPolicies {
  readonly policies: readonly CompiledPolicy[];
  /** Indices of policies whose action scope is unconstrained. */
  readonly anyAction: readonly number[];
  /** Per action key, sorted indices of policies naming it with `==` or `in`, merged with anyAction. */
  readonly byAction: ReadonlyMap<string, readonly number[]>;
  /** Per action key, indices of policies with `action in` naming it (matched through the action's ancestors). */
  readonly byActionGroup: ReadonlyMap<string, readonly number[]>;
}

export function compile(set: PolicySet): CompiledPolicies {
  const policies = set.policies.map(compilePolicy);
  const anyAction: number[] = [];
  const direct = new Map<string, number[]>();
  const group = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, i: number): void => {
    const l = m.get(k);
    if (l === undefined) m.set(k, [i]);
    else if (l[l.length - 1] !== i) l.push(i);
  };
  set.policies.forEach((p, i) => {
    const a = p.action;
    if (a.op === 'all') anyAction.push(i);
    else if (a.op === '==') add(direct, new EntityValue(a.uid.type, a.uid.id).key, i);
    else for (const u of a.uids) {
      const k = new EntityValue(u.type, u.id).key;
      add(direct, k, i);
      add(group, k, i);
    }
  });
  const byAction = new Map<string, number[]>();
  for (const [k, l] of direct) byAction.set(k, mergeSorted(l, anyAction));
  return { policies, anyAction, byAction, byActionGroup: group };
}

export function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i] ?? Infinity;
    const y = b[j] ?? Infinity;
    const v = Math.min(x, y);
    if (x === v) i++;
    if (y === v) j++;
    if (out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

/** Indices of the policies that can apply to the request's action, in policy order. */
export function candidates(c: CompiledPolicies, req: Request): readonly number[] {
  const base = c.byAction.get(req.action.key) ?? c.anyAction;
  const parents = req.entities.get(req.action.key)?.parents;
  if (parents === undefined || parents.length === 0) return base;
  let out = base;
  for (const a of ancestorsOf(req.entities, req.action.key)) {
    const extra = c.byActionGroup.get(a);
    if (extra !== undefined) out = mergeSorted(out, extra);
  }
  return out;
}

function compilePolicy(p: Policy): CompiledPolicy {
  return {
    id: p.id,
    name: p.annotations['id'],
    effect: p.effect,
    source: p,
    principal: compileHead(p.principal, (r) => r.principal),
    action: compileAction(p.action),
    resource: compileHead(p.resource, (r) => r.resource),
    conditions: p.conditions.map((c) => ({ kind: c.kind, text: c.text, eval: compileExpr(c.body) })),
  };
}

function compileHead(h: HeadConstraint, pick: (r: Request) => EntityValue): ScopeCheck {
  switch (h.op) {
    case 'all':
      return () => true;
    case '==': {
      const key = new EntityValue(h.uid.type, h.uid.id).key;
      return (r) => pick(r).key === key;
    }
    case 'in': {
      const target = new EntityValue(h.uid.type, h.uid.id);
      return (r) => entityIn(pick(r), target, r);
    }
    case 'is': {
      const type = h.entityType;
      const target = h.in === undefined ? undefined : new EntityValue(h.in.type, h.in.id);
      return (r) => pick(r).type === type && (target === undefined || entityIn(pick(r), target, r));
    }
  }
}

function compileAction(a: ActionConstraint): ScopeCheck {
  if (a.op === 'all') return () => true;
  if (a.op === '==') {
    const key = new EntityValue(a.uid.type, a.uid.id).key;
    return (r) => r.action.key === key;
  }
  const targets = a.uids.map((u) => new EntityValue(u.type, u.id));
  return (r) => targets.some((t) => entityIn(r.action, t, r));
}
