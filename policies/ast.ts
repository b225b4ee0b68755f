/**
 * The syntax tree of the supported Cedar subset. Node names follow the Cedar grammar
 * (https://docs.cedarpolicy.com/policies/syntax-grammar.html).
 */
import type { SourcePos } from './errors.ts';

export interface EntityUid {
  readonly type: string;
  readonly id: string;
}

export type Var = 'principal' | 'action' | 'resource' | 'context';

export type BinaryOp =
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '+' | '-' | '*' | 'in' | '&&' | '||';

export type MethodName = 'contains' | 'containsAll' | 'containsAny' | 'isEmpty';

/** A pattern of `like`: literal text runs and wildcards (`*`). */
export type PatternElem = { readonly wildcard: true } | { readonly literal: string };

export type Expr = { readonly pos: SourcePos } & (
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'long'; readonly value: bigint }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'entity'; readonly uid: EntityUid }
  | { readonly kind: 'var'; readonly name: Var }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'neg'; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: Expr; readonly else: Expr }
  | { readonly kind: 'attr'; readonly target: Expr; readonly attr: string }
  | { readonly kind: 'has'; readonly target: Expr; readonly path: readonly string[] }
  | { readonly kind: 'like'; readonly target: Expr; readonly pattern: readonly PatternElem[] }
  | { readonly kind: 'is'; readonly target: Expr; readonly entityType: string; readonly in?: Expr }
  | { readonly kind: 'method'; readonly name: MethodName; readonly target: Expr; readonly args: readonly Expr[] }
  | { readonly kind: 'set'; readonly items: readonly Expr[] }
  | { readonly kind: 'record'; readonly fields: ReadonlyArray<readonly [string, Expr]> }
);

/** `principal`, `principal == E`, `principal in E`, `principal is T`, `principal is T in E`. */
export type HeadConstraint =
  | { readonly op: 'all' }
  | { readonly op: '=='; readonly uid: EntityUid }
  | { readonly op: 'in'; readonly uid: EntityUid }
  | { readonly op: 'is'; readonly entityType: string; readonly in?: EntityUid };

/** `action`, `action == E`, `action in E`, `action in [E, …]`. */
export type ActionConstraint =
  | { readonly op: 'all' }
  | { readonly op: '=='; readonly uid: EntityUid }
  | { readonly op: 'in'; readonly uids: readonly EntityUid[] };

export interface Condition {
  readonly kind: 'when' | 'unless';
  readonly body: Expr;
  /** The clause's source text, for explanations. */
  readonly text: string;
  readonly pos: SourcePos;
}

export interface Policy {
  /** `policy0`, `policy1`, … in reading order, as Cedar numbers a policy set parsed from text. */
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly annotations: Readonly<Record<string, string>>;
  readonly principal: HeadConstraint;
  readonly action: ActionConstraint;
  readonly resource: HeadConstraint;
  readonly conditions: readonly Condition[];
  readonly pos: SourcePos;
}

export interface PolicySet {
  readonly policies: readonly Policy[];
}
