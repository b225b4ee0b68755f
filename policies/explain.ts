/**
 * `explain`: per policy, whether each part of its scope matched and which condition decided,
 * as structured steps, and a formatter that puts them in words a homeowner can follow.
 */
import type { ActionConstraint, EntityUid, HeadConstraint } from './ast.ts';
import type { CompiledPolicies, CompiledPolicy } from './compile.ts';
import { PolicyEvalError } from './errors.ts';
import { evaluateRequest } from './evaluate.ts';
import type { Decision } from './evaluate.ts';
import { requestFromJson } from './request.ts';
import type { Request } from './request.ts';
import { showValue } from './values.ts';

export interface ScopeStep {
  readonly part: 'principal' | 'action' | 'resource';
  readonly constraint: string;
  readonly matched: boolean;
}

export interface ConditionStep {
  readonly kind: 'when' | 'unless';
  readonly text: string;
  /** `value` is the condition's result in Cedar syntax when it evaluated. */
  readonly outcome: 'passed' | 'failed' | 'error' | 'not-reached';
  readonly value?: string;
  readonly error?: string;
}

export interface PolicyExplanation {
  readonly id: string;
  readonly name: string | undefined;
  readonly effect: 'permit' | 'forbid';
  readonly scope: readonly ScopeStep[];
  readonly conditions: readonly ConditionStep[];
  readonly result: 'satisfied' | 'not-satisfied' | 'error';
}

export interface Explanation {
  readonly decision: Decision;
  readonly policies: readonly PolicyExplanation[];
}

export function explain(compiled: CompiledPolicies, request: unknown): Explanation {
  const r = requestFromJson(request);
  return { decision: evaluateRequest(compiled, r), policies: compiled.policies.map((p) => explainPolicy(p, r)) };
}

function explainPolicy(p: CompiledPolicy, r: Request): PolicyExplanation {
  const src = p.source;
  const scope: ScopeStep[] = [
    { part: 'principal', constraint: headText('principal', src.principal), matched: p.principal(r) },
    { part: 'action', constraint: actionText(src.action), matched: p.action(r) },
    { part: 'resource', constraint: headText('resource', src.resource), matched: p.resource(r) },
  ];
  const base = { id: p.id, name: p.name, effect: p.effect, scope };
  const conditions: ConditionStep[] = [];
  let result: PolicyExplanation['result'] = scope.every((s) => s.matched) ? 'satisfied' : 'not-satisfied';
  for (const c of p.conditions) {
    if (result !== 'satisfied') {
      conditions.push({ kind: c.kind, text: c.text, outcome: 'not-reached' });
      continue;
    }
    try {
      const v = c.eval(r);
      const ok = typeof v === 'boolean' && v === (c.kind === 'when');
      if (typeof v !== 'boolean') {
        conditions.push({ kind: c.kind, text: c.text, outcome: 'error', error: `condition is not a Bool: ${showValue(v)}` });
        result = 'error';
      } else {
        conditions.push({ kind: c.kind, text: c.text, outcome: ok ? 'passed' : 'failed', value: String(v) });
        if (!ok) result = 'not-satisfied';
      }
    } catch (err) {
      if (!(err instanceof PolicyEvalError)) throw err;
      conditions.push({ kind: c.kind, text: c.text, outcome: 'error', error: err.message });
      result = 'error';
    }
  }
  return { ...base, conditions, result };
}

const uidText = (u: EntityUid): string => `${u.type}::${JSON.stringify(u.id)}`;

function headText(v: string, h: HeadConstraint): string {
  switch (h.op) {
    case 'all': return `any ${v}`;
    case '==': return `${v} == ${uidText(h.uid)}`;
    case 'in': return `${v} in ${uidText(h.uid)}`;
    case 'is': return `${v} is ${h.entityType}${h.in === undefined ? '' : ` in ${uidText(h.in)}`}`;
  }
}

function actionText(a: ActionConstraint): string {
  if (a.op === 'all') return 'any action';
  if (a.op === '==') return `action == ${uidText(a.uid)}`;
  return `action in [${a.uids.map(uidText).join(', ')}]`;
}

/** Words for a homeowner: the decision, then one paragraph per policy. */
export function formatExplanation(e: Explanation): string {
  const d = e.decision;
  const lines: string[] = [];
  const named = (id: string): string => {
    const n = e.policies.find((p) => p.id === id)?.name;
    return n === undefined ? id : `${id} "${n}"`;
  };
  const why = d.determining.length === 0 ? 'no policy allows it (default deny)' : `decided by ${d.determining.map(named).join(', ')}`;
  lines.push(`Decision: ${d.decision.toUpperCase()}, ${why}.`);
  for (const err of d.errors) lines.push(`(policy ${named(err.policy)} could not be evaluated: ${err.message})`);
  for (const p of e.policies) {
    const title = `${p.id}${p.name === undefined ? '' : ` "${p.name}"`} (${p.effect})`;
    const miss = p.scope.find((s) => !s.matched);
    if (miss !== undefined) {
      lines.push(`- ${title}: does not apply, it is only about \`${miss.constraint}\`.`);
      continue;
    }
    lines.push(`- ${title}: applies to this request (${p.scope.map((s) => s.constraint).join(', ')}).`);
    for (const c of p.conditions) lines.push(`    ${conditionWords(c)}`);
    lines.push(`    => ${resultWords(p)}`);
  }
  return lines.join('\n');
}

function conditionWords(c: ConditionStep): string {
  switch (c.outcome) {
    case 'passed': return `ok: ${c.text} is ${c.value}`;
    case 'failed': return `stops here: ${c.text} is ${c.value}`;
    case 'error': return `error in ${c.text}: ${c.error ?? ''} (the policy is skipped)`;
    case 'not-reached': return `not checked: ${c.text}`;
  }
}

function resultWords(p: PolicyExplanation): string {
  if (p.result === 'error') return 'skipped because of the error';
  if (p.result === 'not-satisfied') return 'its conditions do not hold, so it has no effect';
  return p.effect === 'forbid' ? 'it FORBIDS the request' : 'it PERMITS the request';
}
