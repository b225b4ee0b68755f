/**
 * The reference engine: cedar-wasm (dev dependency, test and bench only), and a comparison of
 * its answer with ours on one policy text and one request.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { compile, evaluate, parsePolicies, PolicyParseError, PolicyLoadError, PolicyRequestError } from '../../policies/index.ts';

export interface Outcome {
  /** 'parse' when the policy text was rejected, 'request' when the request was. */
  readonly kind: 'decision' | 'parse' | 'request';
  readonly decision?: string;
  readonly determining?: string[];
  readonly errorPolicies?: string[];
  readonly detail?: string;
}

export function cedarOutcome(policies: string, request: Record<string, unknown>): Outcome {
  const parsed = cedar.checkParsePolicySet({ staticPolicies: policies });
  if (parsed.type === 'failure') return { kind: 'parse', detail: parsed.errors[0]?.message };
  const ans = cedar.isAuthorized({
    ...(request as Omit<cedar.AuthorizationCall, 'policies'>),
    policies: { staticPolicies: policies },
  });
  if (ans.type === 'failure') return { kind: 'request', detail: ans.errors[0]?.message };
  const d = ans.response;
  return {
    kind: 'decision',
    decision: d.decision,
    determining: [...d.diagnostics.reason].sort(),
    errorPolicies: d.diagnostics.errors.map((e) => e.policyId).sort(),
  };
}

export function ourOutcome(policies: string, request: Record<string, unknown>): Outcome {
  let compiled;
  try {
    compiled = compile(parsePolicies([{ name: 'gen.cedar', text: policies }]));
  } catch (err) {
    if (err instanceof PolicyParseError || err instanceof PolicyLoadError) return { kind: 'parse', detail: err.message };
    throw err;
  }
  try {
    const d = evaluate(compiled, request);
    return {
      kind: 'decision',
      decision: d.decision,
      determining: [...d.determining].sort(),
      errorPolicies: d.errors.map((e) => e.policy).sort(),
    };
  } catch (err) {
    if (err instanceof PolicyRequestError) return { kind: 'request', detail: err.message };
    throw err;
  }
}

/** The parts that must agree: kind, and for decisions the decision, determining and erroring ids. */
export function comparable(o: Outcome): unknown {
  return o.kind === 'decision' ? { kind: o.kind, decision: o.decision, determining: o.determining, errors: o.errorPolicies } : { kind: o.kind };
}
