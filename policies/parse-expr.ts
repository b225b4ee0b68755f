/**
 * Recursive-descent parser of Cedar expressions (Cedar grammar: Expr, Or, And, Relation, Add,
 * Mult, Unary, Member, Primary). Depth is bounded by MAX_NESTING, so any input terminates with a
 * tree or a PolicyParseError.
 */
import { LONG_MAX, MAX_NESTING, MAX_UNARY_RUN, METHODS, RESERVED } from './constants.ts';
import { PolicyParseError } from './errors.ts';
import type { SourcePos } from './errors.ts';
import type { BinaryOp, Expr, MethodName } from './ast.ts';
import { unescapePattern } from './lexer.ts';
import type { Cursor } from './cursor.ts';

const RELOPS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in']);
const VARS = new Set(['principal', 'action', 'resource', 'context']);

function guard(c: Cursor, depth: number): void {
  if (depth > MAX_NESTING) throw new PolicyParseError(c.peek().pos, `expression nested deeper than ${MAX_NESTING}`);
}

export function parseExpr(c: Cursor, depth: number): Expr {
  guard(c, depth);
  const t = c.peek();
  if (c.eat('if')) {
    const cond = parseExpr(c, depth + 1);
    c.expect('then');
    const then = parseExpr(c, depth + 1);
    c.expect('else');
    return { kind: 'if', cond, then, else: parseExpr(c, depth + 1), pos: t.pos };
  }
  return parseChain(c, depth, '||', (d) => parseChain(c, d, '&&', (d2) => parseRelation(c, d2)));
}

/** Left-associative chain of one operator; each link counts toward the depth bound. */
function parseChain(c: Cursor, depth: number, op: '||' | '&&' | 'add' | '*', sub: (d: number) => Expr): Expr {
  let left = sub(depth + 1);
  let links = 0;
  for (;;) {
    const t = c.peek();
    const text = op === 'add' ? (c.is('+') ? '+' : c.is('-') ? '-' : undefined) : c.is(op) ? op : undefined;
    if (text === undefined) return left;
    c.next();
    links++;
    guard(c, depth + links);
    const right = sub(depth + links + 1);
    left = { kind: 'binary', op: text as BinaryOp, left, right, pos: t.pos };
  }
}

function parseRelation(c: Cursor, depth: number): Expr {
  const left = parseChain(c, depth, 'add', (d) => parseChain(c, d, '*', (d2) => parseUnary(c, d2)));
  const t = c.peek();
  if (t.kind === 'punct' && RELOPS.has(t.text) || c.is('in')) {
    c.next();
    const right = parseChain(c, depth + 1, 'add', (d) => parseChain(c, d, '*', (d2) => parseUnary(c, d2)));
    return { kind: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos };
  }
  if (c.eat('has')) {
    const quoted = c.peek().kind === 'string';
    const path = [quoted ? c.string('an attribute').value : c.ident('an attribute name').text];
    // `has a.b.c` tests a path; a quoted attribute (`has "a"`) cannot start one.
    while (!quoted && c.is('.') && c.peek(1).kind === 'ident') {
      c.next();
      path.push(c.ident('an attribute name').text);
    }
    return { kind: 'has', target: left, path, pos: t.pos };
  }
  if (c.eat('like')) {
    const p = c.next();
    if (p.kind !== 'string') throw c.unexpected(p, 'a pattern string');
    return { kind: 'like', target: left, pattern: unescapePattern(p.text, p.pos), pos: t.pos };
  }
  if (c.eat('is')) {
    const entityType = c.path();
    if (c.eat('in')) {
      const inExpr = parseChain(c, depth + 1, 'add', (d) => parseChain(c, d, '*', (d2) => parseUnary(c, d2)));
      return { kind: 'is', target: left, entityType, in: inExpr, pos: t.pos };
    }
    return { kind: 'is', target: left, entityType, pos: t.pos };
  }
  return left;
}

function parseUnary(c: Cursor, depth: number): Expr {
  guard(c, depth);
  const t = c.peek();
  if (!c.is('!') && !c.is('-')) return parseMember(c, depth + 1);
  const ops: Array<{ op: string; pos: SourcePos }> = [];
  while (c.is(t.text)) ops.push({ op: c.next().text, pos: c.peek().pos });
  if (ops.length > MAX_UNARY_RUN) throw new PolicyParseError(t.pos, `more than ${MAX_UNARY_RUN} unary operators in a row`);
  let arg: Expr;
  const lit = c.peek();
  if (t.text === '-' && lit.kind === 'int') {
    // Cedar folds `-` into an integer literal, so -9223372036854775808 is a valid Long.
    c.next();
    ops.pop();
    arg = parsePostfix(c, depth + 1, { kind: 'long', value: -parseLong(lit.text, lit.pos, true), pos: t.pos });
  } else {
    arg = parseMember(c, depth + 1);
  }
  for (let i = ops.length - 1; i >= 0; i--) arg = { kind: t.text === '!' ? 'not' : 'neg', arg, pos: t.pos };
  return arg;
}

function parseLong(text: string, pos: SourcePos, negated: boolean): bigint {
  const v = BigInt(text);
  if (v > LONG_MAX + (negated ? 1n : 0n)) throw new PolicyParseError(pos, `integer literal ${text} does not fit in a 64-bit Long`);
  return v;
}

function parseMember(c: Cursor, depth: number): Expr {
  return parsePostfix(c, depth, parsePrimary(c, depth + 1));
}

function parsePostfix(c: Cursor, depth: number, start: Expr): Expr {
  let e = start;
  let links = 0;
  for (;;) {
    guard(c, depth + links++);
    const t = c.peek();
    if (c.eat('.')) {
      const name = c.next();
      if (name.kind !== 'ident') throw c.unexpected(name, 'an attribute or method name');
      if (c.is('(')) {
        e = parseMethod(c, depth + links, e, name.text, name.pos);
        continue;
      }
      if (RESERVED.has(name.text)) throw new PolicyParseError(name.pos, `\`${name.text}\` is reserved and cannot be used here`);
      e = { kind: 'attr', target: e, attr: name.text, pos: t.pos };
    } else if (c.eat('[')) {
      const attr = c.string('an attribute string').value;
      c.expect(']');
      e = { kind: 'attr', target: e, attr, pos: t.pos };
    } else {
      return e;
    }
  }
}

function parseMethod(c: Cursor, depth: number, target: Expr, name: string, pos: SourcePos): Expr {
  const arity = METHODS[name];
  if (arity === undefined) throw new PolicyParseError(pos, `unknown method \`${name}\` (supported: ${Object.keys(METHODS).join(', ')})`);
  c.expect('(');
  const args = parseList(c, depth, ')');
  if (args.length !== arity) throw new PolicyParseError(pos, `\`${name}\` takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`);
  return { kind: 'method', name: name as MethodName, target, args, pos };
}

function parseList(c: Cursor, depth: number, close: string): Expr[] {
  const items: Expr[] = [];
  if (c.eat(close)) return items;
  for (;;) {
    items.push(parseExpr(c, depth + 1));
    if (c.eat(close)) return items;
    c.expect(',');
    if (c.eat(close)) return items; // Cedar accepts one trailing comma
  }
}

function parsePrimary(c: Cursor, depth: number): Expr {
  guard(c, depth);
  const t = c.peek();
  if (t.kind === 'int') {
    c.next();
    return { kind: 'long', value: parseLong(t.text, t.pos, false), pos: t.pos };
  }
  if (t.kind === 'string') return { kind: 'string', value: c.string('a string').value, pos: t.pos };
  if (c.eat('(')) {
    const e = parseExpr(c, depth + 1);
    c.expect(')');
    return e;
  }
  if (c.eat('[')) return { kind: 'set', items: parseList(c, depth, ']'), pos: t.pos };
  if (c.eat('{')) return parseRecord(c, depth, t.pos);
  if (t.kind !== 'ident') throw c.unexpected(t, 'an expression');
  if (t.text === 'true' || t.text === 'false') {
    c.next();
    return { kind: 'bool', value: t.text === 'true', pos: t.pos };
  }
  if (VARS.has(t.text) && !c.is('::', 1)) {
    c.next();
    return { kind: 'var', name: t.text as 'principal', pos: t.pos };
  }
  const type = c.path();
  if (c.is('(')) throw new PolicyParseError(t.pos, `function \`${type}\` is not supported (no extension functions in this subset)`);
  if (!c.is('::')) throw new PolicyParseError(t.pos, `unknown identifier \`${type}\``);
  c.next();
  return { kind: 'entity', uid: { type, id: c.string('an entity id string').value }, pos: t.pos };
}

function parseRecord(c: Cursor, depth: number, pos: SourcePos): Expr {
  const fields: Array<readonly [string, Expr]> = [];
  const seen = new Set<string>();
  if (c.eat('}')) return { kind: 'record', fields, pos };
  for (;;) {
    const k = c.peek();
    const key = k.kind === 'string' ? c.string('a key').value : c.ident('a record key').text;
    if (seen.has(key)) throw new PolicyParseError(k.pos, `duplicate record key \`${key}\``);
    seen.add(key);
    c.expect(':');
    fields.push([key, parseExpr(c, depth + 1)]);
    if (c.eat('}')) return { kind: 'record', fields, pos };
    c.expect(',');
    if (c.eat('}')) return { kind: 'record', fields, pos };
  }
}
