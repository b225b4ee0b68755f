/** `ip2 policy check|eval|explain`: the local Cedar-subset policy engine (PROTOCOL.md "## Policies"). */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  compile, evaluate, explain, formatExplanation, parsePolicies,
  PolicyLoadError, PolicyParseError, PolicyRequestError,
} from '../../../policies/index.ts';
import type { CompiledPolicies, Decision, PolicySource } from '../../../policies/index.ts';
import { type Command, type Invocation, UsageError, flag, printJson, stringOption } from '../command.ts';

/** A file, or a directory's `.cedar` files in sorted name order. */
async function expandPaths(inv: Invocation, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const full = resolve(inv.io.cwd, p);
    const st = await stat(full).catch((cause: unknown) => {
      throw new PolicyLoadError(`${p}: cannot read (${(cause as Error).message})`, [], { cause });
    });
    if (!st.isDirectory()) { out.push(p); continue; }
    const names = (await readdir(full)).filter((n) => n.endsWith('.cedar')).sort();
    out.push(...names.map((n) => join(p, n)));
  }
  return out;
}

async function readSources(inv: Invocation, paths: readonly string[]): Promise<PolicySource[]> {
  const files = await expandPaths(inv, paths);
  return Promise.all(files.map(async (name) => ({ name, text: await readFile(resolve(inv.io.cwd, name), 'utf8') })));
}

function policiesOption(inv: Invocation): string[] {
  const v = inv.options['policies'];
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
  if (list.length === 0) throw new UsageError('--policies PATH is required (a .cedar file or a directory)');
  return list;
}

async function loadCompiled(inv: Invocation): Promise<CompiledPolicies> {
  return compile(parsePolicies(await readSources(inv, policiesOption(inv))));
}

async function readJson(inv: Invocation, path: string): Promise<unknown> {
  const text = await readFile(resolve(inv.io.cwd, path), 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new PolicyRequestError(`${path}: not JSON (${(cause as Error).message})`, { cause });
  }
}

const check: Command = {
  path: ['policy', 'check'],
  usage: 'PATH…',
  summary: 'check policy files (or directories of .cedar files) for errors',
  details: 'Prints one `file:line:col: message` line per file with an error and exits 2, or exits 0.',
  async run(inv) {
    if (inv.positionals.length === 0) throw new UsageError('give at least one policy file or directory');
    const sources = await readSources(inv, inv.positionals);
    try {
      const set = parsePolicies(sources);
      inv.io.stdout.write(`ok: ${set.policies.length} policies in ${sources.length} file${sources.length === 1 ? '' : 's'}\n`);
      return 0;
    } catch (err) {
      const errors = err instanceof PolicyParseError ? [err] : err instanceof PolicyLoadError ? err.errors : undefined;
      if (errors === undefined) throw err;
      for (const e of errors) inv.io.stdout.write(`${e.message}\n`);
      return 2;
    }
  },
};

const POLICIES_OPTION = {
  type: 'string', multiple: true, arg: 'PATH', description: 'policy file or directory (repeatable, read in order)',
} as const;

function decisionLine(d: Decision): string {
  return JSON.stringify({ decision: d.decision, determining: d.determining, errors: d.errors });
}

function decisionWords(compiled: CompiledPolicies, d: Decision): string {
  const name = (id: string): string => {
    const n = compiled.policies.find((p) => p.id === id)?.name;
    return n === undefined ? id : `${id} "${n}"`;
  };
  const lines = [`${d.decision.toUpperCase()}${d.determining.length > 0 ? ` by ${d.determining.map(name).join(', ')}` : ' (no policy permits it)'}`];
  for (const e of d.errors) lines.push(`  error in ${name(e.policy)}: ${e.message}`);
  return `${lines.join('\n')}\n`;
}

const evalCmd: Command = {
  path: ['policy', 'eval'],
  summary: 'decide a request (Cedar JSON) against policies',
  options: {
    policies: POLICIES_OPTION,
    request: { type: 'string', arg: 'FILE', description: 'one request as JSON: principal, action, resource, context, entities' },
    requests: { type: 'string', arg: 'FILE', description: 'JSON Lines, one request per line; prints one decision per line' },
    json: { type: 'boolean', description: 'print {"decision","determining","errors"} as JSON' },
  },
  async run(inv) {
    const compiled = await loadCompiled(inv);
    const many = stringOption(inv, 'requests');
    if (many !== undefined) return evalLines(inv, compiled, many);
    const one = stringOption(inv, 'request');
    if (one === undefined) throw new UsageError('--request FILE or --requests FILE.jsonl is required');
    const d = evaluate(compiled, await readJson(inv, one));
    inv.io.stdout.write(flag(inv, 'json') ? `${decisionLine(d)}\n` : decisionWords(compiled, d));
    return 0;
  },
};

async function evalLines(inv: Invocation, compiled: CompiledPolicies, path: string): Promise<number> {
  const lines = (await readFile(resolve(inv.io.cwd, path), 'utf8')).split('\n');
  let failed = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      inv.io.stdout.write(`${decisionLine(evaluate(compiled, JSON.parse(line) as unknown))}\n`);
    } catch (err) {
      if (!(err instanceof PolicyRequestError) && !(err instanceof SyntaxError)) throw err;
      failed++;
      inv.io.stdout.write(`${JSON.stringify({ line: i + 1, error: err.message })}\n`);
    }
  }
  return failed > 0 ? 2 : 0;
}

const explainCmd: Command = {
  path: ['policy', 'explain'],
  summary: 'explain, policy by policy, why a request is allowed or denied',
  options: {
    policies: POLICIES_OPTION,
    request: { type: 'string', arg: 'FILE', description: 'the request as JSON (required)' },
    json: { type: 'boolean', description: 'print the structured explanation as JSON' },
  },
  async run(inv) {
    const compiled = await loadCompiled(inv);
    const path = stringOption(inv, 'request');
    if (path === undefined) throw new UsageError('--request FILE is required');
    const e = explain(compiled, await readJson(inv, path));
    if (flag(inv, 'json')) printJson(inv, e);
    else inv.io.stdout.write(`${formatExplanation(e)}\n`);
    return 0;
  },
};

export const policyCommands: Command[] = [check, evalCmd, explainCmd];
