/**
 * The MQTT link against real mosquitto (DESIGN.md §9), observed by an independent client.
 * No timed assertions: every wait is for an event (a message, a line from a child, an exit).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock.ts';
import { createSimulatedDriver } from '../../drivers/simulated/index.ts';
import { MemoryLog } from '../../agent/overlay/log.ts';
import { createMqttLink, Outbox, type MqttLink, type MqttLinkOptions } from '../../agent/mqtt/index.ts';
import { requireMosquitto, startMosquitto, type Broker } from './support/mosquitto.ts';
import { watch, type Watcher } from './support/watcher.ts';

const run = requireMosquitto();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'ip2-mqtt-'));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

async function watcher(url: string, filters: string[]): Promise<Watcher> {
  const w = await watch(url, filters);
  cleanups.push(() => w.end());
  return w;
}

async function link(broker: Broker, nodeId: string, more: Partial<MqttLinkOptions> = {}): Promise<{ link: MqttLink; outbox: Outbox; log: MemoryLog }> {
  const log = new MemoryLog();
  const outbox = await Outbox.open({ dir: await tempDir(), clock: systemClock, log });
  const l = createMqttLink({
    url: broker.url,
    clientId: `agent-${nodeId}`,
    nodeId,
    device: { identifier: `serial-${nodeId}`, name: 'Test Pi', manufacturer: 'Raspberry Pi', model: 'Pi 4B', swVersion: '0.1.0' },
    drivers: [{ driver: createSimulatedDriver({ id: 'sim', seed: 7, clock: systemClock }), intervalMs: 3_600_000 }],
    outbox,
    clock: systemClock,
    log,
    diagnostics: () => Promise.resolve({ cpu_temperature: 48.3, throttled: false, uptime: 12, version: '0.1.0', assurance: 'software' }),
    reconnect: { baseMs: 100, maxMs: 500 },
    willDelaySeconds: 0,
    ...more,
  });
  cleanups.push(async () => {
    await l.stop();
    await outbox.close();
  });
  return { link: l, outbox, log };
}

describe.runIf(run)('MQTT link against mosquitto', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.dispose();
  });

  it('announces retained discovery, availability and health that a second client reads back field by field', async () => {
    const { link: l } = await link(broker, 'disc1');
    const live = await watcher(broker.url, ['ip2/disc1/sim/state']); // states are not retained
    l.start();
    await l.idle();
    const w = await watcher(broker.url, ['homeassistant/device/disc1/config', 'ip2/disc1/#']); // retained read-back
    const cfg = await w.waitFor((m) => m.topic === 'homeassistant/device/disc1/config');
    expect(cfg.retain).toBe(true);
    const d = JSON.parse(cfg.text) as Record<string, unknown> & { components: Record<string, Record<string, unknown>> };
    expect(d['device']).toEqual({ identifiers: ['ip2_serial-disc1'], name: 'Test Pi', manufacturer: 'Raspberry Pi', model: 'Pi 4B', sw_version: '0.1.0' });
    expect(d['origin']).toMatchObject({ name: 'ip2-agent', sw_version: '0.1.0' });
    expect(d.components['ip2_disc1_sim_temperature']).toMatchObject({
      platform: 'sensor',
      device_class: 'temperature',
      unit_of_measurement: '°C',
      state_class: 'measurement',
      suggested_display_precision: 1,
      state_topic: 'ip2/disc1/sim/state',
      expire_after: 10800,
    });
    expect(d.components['ip2_disc1_sim_humidity']).toMatchObject({ device_class: 'humidity', unit_of_measurement: '%' });
    const avail = await w.waitFor((m) => m.topic === 'ip2/disc1/availability');
    expect([avail.text, avail.retain]).toEqual(['online', true]);
    await w.waitFor((m) => m.topic === 'ip2/disc1/sim/health' && m.text === 'ok');
    expect(w.seen.find((m) => m.topic === 'ip2/disc1/sim/health')?.retain).toBe(true);
    const state = await live.waitFor((m) => m.topic === 'ip2/disc1/sim/state');
    const s = JSON.parse(state.text) as { values: Record<string, number>; at: string; quality: string; seq: number };
    expect(Object.keys(s.values).sort()).toEqual(['humidity', 'temperature']);
    expect(Number.isNaN(Date.parse(s.at))).toBe(false);
    expect(s.quality).toBe('good');
    expect(s.seq).toBe(1);
  });

  it('re-announces discovery and the latest state when Home Assistant comes online', async () => {
    const { link: l } = await link(broker, 'disc2');
    l.start();
    await l.idle();
    const w = await watcher(broker.url, ['homeassistant/device/disc2/config', 'ip2/disc2/sim/state']);
    await w.waitFor((m) => m.topic.endsWith('/config') && m.retain);
    const from = w.seen.length;
    await w.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
    const again = await w.waitFor((m) => m.topic === 'homeassistant/device/disc2/config', from);
    expect(again.retain).toBe(false); // delivered live, not from the retained store
    await w.waitFor((m) => m.topic === 'ip2/disc2/sim/state', from);
  });

  it('a clean stop publishes offline (retained)', async () => {
    const { link: l } = await link(broker, 'stop1');
    l.start();
    await l.idle();
    const w = await watcher(broker.url, ['ip2/stop1/availability']);
    await w.waitFor((m) => m.text === 'online');
    await l.stop();
    await w.waitFor((m) => m.text === 'offline');
  });

  it('answers an intent on the MQTT 5 response topic with the correlation data; survives junk', async () => {
    const handler = (req: Uint8Array): Promise<Uint8Array> => {
      const text = new TextDecoder().decode(req);
      if (text === 'junk') return Promise.reject(new Error('malformed envelope'));
      return Promise.resolve(new TextEncoder().encode(`signed-reply:${text}`));
    };
    const { link: l, log } = await link(broker, 'int1', { intents: handler });
    l.start();
    await l.idle();
    const w = await watcher(broker.url, ['replies/#']);
    const ask = (payload: string | Buffer, corr: string, responseTopic?: string): Promise<unknown> =>
      w.client.publishAsync('ip2/int1/intent', payload, {
        qos: 1,
        properties: { ...(responseTopic === undefined ? {} : { responseTopic }), correlationData: Buffer.from(corr) },
      });
    await ask('junk', 'c0', 'replies/a');
    await ask('no response topic', 'c1');
    await ask(Buffer.alloc(70_000), 'c2', 'replies/a');
    await ask('hello', 'c3', 'replies/a');
    const reply = await w.waitFor((m) => m.topic === 'replies/a');
    expect(reply.text).toBe('signed-reply:hello');
    expect(reply.correlationData?.toString()).toBe('c3');
    expect(w.seen.filter((m) => m.topic === 'replies/a')).toHaveLength(1);
    const dropped = log.entries.filter((e) => e.event === 'intent.dropped').map((e) => e.fields['reason']);
    expect(dropped.sort()).toEqual(['no-response-topic', 'too-large']);
    expect(log.entries.some((e) => e.event === 'intent.failed')).toBe(true);
  });
});
