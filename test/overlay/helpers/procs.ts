/** Spawns fixture router processes and talks to them line by line, every wait bounded. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const NODE = fileURLToPath(new URL('../fixtures/node.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

export class NodeProc {
  readonly child: ChildProcess;
  readonly #lines: Record<string, unknown>[] = [];
  #waiters: (() => void)[] = [];
  stderr = '';

  constructor(config: Record<string, unknown>) {
    this.child = spawn(TSX, [NODE, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (l) => {
      try {
        this.#lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        return;
      }
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
  }

  /** Waits (bounded) for the next line that has `key`. */
  async next(key: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#lines.findIndex((l) => key in l);
      if (i >= 0) return this.#lines.splice(i, 1)[0]!;
      if (Date.now() > deadline || this.exited) throw new Error(`no "${key}" from node (stderr: ${this.stderr})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async ask(cmd: Record<string, unknown>, key: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
    return this.next(key, timeoutMs);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    await this.ask({ cmd: 'stop' }, 'stopped', 10_000).catch(() => this.kill());
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.kill();
  }
}
