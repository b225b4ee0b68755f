/**
 * Parsing: ids and annotations, file:line:col errors, load-time rejection of what the subset does
 * not support, and totality (fuzzed text never hangs or throws an untyped error).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicies, PolicyLoadError, PolicyParseError } from '../../policies/index.ts';
import { policySet } from './arbitraries.ts';

const parse = (text: string, name = 'p.cedar'): ReturnType<typeof parsePolicies> => parsePolicies([{ name, text }]);

function parseError(text: string): PolicyParseError {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof PolicyParseError) return err;
    throw err;
  }
  throw new Error(`expected a parse error for: ${text}`);
}

describe('policy ids and annotations', () => {
  it('numbers policies policy0, policy1, … across files in order and keeps @id as a name', () => {
    const set = parsePolicies([
      { name: 'a.cedar', text: '@id("first") permit(principal, action, resource);\nforbid(principal, action, resource);' },
      { name: 'b.cedar', text: '// only a comment\n@id("third") @note permit(principal, action, resource);' },
    ]);
    expect(set.policies.map((p) => p.id)).toEqual(['policy0', 'policy1', 'policy2']);
    expect(set.policies.map((p) => p.annotations['id'])).toEqual(['first', undefined, 'third']);
    expect(set.policies[2]!.annotations['note']).toBe('');
  });

  it('accepts an empty file', () => {
    expect(parse('  // nothing here\n').policies).toEqual([]);
  });
});

describe('errors carry file, line and column', () => {
  it('points at the offending token', () => {
    const e = parseError('permit(principal, action, resource)\n  when { principal.level >= };');
    expect([e.file, e.line, e.col]).toEqual(['p.cedar', 2, 29]);
    expect(e.message).toMatch(/^p\.cedar:2:29: /);
    expect(e.code).toBe('POLICY_SYNTAX');
  });

  const rejected: Array<[string, string, RegExp]> = [
    ['unterminated string', 'permit(principal == User::"a, action, resource);', /unterminated string/],
    ['stray character', 'permit(principal, action, resource) when { 1 = 1 };', /unexpected character/],
    ['Long literal too large', 'permit(principal, action, resource) when { 9223372036854775808 > 0 };', /64-bit/],
    ['unknown method', 'permit(principal, action, resource) when { [1].size() == 1 };', /unknown method `size`/],
    ['wrong arity', 'permit(principal, action, resource) when { [1].contains(1, 2) };', /takes 1 argument, got 2/],
    ['extension function', 'permit(principal, action, resource) when { ip("1.2.3.4") };', /not supported/],
    ['unknown identifier', 'permit(principal, action, resource) when { user.level > 1 };', /unknown identifier `user`/],
    ['reserved attribute', 'permit(principal, action, resource) when { principal.if };', /reserved/],
    ['template slot', 'permit(principal == ?principal, action, resource);', /templates/],
    ['non-Action in action scope', 'permit(principal, action == User::"x", resource);', /`Action`/],
    ['principal in a list', 'permit(principal in [User::"x"], action, resource);', /only the action scope/],
    ['duplicate annotation', '@id("a") @id("b") permit(principal, action, resource);', /duplicate annotation/],
    ['duplicate record key', 'permit(principal, action, resource) when { {a: 1, a: 2} == {} };', /duplicate record key/],
    ['chained comparison', 'permit(principal, action, resource) when { 1 < 2 < 3 };', /expected/],
    ['empty condition', 'permit(principal, action, resource) when { };', /empty `when`/],
    ['missing semicolon', 'permit(principal, action, resource)', /expected `;`/],
    ['scope out of order', 'permit(action, principal, resource);', /expected `principal`/],
    ['bad escape', 'permit(principal, action, resource) when { "\\q" == "" };', /invalid escape/],
    ['five unary operators', 'permit(principal, action, resource) when { !!!!!true };', /unary/],
  ];
  for (const [what, text, re] of rejected) {
    it(`rejects at load: ${what}`, () => {
      const e = parseError(text);
      expect(e.detail).toMatch(re);
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.col).toBeGreaterThanOrEqual(1);
    });
  }

  it('lists one error per failing file', () => {
    let caught: unknown;
    try {
      parsePolicies([
        { name: 'a.cedar', text: 'permit(' },
        { name: 'ok.cedar', text: 'permit(principal, action, resource);' },
        { name: 'b.cedar', text: '\n\nforbid(principal, action, resource) when { x };' },
      ]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyLoadError);
    const errs = (caught as PolicyLoadError).errors;
    expect(errs.map((e) => `${e.file}:${e.line}`)).toEqual(['a.cedar:1', 'b.cedar:3']);
  });

  it('bounds nesting instead of overflowing the stack', () => {
    for (const text of [
      `permit(principal, action, resource) when { ${'('.repeat(100_000)}true${')'.repeat(100_000)} };`,
      `permit(principal, action, resource) when { ${'[' .repeat(50_000)} };`,
      `permit(principal, action, resource) when { 1${' + 1'.repeat(50_000)} > 0 };`,
      `permit(principal, action, resource) when { context${'.a'.repeat(50_000)} };`,
      `permit(principal, action, resource) when { ${'if true then '.repeat(50_000)} };`,
    ]) {
      expect(parseError(text).detail).toMatch(/nested deeper/);
    }
  });
});

const VOCAB = [
  'permit', 'forbid', 'principal', 'action', 'resource', 'context', 'when', 'unless', 'in', 'is', 'has', 'like',
  'if', 'then', 'else', 'true', 'false', '(', ')', '[', ']', '{', '}', ',', ';', '.', '::', '@id', '"x"', '"\\*"',
  '==', '!=', '<', '<=', '&&', '||', '!', '-', '+', '*', '0', '9223372036854775808', 'User', '::"a"', '.contains',
  '//c\n', '\n', ' ', '?principal', '"', '\\', 'é',
];

describe('totality (fuzz)', () => {
  const total = (text: string): void => {
    try {
      parse(text);
    } catch (err) {
      if (!(err instanceof PolicyParseError)) throw err;
      expect(err.line).toBeGreaterThanOrEqual(1);
    }
  };

  it('random text gives policies or a PolicyParseError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), total), { numRuns: 2_000 });
  });

  it('random token soup gives policies or a PolicyParseError', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...VOCAB), { maxLength: 80 }).map((t) => t.join(' ')), total), { numRuns: 3_000 });
  });

  it('mutated valid policy sets give policies or a PolicyParseError', () => {
    const mutated = fc.tuple(policySet, fc.nat(), fc.nat({ max: 5 }), fc.constantFrom(...VOCAB, ''))
      .map(([t, at, del, ins]) => { const i = at % (t.length + 1); return t.slice(0, i) + ins + t.slice(i + del); });
    fc.assert(fc.property(mutated, total), { numRuns: 2_000 });
  });
});
