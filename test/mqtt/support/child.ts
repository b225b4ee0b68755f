/** Starts agent-child.ts in one node process (`--import tsx`: a SIGKILL hits the agent itself). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface AgentChild {
  readonly proc: ChildProcess;
  /** Sends a command and resolves with the next line the child prints. */
  ask(cmd: 'poll' | 'idle'): Promise<string>;
  /** SIGKILL (no cleanup, no DISCONNECT: the broker sees a lost connection). */
  kill(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./agent-child.ts', import.meta.url));

export async function startChild(env: Record<string, string>): Promise<AgentChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: proc.stdout }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) w();
  });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const l = lines.shift();
      if (l !== undefined) return l;
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`agent child exited: ${stderr}`);
      await Promise.race([new Promise<void>((r) => waiters.push(r)), exited]);
    }
  };
  const first = await nextLine();
  if (first !== 'started') throw new Error(`agent child said ${first}: ${stderr}`);
  return {
    proc,
    async ask(cmd) {
      proc.stdin.write(`${cmd}\n`);
      return nextLine();
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}
