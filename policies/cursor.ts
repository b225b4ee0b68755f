/** A cursor over the token list, shared by the policy and expression parsers. */
import { RESERVED } from './constants.ts';
import { PolicyParseError } from './errors.ts';
import type { EntityUid } from './ast.ts';
import { unescapeString } from './lexer.ts';
import type { Token } from './lexer.ts';

export class Cursor {
  private index = 0;

  constructor(private readonly tokens: readonly Token[], readonly source: string) {}

  peek(ahead = 0): Token {
    const t = this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
    if (t === undefined) throw new RangeError('empty token list');
    return t;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  /** True (and consumes it) when the next token is this punctuation or identifier. */
  eat(text: string): boolean {
    const t = this.peek();
    if ((t.kind === 'punct' || t.kind === 'ident') && t.text === text) {
      this.index++;
      return true;
    }
    return false;
  }

  is(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }

  expect(text: string): Token {
    const t = this.peek();
    if (!this.eat(text)) throw this.unexpected(t, `\`${text}\``);
    return t;
  }

  unexpected(t: Token, wanted: string): PolicyParseError {
    const got = t.kind === 'eof' ? 'end of input' : t.kind === 'string' ? 'a string' : `\`${t.text}\``;
    return new PolicyParseError(t.pos, `expected ${wanted}, found ${got}`);
  }

  ident(what: string): Token {
    const t = this.next();
    if (t.kind !== 'ident') throw this.unexpected(t, what);
    if (RESERVED.has(t.text)) throw new PolicyParseError(t.pos, `\`${t.text}\` is reserved and cannot be used here`);
    return t;
  }

  string(what: string): { value: string; token: Token } {
    const t = this.next();
    if (t.kind !== 'string') throw this.unexpected(t, what);
    return { value: unescapeString(t.text, t.pos), token: t };
  }

  /** `Name::Name` without a trailing `::"id"`: an entity type. */
  path(): string {
    const parts = [this.ident('an entity type name').text];
    while (this.is('::') && this.peek(1).kind === 'ident') {
      this.next();
      parts.push(this.ident('a name').text);
    }
    return parts.join('::');
  }

  /** `Type::"id"`. */
  entity(): EntityUid {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '?') throw new PolicyParseError(t.pos, 'templates (slots like ?principal) are not supported');
    const type = this.path();
    this.expect('::');
    return { type, id: this.string('an entity id string').value };
  }
}
