/**
 * Losing nothing (issue 8 "Done when"): the will fires when the agent process is SIGKILLed; a
 * broker outage of 30 s, a connection dropped mid-burst, and an agent restart while the broker
 * is down lose no reading and keep their order. Real mosquitto, real child processes; every wait
 * is for an event, never a timed assertion. Delivery is at least once: duplicates (same `seq`)
 * are allowed after a crash, gaps and reordering are not.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock.ts';
import { MemoryLog } from '../../agent/overlay/log.ts';
import { createMqttLink, Outbox } from '../../agent/mqtt/index.ts';
import { startChild } from './support/child.ts';
import { counterDriver } from './support/counter-driver.ts';
import { requireMosquitto, startMosquitto, type Broker } from './support/mosquitto.ts';
import { watch, type Watcher } from './support/watcher.ts';

const run = requireMosquitto();
const OUTAGE_MS = Number(process.env['IP2_MQTT_OUTAGE_MS'] ?? '30000');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'ip2-mqtt-'));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

/** A subscriber with a persistent session: the broker queues for it while it reconnects. */
async function durableWatcher(url: string, id: string, filter: string): Promise<Watcher> {
  const w = await watch(url, [filter], { clean: false, clientId: `watch-${id}`, properties: { sessionExpiryInterval: 3600 } });
  cleanups.push(() => w.end());
  return w;
}

interface StateMsg {
  values: { temperature: number };
  seq: number;
}

/** Values in delivery order after dropping repeats of a seq (at-least-once), plus the raw count. */
function delivered(w: Watcher, topic: string): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const m of w.seen) {
    if (m.topic !== topic) continue;
    const s = JSON.parse(m.text) as StateMsg;
    if (seen.has(s.seq)) continue;
    seen.add(s.seq);
    out.push(s.values.temperature);
  }
  return out;
}

const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

async function until(w: Watcher, topic: string, n: number): Promise<void> {
  await w.waitFor(() => delivered(w, topic).length >= n);
}

describe.runIf(run)('MQTT link resilience against mosquitto', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.dispose();
  });

  it('SIGKILL of the agent process publishes offline through the will (with will delay)', async () => {
    const w = await durableWatcher(broker.url, 'lwt', 'ip2/lwt1/availability');
    const child = await startChild({ URL: broker.url, DIR: await tempDir(), NODE: 'lwt1', START: '1', WILL_DELAY: '1' });
    cleanups.push(() => child.kill());
    expect(await child.ask('idle')).toBe('idle');
    await w.waitFor((m) => m.text === 'online');
    const from = w.seen.length;
    await child.kill();
    const offline = await w.waitFor((m) => m.text === 'offline', from);
    expect(offline.topic).toBe('ip2/lwt1/availability');
  });

  it('a broker outage (and a connection dropped mid-burst) loses no reading and keeps the order', async () => {
    const topic = 'ip2/out1/counter/state';
    const w = await durableWatcher(broker.url, 'out1', topic);
    const log = new MemoryLog();
    const outbox = await Outbox.open({ dir: await tempDir(), clock: systemClock, log });
    const l = createMqttLink({
      url: broker.url,
      clientId: 'agent-out1',
      nodeId: 'out1',
      device: { identifier: 'out1', name: 'outage', swVersion: '0.0.0' },
      drivers: [{ driver: counterDriver('counter', systemClock), intervalMs: 3_600_000 }],
      outbox,
      clock: systemClock,
      log,
      reconnect: { baseMs: 100, maxMs: 1000 },
      willDelaySeconds: 0,
    });
    cleanups.push(async () => {
      await l.stop();
      await outbox.close();
    });
    l.start();
    await l.idle();
    for (let i = 0; i < 3; i += 1) await l.pollNow(); // 1 was taken at start: 2, 3, 4
    await until(w, topic, 4);
    // A burst, and the broker goes away while it is being published.
    const burst = Array.from({ length: 20 }, () => l.pollNow());
    await broker.stop();
    await Promise.all(burst);
    for (let i = 0; i < 5; i += 1) await l.pollNow(); // taken while the broker is away
    await new Promise((r) => setTimeout(r, OUTAGE_MS)); // the outage itself (not an assertion)
    await broker.start();
    await until(w, topic, 29);
    await l.idle();
    expect(delivered(w, topic)).toEqual(upTo(29));
    expect(outbox.stats).toMatchObject({ pending: 0, dropped: 0 });
  }, 120_000);

  it('an agent restarted while the broker is down delivers everything, in order, from its outbox', async () => {
    const topic = 'ip2/rst1/counter/state';
    const w = await durableWatcher(broker.url, 'rst1', topic);
    const dir = await tempDir();
    const a = await startChild({ URL: broker.url, DIR: dir, NODE: 'rst1', START: '1' });
    cleanups.push(() => a.kill());
    await a.ask('idle');
    for (let i = 0; i < 2; i += 1) expect(await a.ask('poll')).toBe('polled'); // 1 was taken at start
    await until(w, topic, 3);
    await broker.stop();
    for (let i = 0; i < 3; i += 1) await a.ask('poll'); // 4, 5, 6 wait in the outbox
    await a.kill(); // a crash: no flush, no clean close
    const b = await startChild({ URL: broker.url, DIR: dir, NODE: 'rst1', START: '7' });
    cleanups.push(() => b.kill());
    for (let i = 0; i < 2; i += 1) await b.ask('poll'); // 7 taken at start, then 8, 9
    await broker.start();
    expect(await b.ask('idle')).toBe('idle');
    await until(w, topic, 9);
    expect(delivered(w, topic)).toEqual(upTo(9));
  }, 120_000);
});
