import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command, Invocation, Io, OptionSpec } from './command.ts';
import { UsageError } from './command.ts';
import { commands } from './registry.ts';

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  dir: { type: 'string', arg: 'DIR', description: 'state directory (default: $IP2_HOME or ~/.ip2)' },
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
};

/** Runs one `ip2` invocation and returns its exit status. Never throws. */
export async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatchOrThrow(argv, io);
  } catch (err) {
    return reportError(err, io);
  }
}

async function dispatchOrThrow(argv: readonly string[], io: Io): Promise<number> {
  const words = commandWords(argv);
  const command = findCommand(words);
  if (command === undefined) {
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
    if (wantsHelp) {
      io.stdout.write(topHelp(words));
      return 0;
    }
    throw new UsageError(`unknown command: ip2 ${words.join(' ')} (try ip2 --help)`);
  }
  const rest = removePath(argv, command.path);
  const specs = { ...GLOBAL_OPTIONS, ...(command.options ?? {}) };
  const config: ParseArgsConfig = {
    args: rest,
    allowPositionals: true,
    strict: true,
    options: Object.fromEntries(
      Object.entries(specs).map(([name, s]) => [
        name,
        { type: s.type, ...(s.short === undefined ? {} : { short: s.short }), ...(s.multiple ? { multiple: true } : {}) },
      ]),
    ),
  };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0] ?? 'bad arguments'} (try ip2 ${command.path.join(' ')} --help)`);
  }
  if (parsed.values['help'] === true) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const dirOption = parsed.values['dir'];
  const dir = resolve(io.cwd, typeof dirOption === 'string' ? dirOption : (io.env['IP2_HOME'] ?? resolve(homedir(), '.ip2')));
  const inv: Invocation = {
    io,
    options: parsed.values as Invocation['options'],
    positionals: parsed.positionals,
    dir,
  };
  const code = await command.run(inv);
  return code ?? 0;
}

/** The non-option words, skipping the value of `--dir` wherever it stands. */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--dir') i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  return words;
}

function findCommand(words: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.path.length <= words.length && c.path.every((w, i) => words[i] === w)) {
      if (best === undefined || c.path.length > best.path.length) best = c;
    }
  }
  return best;
}

/** Removes the command words (the first occurrences, in order) from argv, keeping options. */
function removePath(argv: readonly string[], path: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  for (const a of argv) {
    if (i < path.length && a === path[i]) {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function reportError(err: unknown, io: Io): number {
  const e = err as { code?: unknown; badInput?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(err);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const bad = e?.badInput === true;
  io.stderr.write(`ip2: ${code === undefined ? '' : `${code}: `}${message}\n`);
  if (!bad && io.env['IP2_DEBUG'] === '1' && err instanceof Error && err.stack !== undefined) {
    io.stderr.write(`${err.stack}\n`);
  }
  return bad ? 2 : 1;
}

function topHelp(prefix: readonly string[]): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const list = (shown.length > 0 ? shown : commands)
    .map((c) => `  ip2 ${[...c.path, c.usage ?? ''].join(' ').trim().padEnd(34)} ${c.summary}`)
    .join('\n');
  return `ip2: the IP2 agent for Raspberry Pi-class boards.

Usage: ip2 <command> [options]

Commands:
${list}

Global options:
  --dir DIR        state directory (default: $IP2_HOME, else ~/.ip2)
  -h, --help       help for any command, e.g. ip2 did resolve --help

Exit status: 0 success, 2 bad input (one line on stderr), 1 other failure.
Set IP2_DEBUG=1 to see stack traces of unexpected failures.
`;
}

function commandHelp(c: Command): string {
  const specs = { ...(c.options ?? {}), ...GLOBAL_OPTIONS };
  const opts = Object.entries(specs)
    .map(([name, s]) => {
      const flagText = `${s.short === undefined ? '    ' : `-${s.short}, `}--${name}${s.arg === undefined ? '' : ` ${s.arg}`}`;
      return `  ${flagText.padEnd(28)} ${s.description}`;
    })
    .join('\n');
  return `Usage: ip2 ${[...c.path, c.usage ?? ''].join(' ').trim()} [options]

${c.summary}
${c.details === undefined ? '' : `\n${c.details.trim()}\n`}
Options:
${opts}
`;
}
