import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { DriverError } from '../errors.ts';
import type { Clock } from '../port.ts';
import { TOOL_DETECT, TOOL_GET, TOOL_MON, TOOL_SET } from './constants.ts';
import { EdgeFilter } from './edges.ts';
import type { GpioBackend, GpioLine, Level, LineRequest } from './port.ts';
import { pickChipFromDetect } from './resolve.ts';

export type SpawnFn = (command: string, args: readonly string[]) => ChildProcess;

export interface ChardevCliOptions {
  readonly clock: Clock;
  /** Defaults to node's spawn with stdio pipes; tests point PATH at fake tools instead. */
  readonly spawn?: SpawnFn;
}

const defaultSpawn: SpawnFn = (command, args) => nodeSpawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs a tool to completion; bounded output; typed errors. */
export function runTool(spawn: SpawnFn, command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      if (out.length < 65_536) out += d.toString();
    });
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new DriverError('NOT_FOUND', `${command} not found: install the gpiod package`, { cause: err }) : new DriverError('IO', `${command} failed to start`, { cause: err })),
    );
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new DriverError('IO', `${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** libgpiod major version from `gpiodetect --version` ("gpiodetect (libgpiod) v1.6.3"). */
export function parseToolVersion(text: string): 1 | 2 {
  const m = /\bv?(\d+)\.\d+/.exec(text.slice(0, 400));
  return m?.[1] === '1' ? 1 : 2;
}

/**
 * The character-device backend through the libgpiod tools: no native code. Outputs are held by
 * one long-lived `gpioset` per line (v1 `--mode=signal`; v2 stays by default), replaced on each
 * write; inputs read with `gpioget`; edges come from one `gpiomon` per line.
 */
export function chardevCliBackend(opts: ChardevCliOptions): GpioBackend {
  const spawn = opts.spawn ?? defaultSpawn;
  let setup: Promise<{ version: 1 | 2; chip: string; lines: number }> | undefined;
  const detect = async (): Promise<{ version: 1 | 2; chip: string; lines: number }> => {
    const version = parseToolVersion(await runTool(spawn, TOOL_DETECT, ['--version']));
    const chip = pickChipFromDetect(await runTool(spawn, TOOL_DETECT, []));
    return { version, chip: chip.chip, lines: chip.lines };
  };
  return {
    name: 'chardev-cli',
    async open(req: LineRequest): Promise<GpioLine> {
      if (!Number.isInteger(req.bcm) || req.bcm < 0) throw new RangeError(`bad BCM pin ${req.bcm}`);
      setup ??= detect();
      const s = await setup;
      if (req.bcm >= s.lines) throw new DriverError('NOT_FOUND', `${s.chip} has ${s.lines} lines; BCM ${req.bcm} is beyond`);
      const line = cliLine(req, s, spawn, opts.clock);
      if (req.direction === 'out') await line.write(req.initial ?? 0);
      return line;
    },
  };
}

function chipArgs(version: 1 | 2, chip: string, activeLow: boolean): string[] {
  const low = activeLow ? ['--active-low'] : [];
  return version === 1 ? [...low, chip] : [...low, '-c', chip];
}

function cliLine(req: LineRequest, s: { version: 1 | 2; chip: string }, spawn: SpawnFn, clock: Clock): GpioLine {
  const base = chipArgs(s.version, s.chip, req.activeLow === true);
  const filter = new EdgeFilter(clock, req.edge, req.debounceMs ?? 0);
  let holder: ChildProcess | undefined;
  let monitor: ChildProcess | undefined;
  let released = false;
  let lastWritten: Level = req.initial ?? 0;
  const stop = (c: ChildProcess | undefined): void => {
    if (c !== undefined && c.exitCode === null) c.kill('SIGTERM');
  };
  return {
    bcm: req.bcm,
    async read(): Promise<Level> {
      // An output line is held by our gpioset; the kernel would refuse a second request.
      if (req.direction === 'out') return lastWritten;
      const args = s.version === 1 ? [...base, String(req.bcm)] : ['--numeric', ...base, String(req.bcm)];
      const out = (await runTool(spawn, TOOL_GET, args)).trim();
      if (out !== '0' && out !== '1') throw new DriverError('BAD_FRAME', `${TOOL_GET} printed ${JSON.stringify(out.slice(0, 20))}`);
      return out === '1' ? 1 : 0;
    },
    async write(level: Level): Promise<void> {
      if (released) throw new DriverError('CLOSED', `GPIO ${req.bcm} was released`);
      if (req.direction !== 'out') throw new DriverError('UNSUPPORTED', `GPIO ${req.bcm} is an input`);
      const args = s.version === 1 ? ['--mode=signal', ...base, `${req.bcm}=${level}`] : [...base, `${req.bcm}=${level}`];
      const previous = holder;
      holder = await startHolder(spawn, args);
      lastWritten = level;
      stop(previous);
    },
    onEdge(listener): void {
      filter.add(listener);
      if (monitor !== undefined || req.edge === undefined) return;
      monitor = spawn(TOOL_MON, [...base, String(req.bcm)]);
      monitor.on('error', () => undefined);
      let pending = '';
      monitor.stdout?.on('data', (d: Buffer) => {
        pending = (pending + d.toString()).slice(-4096);
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) {
          if (/rising/i.test(l)) filter.observe(1);
          else if (/falling/i.test(l)) filter.observe(0);
        }
      });
    },
    release(): Promise<void> {
      released = true;
      stop(holder);
      stop(monitor);
      return Promise.resolve();
    },
  };
}

/** Spawns `gpioset` and resolves once it is running (or rejects if it exits at once). */
function startHolder(spawn: SpawnFn, args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(TOOL_SET, args);
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(new DriverError(err.code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `${TOOL_SET} failed to start`, { cause: err })),
    );
    child.once('spawn', () => resolve(child));
  });
}
