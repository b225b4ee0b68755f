/**
 * Test helper: starts a private swtpm (TPM 2.0 simulator) on loopback for one test file.
 * `swtpmAvailable()` says whether the binary is installed; under IP2_REAL=1 a missing swtpm is a
 * failure, not a skip (see `requireSwtpm`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Swtpm {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** For tpm2-tools: `TPM2TOOLS_TCTI`. */
  readonly tcti: string;
  stop(): Promise<void>;
}

export function swtpmAvailable(): boolean {
  return spawnSync('swtpm', ['--version']).status === 0;
}

export function tpm2ToolsAvailable(): boolean {
  return spawnSync('tpm2_readpublic', ['--version']).status === 0;
}

export const REAL = process.env['IP2_REAL'] === '1';

/** Message for a skipped suite, and whether the suite should run at all. */
export function requireSwtpm(): boolean {
  const ok = swtpmAvailable();
  if (!ok && !REAL) console.warn('swtpm not installed: skipping TPM tests (apt-get install swtpm swtpm-tools tpm2-tools)');
  return ok;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Resolves once the port accepts a connection (readiness, not a timing assertion). */
async function waitListening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`swtpm exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('swtpm did not start listening');
}

export async function startSwtpm(): Promise<Swtpm> {
  const dir = await mkdtemp(join(tmpdir(), 'ip2-swtpm-'));
  let port = await freePort();
  while (port >= 65535 || !(await portFree(port + 1))) port = await freePort();
  const child = spawn('swtpm', [
    'socket', '--tpm2', '--tpmstate', `dir=${dir}`,
    '--server', `type=tcp,port=${port},bindaddr=127.0.0.1`,
    '--ctrl', `type=tcp,port=${port + 1},bindaddr=127.0.0.1`,
    '--flags', 'not-need-init,startup-clear',
  ], { stdio: 'ignore' });
  // If the test process dies without afterAll, do not leave the simulator running.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitListening(port, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    dir,
    tcti: `swtpm:host=127.0.0.1,port=${port}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a tpm2-tools command against the swtpm; throws with stderr on failure. */
export function tpm2(tool: string, args: readonly string[], tcti: string): string {
  const res = spawnSync(tool, args, { env: { ...process.env, TPM2TOOLS_TCTI: tcti }, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}
