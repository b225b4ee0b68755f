/**
 * The homeowner's MQTT hub: a real mosquitto on a free loopback port (when it is installed),
 * watched by an independent client standing in for Home Assistant. The device daemon, given the
 * broker in its provisioning file, announces itself with HA discovery and publishes its readings.
 */
import { existsSync } from 'node:fs';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../agent/mqtt/embedded-broker.ts';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { DemoError } from './errors.ts';
import type { Ctx } from './journeys.ts';

const MOSQUITTO = process.env['IP2_MOSQUITTO'] ?? '/usr/sbin/mosquitto';
const NODE_ID = 'demo-device';
const MAX_MESSAGES = 64;
const WAIT_MS = 30_000;

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

export interface Hub {
  readonly url: string;
  /** 5 for mosquitto; 4 for the embedded broker (aedes speaks MQTT 3.1.1 only). */
  readonly protocolVersion: 4 | 5;
  readonly seen: readonly { topic: string; payload: string }[];
  readonly alive: () => boolean;
  close(): Promise<void>;
}

/**
 * The homeowner's broker and a watcher standing in for Home Assistant, started before the device
 * so that the device's first messages are seen. Undefined (and says why) without mosquitto.
 */
export async function startHub(ctx: Ctx): Promise<Hub | undefined> {
  const { n } = ctx;
  if (!existsSync(MOSQUITTO)) return startEmbeddedHub(ctx);
  const port = await freePort();
  const conf = join(ctx.root, 'mosquitto.conf');
  await writeFile(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', ''].join('\n'));
  const broker = ctx.sup.startProgram('mosquitto', MOSQUITTO, ['-c', conf]);
  const url = `mqtt://127.0.0.1:${port}`;
  const client = await n.wait(`the homeowner's MQTT broker: mosquitto on 127.0.0.1:${port}, watched by a client standing in for Home Assistant`, () => connectRetry(url));
  const seen: { topic: string; payload: string }[] = [];
  client.on('message', (topic, payload) => {
    if (seen.length < MAX_MESSAGES) seen.push({ topic, payload: payload.toString() });
  });
  await client.subscribeAsync(['homeassistant/#', 'ip2/#']);
  return { url, protocolVersion: 5, seen, alive: () => broker.running, close: () => client.endAsync() };
}

/** Without mosquitto: the demo-only broker inside this process (agent/mqtt/embedded-broker.ts). */
async function startEmbeddedHub(ctx: Ctx): Promise<Hub | undefined> {
  const { n } = ctx;
  let broker: EmbeddedBroker;
  try {
    broker = await startEmbeddedBroker();
  } catch (err) {
    n.say(`no MQTT broker: mosquitto not found at ${MOSQUITTO} and the embedded one failed (${(err as Error).message}); the MQTT step will be skipped`);
    return undefined;
  }
  const client = await n.wait(`the homeowner's MQTT broker: no mosquitto here, so the embedded demo broker on ${broker.url} (MQTT 3.1.1), watched by a client standing in for Home Assistant`, () => connectRetry(broker.url));
  const seen: { topic: string; payload: string }[] = [];
  client.on('message', (topic, payload) => {
    if (seen.length < MAX_MESSAGES) seen.push({ topic, payload: payload.toString() });
  });
  await client.subscribeAsync(['homeassistant/#', 'ip2/#']);
  let alive = true;
  return {
    url: broker.url,
    protocolVersion: 4,
    seen,
    alive: () => alive,
    close: async () => {
      alive = false;
      await client.endAsync();
      await broker.close();
    },
  };
}

/** What the hub saw from the device daemon (`ip2 run` with the broker in its provisioning file). */
export async function mqttJourney(ctx: Ctx, hub: Hub | undefined): Promise<MqttOutcome | undefined> {
  const { n } = ctx;
  if (hub === undefined) {
    n.say('skipped: no MQTT broker on this machine (apt-get install mosquitto)');
    n.coming('an embedded broker, so this step needs nothing installed');
    return undefined;
  }
  const state = await n.wait('the device daemon announces itself (HA discovery) and publishes its first reading', () =>
    waitFor(() => hub.seen.find((m) => m.topic.endsWith('/state') && /"temperature"/.test(m.payload)), hub.alive));
  const discovery = hub.seen.find((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'));
  if (discovery === undefined) throw new DemoError('UNEXPECTED', 'no Home Assistant discovery message seen');
  const values = (JSON.parse(state.payload) as { values: { temperature?: number } }).values;
  if (typeof values.temperature !== 'number') throw new DemoError('BAD_OUTPUT', 'the state message has no temperature');
  n.say(`the hub saw ${discovery.topic} (${discovery.payload.length} bytes of discovery)\nand ${state.topic}: ${state.payload}`);
  ctx.tryLines.push({ what: 'publish one more reading to the demo\'s mosquitto (the daemon publishes every 30 s by itself)', argv: ['mqtt', 'publish-once', '--broker', hub.url, '--mqtt-version', String(hub.protocolVersion), '--node', NODE_ID, '--dir', join(ctx.root, 'mqtt-cli')] });
  return { broker: hub.url, discoveryTopic: discovery.topic, stateTopic: state.topic, temperature: values.temperature };
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
