/**
 * The homeowner's MQTT hub: a real mosquitto on a free loopback port (when it is installed),
 * watched by an independent client standing in for Home Assistant. The device announces itself
 * with HA discovery and publishes a reading of its simulated sensor (`ip2 mqtt publish-once`).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { DemoError } from './errors.ts';
import { ip2Json } from './ip2.ts';
import type { Ctx, DeviceState } from './journeys.ts';

const MOSQUITTO = process.env['IP2_MOSQUITTO'] ?? '/usr/sbin/mosquitto';
const NODE_ID = 'demo-device';
const MAX_MESSAGES = 64;
const WAIT_MS = 20_000;

export interface MqttOutcome {
  readonly broker: string;
  readonly discoveryTopic: string;
  readonly stateTopic: string;
  readonly temperature: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new DemoError('UNEXPECTED', 'no free port'))));
    });
  });
}

async function connectRetry(url: string): Promise<MqttClient> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      return await connectAsync(url, { clientId: 'demo-hub-watcher', reconnectPeriod: 0, connectTimeout: 2000 });
    } catch (err) {
      if (Date.now() > deadline) throw new DemoError('TIMEOUT', `mosquitto at ${url} did not accept a connection`, { cause: err });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Returns undefined (and says why) when mosquitto is not installed. */
export async function mqttJourney(ctx: Ctx, dev: DeviceState): Promise<MqttOutcome | undefined> {
  const { n } = ctx;
  if (!existsSync(MOSQUITTO)) {
    n.say(`skipped: no MQTT broker (mosquitto not found at ${MOSQUITTO}; apt-get install mosquitto)`);
    n.coming('an embedded broker, so this step needs nothing installed');
    return undefined;
  }
  const port = await freePort();
  const conf = join(ctx.root, 'mosquitto.conf');
  await writeFile(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', ''].join('\n'));
  const broker = ctx.sup.startProgram('mosquitto', MOSQUITTO, ['-c', conf]);
  const url = `mqtt://127.0.0.1:${port}`;
  const hub = await n.wait(`mosquitto on 127.0.0.1:${port}, watched by a client standing in for Home Assistant`, () => connectRetry(url));
  const seen: { topic: string; payload: string }[] = [];
  try {
    hub.on('message', (topic, payload) => {
      if (seen.length < MAX_MESSAGES) seen.push({ topic, payload: payload.toString() });
    });
    await hub.subscribeAsync(['homeassistant/#', 'ip2/#']);
    const r = await n.wait('ip2 mqtt publish-once: HA discovery, then one reading of the simulated sensor', () =>
      ip2Json<{ delivered: boolean }>(ctx.entry, ['mqtt', 'publish-once', '--broker', url, '--node', NODE_ID, '--dir', dev.dir, '--timeout', '20', '--json'], ctx.env));
    if (!r.delivered) throw new DemoError('UNEXPECTED', 'the reading was not delivered to the broker');
    const state = await waitFor(() => seen.find((m) => m.topic.endsWith('/state') && /"temperature"/.test(m.payload)), () => broker.running);
    const discovery = seen.find((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'));
    if (discovery === undefined) throw new DemoError('UNEXPECTED', 'no Home Assistant discovery message seen');
    const values = (JSON.parse(state.payload) as { values: { temperature?: number } }).values;
    if (typeof values.temperature !== 'number') throw new DemoError('BAD_OUTPUT', 'the state message has no temperature');
    n.say(`the hub saw ${discovery.topic} (${discovery.payload.length} bytes of discovery)\nand ${state.topic}: ${state.payload}`);
    ctx.tryLines.push({ what: 'publish another reading to the demo\'s mosquitto', argv: ['mqtt', 'publish-once', '--broker', url, '--node', NODE_ID, '--dir', dev.dir] });
    return { broker: url, discoveryTopic: discovery.topic, stateTopic: state.topic, temperature: values.temperature };
  } finally {
    await hub.endAsync();
  }
}

async function waitFor<T>(pick: () => T | undefined, alive: () => boolean): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = pick();
    if (v !== undefined) return v;
    if (!alive() || Date.now() > deadline) throw new DemoError('TIMEOUT', 'the hub saw no reading');
    await new Promise((r) => setTimeout(r, 100));
  }
}
