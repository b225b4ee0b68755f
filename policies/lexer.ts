/**
 * Tokeniser for Cedar policy text (Cedar grammar § tokens). Total: any text gives tokens or a
 * PolicyParseError with its line and column; linear in the input.
 */
import { MAX_SOURCE_CHARS } from './constants.ts';
import { PolicyParseError } from './errors.ts';
import type { SourcePos } from './errors.ts';
import type { PatternElem } from './ast.ts';

export type TokenKind = 'ident' | 'int' | 'string' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier name, digits, raw string body (escapes not yet applied) or punctuation. */
  readonly text: string;
  readonly pos: SourcePos;
  /** Offsets into the source, end exclusive. */
  readonly start: number;
  readonly end: number;
}

const PUNCT2 = ['==', '!=', '<=', '>=', '&&', '||', '::'];
const PUNCT1 = '()[]{},;.@?<>+-*!:';

export function tokenize(file: string, src: string): Token[] {
  if (src.length > MAX_SOURCE_CHARS) {
    throw new PolicyParseError({ file, line: 1, col: 1 }, `policy text longer than ${MAX_SOURCE_CHARS} characters`);
  }
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): SourcePos => ({ file, line, col: at - lineStart + 1 });
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') { i++; line++; lineStart = i; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < src.length && isIdentPart(src[i]!)) i++;
      tokens.push({ kind: 'ident', text: src.slice(start, i), pos: pos(start), start, end: i });
    } else if (c >= '0' && c <= '9') {
      while (i < src.length && src[i]! >= '0' && src[i]! <= '9') i++;
      // Like Cedar, `5in` lexes as `5` `in`: a number ends where the digits end.
      tokens.push({ kind: 'int', text: src.slice(start, i), pos: pos(start), start, end: i });
    } else if (c === '"') {
      i = scanString(src, i, () => pos(start));
      tokens.push({ kind: 'string', text: src.slice(start + 1, i - 1), pos: pos(start), start, end: i });
    } else {
      const two = src.slice(i, i + 2);
      const text = PUNCT2.includes(two) ? two : PUNCT1.includes(c) ? c : undefined;
      if (text === undefined) throw new PolicyParseError(pos(i), `unexpected character ${JSON.stringify(c)}`);
      i += text.length;
      tokens.push({ kind: 'punct', text, pos: pos(start), start, end: i });
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: pos(i), start: i, end: i });
  return tokens;
}

/** Returns the offset after the closing quote. Strings may not span lines unescaped? Cedar allows it. */
function scanString(src: string, from: number, at: () => SourcePos): number {
  let i = from + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') { i += 2; continue; }
    if (c === '"') return i + 1;
    i++;
  }
  throw new PolicyParseError(at(), 'unterminated string literal');
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

/**
 * Applies escapes to a string literal body (Cedar follows Rust's escapes: `\n \r \t \\ \0 \' \"`
 * and `\u{…}`). In a `like` pattern `\*` is a literal star and a bare `*` a wildcard.
 */
export function unescapeString(raw: string, at: SourcePos): string {
  const parts = unescapeParts(raw, at, false);
  return parts.map((p) => ('literal' in p ? p.literal : '*')).join('');
}

export function unescapePattern(raw: string, at: SourcePos): PatternElem[] {
  const parts = unescapeParts(raw, at, true);
  const out: PatternElem[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if ('literal' in p && last !== undefined && 'literal' in last) out[out.length - 1] = { literal: last.literal + p.literal };
    else if (!('literal' in p) && last !== undefined && !('literal' in last)) continue;
    else out.push(p);
  }
  return out;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '0': '\0', "'": "'", '"': '"' };

function unescapeParts(raw: string, at: SourcePos, pattern: boolean): PatternElem[] {
  const out: PatternElem[] = [];
  let text = '';
  const flush = (): void => { if (text !== '') { out.push({ literal: text }); text = ''; } };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '*' && pattern) { flush(); out.push({ wildcard: true }); continue; }
    if (c !== '\\') { text += c; continue; }
    const e = raw[i + 1];
    i++;
    if (e !== undefined && e in SIMPLE_ESCAPES) { text += SIMPLE_ESCAPES[e]!; continue; }
    if (e === '*' && pattern) { text += '*'; continue; }
    if (e === 'u' && raw[i + 1] === '{') {
      const close = raw.indexOf('}', i + 2);
      const hex = close < 0 ? '' : raw.slice(i + 2, close);
      const cp = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : -1;
      if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new PolicyParseError(at, 'invalid unicode escape');
      text += String.fromCodePoint(cp);
      i = close;
      continue;
    }
    throw new PolicyParseError(at, `invalid escape sequence \\${e ?? ''}`);
  }
  flush();
  return out;
}
