/**
 * Overlay links: Noise XK handshakes per second over TCP loopback, and 1028-byte cells through
 * one encrypted link, next to the raw ChaCha20-Poly1305 ceiling on the same cells measured in the
 * same process (test/overlay/fixtures/bench-link.ts, run as its own process so that its sockets
 * and timers do not disturb the other sections).
 */
import { spawnSync } from 'node:child_process';
import { table, type BenchSection } from './harness.ts';

interface LinkFigures {
  handshakesPerSecond: number;
  linkMBps: number;
  aeadCeilingMBps: number;
}

function run(): Promise<string> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/overlay/fixtures/bench-link.ts', '3'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return Promise.resolve(`_Not measured: the link benchmark failed (${r.stderr.trim().split('\n').pop() ?? 'no output'})._`);
  const f = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as LinkFigures;
  return Promise.resolve(
    [
      table(
        ['measure', 'value', 'against'],
        [
          ['Noise XK handshakes (TCP loopback, both ends in one process)', `${f.handshakesPerSecond} /s`, ''],
          ['1028-byte cells through one link', `${f.linkMBps} MB/s`, `${((f.linkMBps / f.aeadCeilingMBps) * 100).toFixed(0)} % of the raw ChaCha20-Poly1305 ceiling (${f.aeadCeilingMBps} MB/s) on the same cells`],
        ],
      ),
      '',
      'The link encrypts each frame once (length-prefixed AEAD over typed blocks) and pays for framing, the TCP socket and the event loop on top of the cipher.',
    ].join('\n'),
  );
}

export const section: BenchSection = { id: 'overlay', title: 'Overlay links', run };
