/**
 * A real agent process for the will and restart tests: a counter driver, an outbox in $DIR, a
 * link to $URL. Lines on stdin: `poll` takes one reading (answers `polled`), `idle` answers `idle`
 * once connected with an empty outbox. The parent SIGKILLs it: no cleanup runs, like a crash.
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../../drivers/clock.ts';
import { jsonLineLog } from '../../../agent/overlay/log.ts';
import { createMqttLink, Outbox } from '../../../agent/mqtt/index.ts';
import { counterDriver } from './counter-driver.ts';

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`${k} is required`);
  return v;
};

const log = jsonLineLog('mqtt-child', process.stderr, 'debug');
const outbox = await Outbox.open({ dir: env('DIR'), clock: systemClock, log });
const link = createMqttLink({
  url: env('URL'),
  clientId: `child-${env('NODE')}`,
  nodeId: env('NODE'),
  device: { identifier: env('NODE'), name: 'child', swVersion: '0.0.0-test' },
  drivers: [{ driver: counterDriver('counter', systemClock, Number(env('START'))), intervalMs: 3_600_000 }],
  outbox,
  clock: systemClock,
  log,
  willDelaySeconds: Number(process.env['WILL_DELAY'] ?? '0'),
  reconnect: { baseMs: 100, maxMs: 500 },
});
link.start();
process.stdout.write('started\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'poll') {
    await link.pollNow();
    process.stdout.write('polled\n');
  } else if (line === 'idle') {
    await link.idle();
    process.stdout.write('idle\n');
  }
}
