/**
 * Typed errors of the policy engine (STYLE.md § Errors and logs). Callers branch on `code`.
 */
import { Ip2Error } from '../agent/errors.ts';

export type PolicyErrorCode =
  | 'POLICY_SYNTAX'
  | 'POLICY_LOAD'
  | 'POLICY_REQUEST'
  | 'POLICY_EVAL';

/** Where in a policy source something was found: 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Policy text that does not parse, or uses something outside the supported subset. */
export class PolicyParseError extends Ip2Error {
  readonly code = 'POLICY_SYNTAX' as const;
  override readonly name = 'PolicyParseError';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The message without the `file:line:col: ` prefix. */
  readonly detail: string;

  constructor(pos: SourcePos, detail: string, options?: { cause?: unknown }) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${detail}`, { ...options, badInput: true });
    this.file = pos.file;
    this.line = pos.line;
    this.col = pos.col;
    this.detail = detail;
  }
}

/** Several parse errors at once (one per file at most), or a file that cannot be read. */
export class PolicyLoadError extends Ip2Error {
  readonly code = 'POLICY_LOAD' as const;
  override readonly name = 'PolicyLoadError';
  readonly errors: readonly PolicyParseError[];

  constructor(message: string, errors: readonly PolicyParseError[], options?: { cause?: unknown }) {
    super(message, { ...options, badInput: true });
    this.errors = errors;
  }
}

/** A request (principal/action/resource, context, entities) that is not valid Cedar JSON. */
export class PolicyRequestError extends Ip2Error {
  readonly code = 'POLICY_REQUEST' as const;
  override readonly name = 'PolicyRequestError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, badInput: true });
  }
}

export type EvalErrorKind = 'type' | 'overflow' | 'missing-attribute' | 'missing-entity' | 'limit';

/**
 * An error while evaluating one policy's condition. Cedar skips that policy and reports it;
 * `evaluate` turns these into `Decision.errors` entries and never lets them escape.
 */
export class PolicyEvalError extends Ip2Error {
  readonly code = 'POLICY_EVAL' as const;
  override readonly name = 'PolicyEvalError';
  readonly kind: EvalErrorKind;

  constructor(kind: EvalErrorKind, message: string) {
    super(message, { badInput: false });
    this.kind = kind;
  }
}
