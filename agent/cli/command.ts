/**
 * The shape of an `ip2` command. Each command lives in its own file under agent/cli/commands/
 * and is listed once in agent/cli/registry.ts; the dispatcher (agent/cli/ip2.ts) parses options
 * with node:util parseArgs, prints `--help`, and maps errors to exit codes:
 * 0 success, 2 bad input (one line on stderr, no stack trace), 1 any other failure.
 */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder shown in help, e.g. `DIR`. */
  readonly arg?: string;
  readonly description: string;
}

export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface Invocation {
  readonly io: Io;
  /** Parsed options (strings, booleans, or string arrays for `multiple`). */
  readonly options: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  /** The state directory: `--dir`, else `$IP2_HOME`, else `~/.ip2`. */
  readonly dir: string;
}

export interface Command {
  /** Words after `ip2`, e.g. `['did', 'resolve']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Positional arguments in help, e.g. `DID`. */
  readonly usage?: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** Longer help text, shown under the usage line. */
  readonly details?: string;
  run(inv: Invocation): Promise<number | void>;
}

/** Bad command-line usage: exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
  readonly badInput = true;
}

export function stringOption(inv: Invocation, name: string): string | undefined {
  const v = inv.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function requireOption(inv: Invocation, name: string): string {
  const v = stringOption(inv, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

export function flag(inv: Invocation, name: string): boolean {
  return inv.options[name] === true;
}

export function printJson(inv: Invocation, value: unknown): void {
  inv.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
