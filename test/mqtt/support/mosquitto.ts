/**
 * Real mosquitto for tests (DESIGN.md §9): a private broker on a free loopback port with a
 * generated config. Under IP2_REAL=1 a missing mosquitto fails; otherwise the suites skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO = process.env['IP2_MOSQUITTO'] ?? '/usr/sbin/mosquitto';
export const mosquittoPresent = existsSync(MOSQUITTO);
export const mustHaveReal = process.env['IP2_REAL'] === '1';

/** Call at the top of a mosquitto suite: throws under IP2_REAL=1 when mosquitto is missing. */
export function requireMosquitto(): boolean {
  if (mosquittoPresent) return true;
  if (mustHaveReal) throw new Error(`IP2_REAL=1 but mosquitto is missing at ${MOSQUITTO} (apt-get install mosquitto)`);
  console.warn(`skipping MQTT broker tests: mosquitto not found at ${MOSQUITTO} (apt-get install mosquitto)`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface Broker {
  readonly port: number;
  readonly url: string;
  /** SIGTERM and wait for exit (mosquitto saves its persistence file). */
  stop(): Promise<void>;
  /** Starts again on the same port with the same config. */
  start(): Promise<void>;
  /** Stops and removes its folder. */
  dispose(): Promise<void>;
}

export async function startMosquitto(): Promise<Broker> {
  const dir = await mkdtemp(join(tmpdir(), 'ip2-mosq-'));
  // mosquitto started as root drops to the `mosquitto` user: it must be able to write its
  // persistence file (sessions survive a restart only through it) and its log here.
  await chmod(dir, 0o777);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, `log_dest file ${dir}/mosquitto.log`, 'log_type error', 'log_type warning', 'log_type notice', ''].join('\n'),
  );
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const c = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    let exited = false;
    c.once('exit', () => {
      exited = true;
    });
    // Readiness, not timing: retry the TCP connect until it is accepted (or mosquitto exited).
    for (let i = 0; i < 500 && !exited; i += 1) {
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`mosquitto did not start on port ${port}`);
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = null;
    if (c === null || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stop,
    start,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
