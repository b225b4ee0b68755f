/**
 * The local policy engine: a Cedar-compatible subset (DESIGN.md §5, PROTOCOL.md § Policies).
 *
 *   const compiled = compile(parsePolicies([{ name: 'home.cedar', text }]));
 *   const d = evaluate(compiled, { principal, action, resource, context, entities });
 *
 * Parsing and compiling fail at load with file:line:col; evaluate is pure over the request.
 */
export { parsePolicies } from './parser.ts';
export type { PolicySource } from './parser.ts';
export { loadPolicyDir, loadPolicyFiles } from './loader.ts';
export type { PolicyFs } from './loader.ts';
export { compile } from './compile.ts';
export type { CompiledPolicies, CompiledPolicy } from './compile.ts';
export { evaluate, evaluateRequest } from './evaluate.ts';
export type { Decision } from './evaluate.ts';
export { explain, formatExplanation } from './explain.ts';
export type { Explanation, PolicyExplanation, ScopeStep, ConditionStep } from './explain.ts';
export { requestFromJson } from './request.ts';
export type { Request } from './request.ts';
export type { Policy, PolicySet, Expr } from './ast.ts';
export {
  PolicyParseError, PolicyLoadError, PolicyRequestError, PolicyEvalError,
} from './errors.ts';
export type { PolicyErrorCode, SourcePos } from './errors.ts';
