/**
 * Runs one `ip2` command as its own process, exactly as a user would type it, with a deadline
 * and bounded output; and prints the same command as a copy-paste-ready line.
 */
import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { DemoError } from './errors.ts';
import type { Ip2Entry } from './procs.ts';

const MAX_OUTPUT = 256 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

export interface Ip2Result {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function runIp2(entry: Ip2Entry, argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Ip2Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(entry.program, [...entry.args, ...argv], { cwd: entry.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < MAX_OUTPUT) out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < MAX_OUTPUT) err += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new DemoError('TIMEOUT', `ip2 ${argv.slice(0, 2).join(' ')} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (cause) => {
      clearTimeout(timer);
      reject(new DemoError('COMMAND_FAILED', `cannot start ip2: ${cause.message}`, { cause }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out, err });
    });
  });
}

/** Like runIp2, but a non-zero exit is an error, and stdout is parsed as JSON. */
export async function ip2Json<T>(entry: Ip2Entry, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<T> {
  const r = await runIp2(entry, argv, env);
  if (r.code !== 0) throw new DemoError('COMMAND_FAILED', `ip2 ${argv.slice(0, 2).join(' ')} exited ${r.code}: ${r.err.trim().split('\n').slice(-2).join(' | ')}`);
  try {
    return JSON.parse(r.out) as T;
  } catch (cause) {
    throw new DemoError('BAD_OUTPUT', `ip2 ${argv.slice(0, 2).join(' ')} printed no JSON`, { cause });
  }
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** How a user runs the same command from this checkout (or from the bundle). */
export function shellLine(entry: Ip2Entry, argv: readonly string[]): string {
  const script = entry.args[entry.args.length - 1] ?? 'ip2';
  const rel = relative(entry.cwd, script) || script;
  const prefix = script.endsWith('.ts') ? `npx tsx ${rel}` : `node ${rel}`;
  return [prefix, ...argv.map(quote)].join(' ');
}
