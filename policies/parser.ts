/**
 * Parser of policy files (Cedar grammar: Policy ::= {Annotation} Effect '(' Scope ')'
 * {Conditions} ';'). Policies are numbered policy0, policy1, … across all sources in order.
 */
import { POLICY_ID_PREFIX } from './constants.ts';
import { PolicyLoadError, PolicyParseError } from './errors.ts';
import type { ActionConstraint, Condition, EntityUid, HeadConstraint, Policy, PolicySet } from './ast.ts';
import { Cursor } from './cursor.ts';
import { tokenize } from './lexer.ts';
import { parseExpr } from './parse-expr.ts';

export interface PolicySource {
  readonly name: string;
  readonly text: string;
}

/**
 * Parses every source; throws the PolicyParseError when one source fails, or a PolicyLoadError
 * listing the first error of each failing source when several fail.
 */
export function parsePolicies(sources: readonly PolicySource[]): PolicySet {
  const policies: Policy[] = [];
  const errors: PolicyParseError[] = [];
  for (const src of sources) {
    try {
      policies.push(...parseSource(src, policies.length));
    } catch (err) {
      if (!(err instanceof PolicyParseError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new PolicyLoadError(errors.map((e) => e.message).join('\n'), errors);
  return { policies };
}

function parseSource(src: PolicySource, firstIndex: number): Policy[] {
  const c = new Cursor(tokenize(src.name, src.text), src.text);
  const out: Policy[] = [];
  while (c.peek().kind !== 'eof') out.push(parsePolicy(c, `${POLICY_ID_PREFIX}${firstIndex + out.length}`));
  return out;
}

function parsePolicy(c: Cursor, id: string): Policy {
  const pos = c.peek().pos;
  const annotations = parseAnnotations(c);
  const eff = c.next();
  if (eff.kind !== 'ident' || (eff.text !== 'permit' && eff.text !== 'forbid')) throw c.unexpected(eff, '`permit` or `forbid`');
  c.expect('(');
  const principal = parseHead(c, 'principal');
  c.expect(',');
  const action = parseAction(c);
  c.expect(',');
  const resource = parseHead(c, 'resource');
  c.eat(','); // Cedar accepts a trailing comma after the scope
  c.expect(')');
  const conditions: Condition[] = [];
  while (c.is('when') || c.is('unless')) conditions.push(parseCondition(c));
  c.expect(';');
  return { id, effect: eff.text, annotations, principal, action, resource, conditions, pos };
}

function parseAnnotations(c: Cursor): Record<string, string> {
  const out: Record<string, string> = {};
  while (c.is('@')) {
    c.next();
    const key = c.next();
    if (key.kind !== 'ident') throw c.unexpected(key, 'an annotation name');
    if (Object.hasOwn(out, key.text)) throw new PolicyParseError(key.pos, `duplicate annotation @${key.text}`);
    let value = '';
    if (c.eat('(')) {
      value = c.string('an annotation string').value;
      c.expect(')');
    }
    out[key.text] = value;
  }
  return out;
}

function parseHead(c: Cursor, v: 'principal' | 'resource'): HeadConstraint {
  c.expect(v);
  if (c.eat('==')) return { op: '==', uid: c.entity() };
  if (c.eat('in')) {
    if (c.is('[')) throw new PolicyParseError(c.peek().pos, `\`${v} in [...]\` is not allowed; only the action scope takes a list`);
    return { op: 'in', uid: c.entity() };
  }
  if (c.eat('is')) {
    const entityType = c.path();
    return c.eat('in') ? { op: 'is', entityType, in: c.entity() } : { op: 'is', entityType };
  }
  return { op: 'all' };
}

function parseAction(c: Cursor): ActionConstraint {
  c.expect('action');
  if (c.eat('==')) return { op: '==', uid: actionUid(c) };
  if (c.eat('in')) {
    if (!c.eat('[')) return { op: 'in', uids: [actionUid(c)] };
    const uids: EntityUid[] = [];
    if (!c.eat(']')) {
      for (;;) {
        uids.push(actionUid(c));
        if (c.eat(']')) break;
        c.expect(',');
        if (c.eat(']')) break;
      }
    }
    return { op: 'in', uids };
  }
  if (c.is('is')) throw new PolicyParseError(c.peek().pos, '`action is …` is not allowed in the scope');
  return { op: 'all' };
}

/** Cedar requires action entities in the scope to have type `Action` (optionally namespaced). */
function actionUid(c: Cursor): EntityUid {
  const pos = c.peek().pos;
  const uid = c.entity();
  if (uid.type !== 'Action' && !uid.type.endsWith('::Action')) {
    throw new PolicyParseError(pos, `expected an entity of type \`Action\` in the action scope, got \`${uid.type}\``);
  }
  return uid;
}

function parseCondition(c: Cursor): Condition {
  const kw = c.next();
  const open = c.expect('{');
  if (c.is('}')) throw new PolicyParseError(c.peek().pos, `empty \`${kw.text}\` condition`);
  const body = parseExpr(c, 0);
  const close = c.expect('}');
  return {
    kind: kw.text as 'when' | 'unless',
    body,
    text: `${kw.text} ${c.source.slice(open.start, close.end)}`,
    pos: kw.pos,
  };
}
