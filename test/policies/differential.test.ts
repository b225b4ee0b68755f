/**
 * Differential suite: random policy sets within the subset and random requests, decided by our
 * engine and by cedar-wasm; decision, determining policies and erroring policies must agree,
 * and so must acceptance of the policy text. IP2_SOAK=1 runs many more cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { parsePolicies } from '../../policies/index.ts';
import { policySet, request } from './arbitraries.ts';
import { cedarOutcome, comparable, ourOutcome } from './reference.ts';

const SOAK = process.env['IP2_SOAK'] === '1';
const RUNS = SOAK ? 100_000 : 3_000;

describe('differential against cedar-wasm', () => {
  it(`agrees with Cedar on ${RUNS} random policy sets and requests`, () => {
    const tally = { decision: 0, parse: 0, request: 0, allow: 0, errors: 0 };
    fc.assert(
      fc.property(policySet, request, (text, req) => {
        const ours = ourOutcome(text, req);
        const theirs = cedarOutcome(text, req);
        expect(comparable(ours), `${text}\n${JSON.stringify(req)}\nours: ${ours.detail ?? ''}\ncedar: ${theirs.detail ?? ''}`)
          .toEqual(comparable(theirs));
        tally[ours.kind]++;
        if (ours.decision === 'allow') tally.allow++;
        if ((ours.errorPolicies?.length ?? 0) > 0) tally.errors++;
      }),
      { numRuns: RUNS },
    );
    // The generators must actually exercise allows, denies and evaluation errors.
    expect(tally.decision).toBeGreaterThan(RUNS / 2);
    expect(tally.allow).toBeGreaterThan(RUNS / 20);
    expect(tally.errors).toBeGreaterThan(RUNS / 20);
  }, SOAK ? 3_600_000 : 120_000);

  const EDITS = ['(', ')', '[', ']', '{', '}', ',', ';', '.', '::', '"x"', '==', '<', '&&', '||', '!', '-', '+', '*', '0',
    'in', 'has', 'like', 'is', 'if', 'then', 'else', 'true', '@id("a")', 'principal', 'context', 'foo', ' ', '"\\*"', ''];

  it('accepts and rejects the same mutated policy texts as Cedar', () => {
    const mutated = fc.tuple(policySet, fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...EDITS))
      .map(([t, at, del, ins]) => { const i = at % (t.length + 1); return t.slice(0, i) + ins + t.slice(i + del); });
    let rejected = 0;
    fc.assert(fc.property(mutated, (text) => {
      let ours = true;
      try {
        parsePolicies([{ name: 'm.cedar', text }]);
      } catch {
        ours = false;
      }
      const theirs = cedar.checkParsePolicySet({ staticPolicies: text }).type === 'success';
      expect(ours, text).toBe(theirs);
      if (!ours) rejected++;
    }), { numRuns: SOAK ? 50_000 : 1_000 });
    expect(rejected).toBeGreaterThan(0);
  }, SOAK ? 3_600_000 : 120_000);

  const TRICKY = [
    '(!-5)', '(-!true)', '(- -5)', '(!!!!!true)', '(-----5)', '(--9223372036854775808)', '(- 9223372036854775808)',
    '(-(9223372036854775808))', '09 == 9', '5in [1]', '1abc', '1has a', '"\\*" == ""', 'context has "if"', 'context["if"] == 1', 'principal is if',
    'principal.contains', '{if: 1} == {}', '{"a": 1, a: 2} == {}', 'principal has a.if', 'principal has "a".b',
    '[,] == []', '[1,] == [1]', '{a: 1,} == {}', '{,} == {}', '[1].contains(1,)', '[].contains(,)', 'foo::"x" == 1',
    'if::"x" == 1', 'principal in [User::"a",]', 'context has a . b', '-5.contains(1)', '1 < 2 < 3', '1 == 2 == 3',
  ].map((e) => `permit(principal, action, resource) when { ${e} };`).concat([
    'permit(principal, action in [Action::"a",], resource);', 'permit(principal, action, resource,);',
    'permit(principal, action,);', 'permit(principal, action in [,], resource);', 'permit(principal, action in [], resource);',
    '@id("a")@id2 permit(principal, action, resource);', 'permit(principal is if, action, resource);', 'permit();',
  ]);

  it('accepts and rejects the same tricky snippets as Cedar', () => {
    for (const text of TRICKY) {
      let ours = true;
      try {
        parsePolicies([{ name: 't.cedar', text }]);
      } catch {
        ours = false;
      }
      expect(ours, text).toBe(cedar.checkParsePolicySet({ staticPolicies: text }).type === 'success');
    }
  });
});
