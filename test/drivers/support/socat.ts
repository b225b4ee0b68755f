import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * socat pty pairs for serial tests (research/drivers.md §2.3). Without socat the pty tests are
 * skipped with a message, except under IP2_REAL=1, where a missing socat fails them.
 */
export const socatAvailable: boolean = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
export const realRequired: boolean = process.env['IP2_REAL'] === '1';
export const skipPty: boolean = !socatAvailable && !realRequired;

if (skipPty) {
  console.warn('[test/drivers] socat not found: skipping pty tests (apt-get install -y socat; IP2_REAL=1 makes this fatal)');
}

export interface PtyPair {
  readonly a: string;
  readonly b: string;
  stop(): Promise<void>;
}

/** Starts `socat pty,raw,echo=0 pty,raw,echo=0` and resolves once both links exist. */
export async function socatPair(): Promise<PtyPair> {
  if (!socatAvailable) throw new Error('socat is required (IP2_REAL=1) but not installed: apt-get install -y socat');
  const dir = await mkdtemp(join(tmpdir(), 'ip2-pty-'));
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`socat did not start: ${err}`)), 10_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${code}: ${err}`));
    });
  });
  return {
    a,
    b,
    async stop() {
      // Close both serial ends before calling this: a reader whose peer dies spins (research §2.3).
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
