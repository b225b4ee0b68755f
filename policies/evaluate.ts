/**
 * Cedar's authorization algorithm over compiled policies (Cedar reference § Authorization):
 * default deny; any satisfied forbid denies, with the satisfied forbids as determining policies;
 * otherwise satisfied permits allow; a policy whose condition errors is skipped and reported.
 */
import { candidates } from './compile.ts';
import type { CompiledPolicies, CompiledPolicy } from './compile.ts';
import { PolicyEvalError } from './errors.ts';
import { asBool } from './operators.ts';
import { requestFromJson } from './request.ts';
import type { Request } from './request.ts';

export interface Decision {
  readonly decision: 'allow' | 'deny';
  /** Ids of the policies that decided, in policy order (empty for a default deny). */
  readonly determining: string[];
  readonly errors: Array<{ policy: string; message: string }>;
}

/** Evaluates a request given in Cedar's JSON shape; throws PolicyRequestError if it is malformed. */
export function evaluate(compiled: CompiledPolicies, request: unknown): Decision {
  return evaluateRequest(compiled, requestFromJson(request));
}

/** The outcome of one policy: satisfied, not satisfied, or an evaluation error. */
export type PolicyOutcome = true | false | PolicyEvalError;

export function policyOutcome(p: CompiledPolicy, r: Request): PolicyOutcome {
  if (!p.principal(r) || !p.action(r) || !p.resource(r)) return false;
  try {
    for (const c of p.conditions) {
      const v = asBool(c.eval(r), `\`${c.kind}\` condition`);
      if (v !== (c.kind === 'when')) return false;
    }
    return true;
  } catch (err) {
    if (err instanceof PolicyEvalError) return err;
    throw err;
  }
}

export function evaluateRequest(compiled: CompiledPolicies, r: Request): Decision {
  const permits: string[] = [];
  const forbids: string[] = [];
  const errors: Array<{ policy: string; message: string }> = [];
  for (const i of candidates(compiled, r)) {
    const p = compiled.policies[i]!;
    const out = policyOutcome(p, r);
    if (out === true) (p.effect === 'forbid' ? forbids : permits).push(p.id);
    else if (out !== false) errors.push({ policy: p.id, message: out.message });
  }
  if (forbids.length > 0) return { decision: 'deny', determining: forbids, errors };
  if (permits.length > 0) return { decision: 'allow', determining: permits, errors };
  return { decision: 'deny', determining: [], errors };
}
