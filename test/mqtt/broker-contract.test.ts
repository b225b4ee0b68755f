/**
 * One contract suite for the broker port (port.ts), run against the in-memory fake always and
 * against mqtt.js + real mosquitto when it is there. Plus the link over the fake: an outage keeps
 * the order, a dropped connection fires the will.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock.ts';
import { FakeBroker } from '../../agent/mqtt/broker-fake.ts';
import { createMqttLink, isMqttError, mqttjsConnector, Outbox, type BrokerConnector, type BrokerSession, type InboundMessage } from '../../agent/mqtt/index.ts';
import { MemoryLog } from '../../agent/overlay/log.ts';
import { counterDriver } from './support/counter-driver.ts';
import { requireMosquitto, startMosquitto, type Broker } from './support/mosquitto.ts';

interface Recorder {
  readonly session: BrokerSession;
  readonly messages: InboundMessage[];
  connects: number;
  until(pred: () => boolean): Promise<void>;
}

const enc = new TextEncoder();
const text = (m: InboundMessage): string => new TextDecoder().decode(m.payload);

function open(connector: BrokerConnector, url: string, clientId: string, willTopic = `will/${clientId}`): Recorder {
  const waiters: (() => void)[] = [];
  const poke = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  const r: Recorder = {
    messages: [],
    connects: 0,
    session: connector(
      { url, clientId, protocolVersion: 5, keepaliveSeconds: 30, connectTimeoutMs: 5000, will: { topic: willTopic, payload: enc.encode('gone'), qos: 1, retain: false, delaySeconds: 0 } },
      {
        onConnect: () => {
          r.connects += 1;
          poke();
        },
        onClose: poke,
        onMessage: (m) => {
          r.messages.push(m);
          poke();
        },
        onError: () => undefined,
      },
    ),
    async until(pred) {
      while (!pred()) await new Promise<void>((w) => waiters.push(w));
    },
  };
  return r;
}

interface Target {
  readonly name: string;
  connector: BrokerConnector;
  url: string;
}

const fake: Target = { name: 'fake', connector: new FakeBroker().connector, url: 'mqtt://fake' };
const real: Target = { name: 'mosquitto', connector: mqttjsConnector, url: '' };
const hasReal = requireMosquitto();
let mosq: Broker | null = null;
beforeAll(async () => {
  if (!hasReal) return;
  mosq = await startMosquitto();
  real.url = mosq.url;
});
afterAll(async () => {
  await mosq?.dispose();
});

const opened: Recorder[] = [];
afterEach(async () => {
  for (const r of opened.splice(0)) await r.session.end();
});

for (const t of hasReal ? [fake, real] : [fake]) {
  describe(`broker port contract: ${t.name}`, () => {
    const conn = (id: string): Recorder => {
      const r = open(t.connector, t.url, `${t.name}-${id}`);
      opened.push(r);
      return r;
    };

    it('refuses to publish before the session is up, with NOT_CONNECTED', async () => {
      const a = conn('early');
      const err = await a.session.publish('x/y', 'z', { qos: 1, retain: false }).then(() => null, (e: unknown) => e);
      expect(isMqttError(err, 'NOT_CONNECTED')).toBe(true);
      await a.until(() => a.connects === 1);
    });

    it('keeps a retained message for a later subscriber, flagged retained; live ones are not', async () => {
      const a = conn('ret-a');
      await a.until(() => a.connects === 1);
      await a.session.publish('c/ret', 'kept', { qos: 1, retain: true });
      const b = conn('ret-b');
      await b.until(() => b.connects === 1);
      await b.session.subscribe(['c/+'], 1);
      await b.until(() => b.messages.length === 1);
      expect([b.messages[0]?.topic, text(b.messages[0] as InboundMessage), b.messages[0]?.retain]).toEqual(['c/ret', 'kept', true]);
      await a.session.publish('c/live', 'now', { qos: 1, retain: false });
      await b.until(() => b.messages.length === 2);
      expect(b.messages[1]?.retain).toBe(false);
      await a.session.publish('c/ret', new Uint8Array(), { qos: 1, retain: true }); // clear it
    });

    it('carries response topic and correlation data', async () => {
      const a = conn('rr-a');
      const b = conn('rr-b');
      await a.until(() => a.connects === 1);
      await b.until(() => b.connects === 1);
      await b.session.subscribe(['rr/req'], 1);
      await a.session.publish('rr/req', 'q', { qos: 1, retain: false, responseTopic: 'rr/reply', correlationData: enc.encode('c-1') });
      await b.until(() => b.messages.length === 1);
      expect(b.messages[0]?.responseTopic).toBe('rr/reply');
      expect(new TextDecoder().decode(b.messages[0]?.correlationData)).toBe('c-1');
    });

    it('publishes the will when the connection is lost without DISCONNECT', async () => {
      const w = conn('will-w');
      await w.until(() => w.connects === 1);
      await w.session.subscribe([`will/${t.name}-will-a`], 1);
      const a = open(t.connector, t.url, `${t.name}-will-a`);
      await a.until(() => a.connects === 1);
      a.session.kill();
      await w.until(() => w.messages.some((m) => text(m) === 'gone'));
    });
  });
}

describe('the link over the fake broker', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('delivers readings taken while the broker is away, in order, after it comes back', async () => {
    const broker = new FakeBroker();
    const dir = await mkdtemp(join(tmpdir(), 'ip2-fake-'));
    dirs.push(dir);
    const log = new MemoryLog();
    const outbox = await Outbox.open({ dir, clock: systemClock, log });
    const watcher = open(broker.connector, 'mqtt://fake', 'watcher');
    await watcher.until(() => watcher.connects === 1);
    await watcher.session.subscribe(['ip2/f1/#'], 1);
    const link = createMqttLink({
      url: 'mqtt://fake',
      clientId: 'agent-f1',
      nodeId: 'f1',
      device: { identifier: 'f1', name: 'f', swVersion: '0' },
      drivers: [{ driver: counterDriver('c', systemClock), intervalMs: 3_600_000 }],
      outbox,
      clock: systemClock,
      log,
      connector: broker.connector,
      reconnect: { baseMs: 10, maxMs: 50 },
    });
    link.start();
    await link.idle();
    broker.stop();
    for (let i = 0; i < 5; i += 1) await link.pollNow();
    broker.start();
    // The watcher was dropped too: it comes back first, then the agent's backoff brings it back.
    watcher.session.reconnect();
    await watcher.until(() => watcher.connects === 2);
    await watcher.session.subscribe(['ip2/f1/#'], 1);
    await link.idle();
    const values = (): number[] =>
      watcher.messages
        .filter((m) => m.topic === 'ip2/f1/c/state')
        .map((m) => (JSON.parse(text(m)) as { values: { temperature: number } }).values.temperature);
    await watcher.until(() => values().includes(6));
    // 1 was acknowledged to the agent but still on its way to the watcher when the broker went
    // down (the fake has no persistent sessions): the agent's part, 2..6 in order, is what counts.
    expect(values()).toEqual([2, 3, 4, 5, 6]);
    broker.drop('agent-f1');
    await watcher.until(() => watcher.messages.some((m) => m.topic === 'ip2/f1/availability' && text(m) === 'offline'));
    await link.stop();
    await outbox.close();
    await watcher.session.end();
  });
});
