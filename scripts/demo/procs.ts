/**
 * Process supervision for the demo network: every child is spawned in its own process group,
 * its stdout read as JSON lines (bounded), its stderr kept as a bounded tail, every wait has a
 * deadline, and `stopAll` ends them all (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DemoError } from './errors.ts';

const MAX_LINES = 256;
const STDERR_TAIL = 4000;
const STDOUT_TEXT = 16 * 1024;
const STOP_GRACE_MS = 5000;

export type Line = Record<string, unknown>;

/** How to start `ip2`: the program and the arguments before the command words. */
export interface Ip2Entry {
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

export class Proc {
  readonly child: ChildProcess;
  readonly #lines: Line[] = [];
  #wake: (() => void)[] = [];
  #stderr = '';
  #text = '';
  readonly exited: Promise<number | null>;

  constructor(readonly name: string, entry: Ip2Entry, argv: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(entry.program, [...entry.args, ...argv], { cwd: entry.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => {
      this.#notify();
      resolve(code);
    }));
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      if (this.#text.length < STDOUT_TEXT) this.#text += `${text}\n`;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        return; // human lines are not part of the control protocol
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        this.#notify();
        return;
      }
      if (this.#lines.length >= MAX_LINES) this.#lines.shift();
      this.#lines.push(v as Line);
      this.#notify();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-STDERR_TAIL);
    });
    this.child.stdin!.on('error', () => undefined);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What it printed for people (the first 16 KiB). */
  get stdoutText(): string {
    return this.#text;
  }

  /** Waits until the printed text matches `re`; returns the match. */
  async text(re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.#text);
      if (m !== null) return m;
      if (!this.running) throw new DemoError('PROCESS_EXITED', `${this.name} exited before printing ${String(re)}: ${this.#stderr.trim().split('\n').slice(-2).join(' | ')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new DemoError('TIMEOUT', `${this.name}: nothing like ${String(re)} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        this.#wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  get stderrTail(): string {
    return this.#stderr;
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = [];
    for (const f of w) f();
  }

  /** The next JSON line that has `key`, within `timeoutMs`. */
  async next(key: string, timeoutMs: number): Promise<Line> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#lines.findIndex((l) => key in l);
      if (i >= 0) return this.#lines.splice(i, 1)[0]!;
      if (!this.running) throw new DemoError('PROCESS_EXITED', `${this.name} exited before "${key}": ${this.#stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new DemoError('TIMEOUT', `${this.name}: no "${key}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        this.#wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async ask(cmd: Line, key: string, timeoutMs = 15_000): Promise<Line> {
    if (!this.running) throw new DemoError('PROCESS_EXITED', `${this.name} is not running`);
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
    return this.next(key, timeoutMs);
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process has exited. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(t);
  }
}

export class Supervisor {
  readonly #procs: Proc[] = [];
  /** Last resort if this process exits without stopAll (an uncaught error): no child outlives it. */
  readonly #onExit = (): void => {
    for (const p of this.#procs) if (p.running) p.child.kill('SIGKILL');
  };

  constructor(readonly entry: Ip2Entry, readonly env: NodeJS.ProcessEnv) {
    process.once('exit', this.#onExit);
  }

  #closed = false;

  start(name: string, argv: readonly string[]): Proc {
    if (this.#closed) throw new DemoError('STOPPED', `not starting ${name}: stopping`);
    const p = new Proc(name, this.entry, argv, this.env);
    this.#procs.push(p);
    return p;
  }

  /** A program that is not ip2 (the MQTT broker), supervised the same way. */
  startProgram(name: string, program: string, argv: readonly string[]): Proc {
    if (this.#closed) throw new DemoError('STOPPED', `not starting ${name}: stopping`);
    const p = new Proc(name, { program, args: [], cwd: this.entry.cwd }, argv, this.env);
    this.#procs.push(p);
    return p;
  }

  get procs(): readonly Proc[] {
    return this.#procs;
  }

  /** Stops every child, the last started first (the device before the routers). */
  async stopAll(): Promise<void> {
    this.#closed = true; // a walk-through step still running after Ctrl-C starts nothing new
    await Promise.all([...this.#procs].reverse().map((p) => p.stop()));
    process.off('exit', this.#onExit);
  }
}
