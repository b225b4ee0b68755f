/**
 * Compiles an expression tree into a closure over the request (no eval, no new Function).
 * Literals become constants; every operator is checked at run time exactly where Cedar checks it.
 */
import type { Expr } from './ast.ts';
import type { Request } from './request.ts';
import {
  asBool, asEntity, asLong, asSet, checked, getAttr, hasAttr, inOp, likeMatch, typeError,
} from './operators.ts';
import { EntityValue, RecordValue, SetValue, valueEquals } from './values.ts';
import type { Value } from './values.ts';

export type Eval = (req: Request) => Value;

export function compileExpr(e: Expr): Eval {
  switch (e.kind) {
    case 'bool':
    case 'long':
    case 'string': {
      const v = e.value;
      return () => v;
    }
    case 'entity': {
      const v = new EntityValue(e.uid.type, e.uid.id);
      return () => v;
    }
    case 'var':
      return e.name === 'context' ? (r) => r.context : e.name === 'principal' ? (r) => r.principal
        : e.name === 'action' ? (r) => r.action : (r) => r.resource;
    case 'not': {
      const a = compileExpr(e.arg);
      return (r) => !asBool(a(r), '`!`');
    }
    case 'neg': {
      const a = compileExpr(e.arg);
      return (r) => checked(-asLong(a(r), 'unary `-`'), 'negation');
    }
    case 'binary':
      return compileBinary(e.op, compileExpr(e.left), compileExpr(e.right));
    case 'if': {
      const c = compileExpr(e.cond);
      const t = compileExpr(e.then);
      const f = compileExpr(e.else);
      return (r) => (asBool(c(r), '`if`') ? t(r) : f(r));
    }
    default:
      return compileAccess(e);
  }
}

function compileAccess(e: Expr): Eval {
  switch (e.kind) {
    case 'attr': {
      const t = compileExpr(e.target);
      const attr = e.attr;
      return (r) => getAttr(t(r), attr, r);
    }
    case 'has': {
      const t = compileExpr(e.target);
      const path = e.path;
      return (r) => {
        let v: Value | undefined = t(r);
        for (const a of path) {
          v = hasAttr(v, a, r);
          if (v === undefined) return false;
        }
        return true;
      };
    }
    case 'like': {
      const t = compileExpr(e.target);
      const pattern = e.pattern;
      return (r) => {
        const v = t(r);
        if (typeof v !== 'string') throw typeError('a String', v, '`like`');
        return likeMatch(v, pattern);
      };
    }
    case 'is': {
      const t = compileExpr(e.target);
      const type = e.entityType;
      const within = e.in === undefined ? undefined : compileExpr(e.in);
      return (r) => {
        const v = asEntity(t(r), '`is`');
        return v.type === type && (within === undefined || inOp(v, within(r), r));
      };
    }
    default:
      return compileCollection(e);
  }
}

function compileCollection(e: Expr): Eval {
  switch (e.kind) {
    case 'method':
      return compileMethod(e.name, compileExpr(e.target), e.args.map(compileExpr));
    case 'set': {
      const items = e.items.map(compileExpr);
      return (r) => new SetValue(items.map((f) => f(r)));
    }
    case 'record': {
      const fields = e.fields.map(([k, x]) => [k, compileExpr(x)] as const);
      return (r) => new RecordValue(new Map(fields.map(([k, f]) => [k, f(r)])));
    }
    default:
      throw new RangeError(`unexpected expression kind ${e.kind}`);
  }
}

function compileMethod(name: string, target: Eval, args: readonly Eval[]): Eval {
  const arg = args[0] ?? ((): Value => false);
  switch (name) {
    case 'contains':
      return (r) => { const s = asSet(target(r), '`contains`'); return s.has(arg(r)); };
    case 'containsAll':
      return (r) => {
        const s = asSet(target(r), '`containsAll`');
        return asSet(arg(r), '`containsAll`').items.every((v) => s.has(v));
      };
    case 'containsAny':
      return (r) => {
        const s = asSet(target(r), '`containsAny`');
        return asSet(arg(r), '`containsAny`').items.some((v) => s.has(v));
      };
    default:
      return (r) => asSet(target(r), '`isEmpty`').items.length === 0;
  }
}

function compileBinary(op: string, a: Eval, b: Eval): Eval {
  switch (op) {
    case '&&': return (r) => asBool(a(r), '`&&`') && asBool(b(r), '`&&`');
    case '||': return (r) => asBool(a(r), '`||`') || asBool(b(r), '`||`');
    case '==': return (r) => valueEquals(a(r), b(r));
    case '!=': return (r) => !valueEquals(a(r), b(r));
    case '<': return (r) => asLong(a(r), '`<`') < asLong(b(r), '`<`');
    case '<=': return (r) => asLong(a(r), '`<=`') <= asLong(b(r), '`<=`');
    case '>': return (r) => asLong(a(r), '`>`') > asLong(b(r), '`>`');
    case '>=': return (r) => asLong(a(r), '`>=`') >= asLong(b(r), '`>=`');
    case '+': return (r) => checked(asLong(a(r), '`+`') + asLong(b(r), '`+`'), 'addition');
    case '-': return (r) => checked(asLong(a(r), '`-`') - asLong(b(r), '`-`'), 'subtraction');
    case '*': return (r) => checked(asLong(a(r), '`*`') * asLong(b(r), '`*`'), 'multiplication');
    default: return (r) => inOp(a(r), b(r), r);
  }
}
