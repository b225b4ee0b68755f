/**
 * Bench section `policy`: decisions per second of our engine and of cedar-wasm at its fastest
 * (policy set pre-parsed once with `preparsePolicySet`, then `statefulIsAuthorized`), on the same
 * policy sets (10, 100, 1,000 policies) and the same requests, rounds interleaved. Both engines
 * receive the request in Cedar's JSON shape; decisions are checked equal before timing.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { compile, evaluate, evaluateRequest, parsePolicies, requestFromJson } from '../../policies/index.ts';
import type { CompiledPolicies } from '../../policies/index.ts';
import type { BenchSection } from './harness.ts';
import { compare, fmtRate, table } from './harness.ts';

const SIZES = [10, 100, 1_000];
const GROUPS = 7;

/** A home-like policy set: most policies name one action, some a list, a few any action. */
function policyText(n: number): string {
  const actions = Math.max(5, Math.floor(n / 10));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = `Action::"a${i % actions}"`;
    const scope = i % 50 === 49 ? 'action' : i % 10 === 9 ? `action in [${a}, Action::"a${(i + 1) % actions}"]` : `action == ${a}`;
    const effect = i % 13 === 12 ? 'forbid' : 'permit';
    const cond = effect === 'forbid'
      ? `when { context.age > ${600 + i} || resource.tags.contains("locked") }`
      : `when { principal.level >= ${i % 5} && context.age < 600 && resource.room like "kitchen*" }`;
    out.push(`@id("rule ${i}")\n${effect} (principal in Group::"g${i % GROUPS}", ${scope}, resource is Sensor)\n${cond};`);
  }
  return out.join('\n');
}

function requests(n: number): Array<Record<string, unknown>> {
  const actions = Math.max(5, Math.floor(n / 10));
  return Array.from({ length: 16 }, (_, k) => ({
    principal: { type: 'User', id: `u${k}` },
    action: { type: 'Action', id: `a${(k * 3) % actions}` },
    resource: { type: 'Sensor', id: `s${k % 4}` },
    context: { age: (k * 97) % 800, nonce: `n${k}` },
    entities: [
      { uid: { type: 'User', id: `u${k}` }, attrs: { level: k % 6, name: `user ${k}` }, parents: [{ type: 'Group', id: `g${k % GROUPS}` }] },
      { uid: { type: 'Group', id: `g${k % GROUPS}` }, attrs: {}, parents: [{ type: 'Group', id: 'home' }] },
      { uid: { type: 'Sensor', id: `s${k % 4}` }, attrs: { room: k % 2 === 0 ? 'kitchen-1' : 'hall', tags: k % 5 === 0 ? ['locked'] : ['t'] }, parents: [] },
    ],
  }));
}

interface Contenders {
  readonly ours: () => unknown;
  readonly oursPreparsed: () => unknown;
  readonly cedar: () => unknown;
  readonly allows: number;
}

function setup(n: number): Contenders {
  const text = policyText(n);
  const compiled: CompiledPolicies = compile(parsePolicies([{ name: `bench${n}.cedar`, text }]));
  const id = `bench${n}`;
  const pre = cedar.preparsePolicySet(id, { staticPolicies: text });
  if (pre.type !== 'success') throw new Error(`cedar-wasm rejected the bench set: ${JSON.stringify(pre.errors)}`);
  const reqs = requests(n);
  const calls = reqs.map((r) => ({ ...(r as Omit<cedar.StatefulAuthorizationCall, 'preparsedPolicySetId'>), preparsedPolicySetId: id }));
  let allows = 0;
  reqs.forEach((r, i) => {
    const ours = evaluate(compiled, r);
    const theirs = cedar.statefulIsAuthorized(calls[i]!);
    if (theirs.type !== 'success') throw new Error('cedar-wasm failed on a bench request');
    const same = ours.decision === theirs.response.decision
      && [...ours.determining].sort().join() === [...theirs.response.diagnostics.reason].sort().join();
    if (!same) throw new Error(`engines disagree on bench request ${i} with ${n} policies`);
    if (ours.decision === 'allow') allows++;
  });
  const parsed = reqs.map(requestFromJson);
  let a = 0;
  let b = 0;
  let c = 0;
  return {
    ours: () => evaluate(compiled, reqs[a++ % reqs.length]),
    oursPreparsed: () => evaluateRequest(compiled, parsed[b++ % parsed.length]!),
    cedar: () => cedar.statefulIsAuthorized(calls[c++ % calls.length]!),
    allows,
  };
}

export const section: BenchSection = {
  id: 'policy',
  title: 'Policy engine (policies/) vs cedar-wasm',
  async run() {
    const rows: string[][] = [];
    for (const n of SIZES) {
      const c = setup(n);
      const [ours, pre, ref] = compare([c.ours, c.oursPreparsed, c.cedar], { rounds: 9, minMs: 300 });
      rows.push([
        String(n), `${c.allows}/16`, fmtRate(ours!.opsPerSec), fmtRate(ref!.opsPerSec),
        `${(ours!.opsPerSec / ref!.opsPerSec).toFixed(0)}×`, fmtRate(pre!.opsPerSec),
      ]);
      await new Promise((r) => setImmediate(r));
    }
    return `Decisions per second on 16 rotating requests (3 entities each), same policy text for both engines.
"ours" includes reading the request's Cedar JSON (entities, context) into values, as cedar-wasm must;
"ours, request pre-read" is the intent path that builds the request once. Decisions and determining
policies of both engines are checked equal on every request before timing. cedar-wasm
${cedar.getCedarVersion()}, policy set pre-parsed with \`preparsePolicySet\`, timed with \`statefulIsAuthorized\`.

${table(['policies', 'allowed', 'ours', 'cedar-wasm', 'ours / cedar', 'ours, request pre-read'], rows)}`;
  },
};
