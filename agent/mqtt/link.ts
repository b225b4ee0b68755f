/**
 * The MQTT link: one broker session, Home Assistant discovery and availability, state publishing
 * through the durable outbox, and intents over MQTT 5. It wires the pieces of this folder
 * together; each piece (topics, discovery, outbox, poller, intents, backoff) decides on its own.
 *
 * Session life:
 *   connect → subscribe (HA status, command topic) → announce (availability `online` retained,
 *   device discovery retained, each driver's health retained, diagnostics) → the pump delivers the
 *   outbox head by head (QoS 1, acknowledged before the next) until the session drops → reconnect
 *   after a jittered backoff. HA's `online` birth on `<prefix>/status` triggers a re-announce and
 *   a re-publish of the latest state of each driver. The last will (`offline`, retained, with a
 *   will delay under MQTT 5) marks the device offline when the agent dies; a clean stop publishes
 *   `offline` itself before disconnecting.
 *
 * Length: `linkFromParts` is one closure over the session state (session, ready, attempt,
 * timers) holding small named steps (announce, onConnect, onClose, pump, each under 30 lines);
 * it is longer than 60 lines for that reason only.
 */
import type { Clock, HealthState } from '../../drivers/port.ts';
import { sleep } from '../../drivers/clock.ts';
import { isIp2Error } from '../errors.ts';
import type { Log } from '../overlay/log.ts';
import { reconnectDelay, type BackoffOptions } from './backoff.ts';
import { DIAGNOSTICS_INTERVAL_MS, PAYLOAD_OFFLINE, PAYLOAD_ONLINE } from './constants.ts';
import type { DiagnosticsSource } from './diagnostics.ts';
import type { DeviceDiscovery } from './discovery.ts';
import { intentResponder, type IntentHandler } from './intents.ts';
import type { Outbox } from './outbox.ts';
import { createPoller, type PolledDriver } from './poller.ts';
import type { BrokerConnectOptions, BrokerConnector, BrokerSession, InboundMessage } from './port.ts';
import { encodeJson, type Topics } from './topics.ts';

export interface LinkParts {
  readonly connectOptions: BrokerConnectOptions;
  readonly connector: BrokerConnector;
  readonly topics: Topics;
  readonly discovery: DeviceDiscovery;
  readonly drivers: readonly PolledDriver[];
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly log: Log;
  readonly random: () => number;
  readonly reconnect: BackoffOptions;
  readonly diagnostics?: DiagnosticsSource;
  readonly intents?: IntentHandler;
  /** Wait after a publish failed on a live session before trying the head again, ms. */
  readonly retryMs: number;
}

export interface MqttLink {
  /** Connects and starts polling; returns at once (bad configuration was refused by the factory). */
  start(): void;
  /** Publishes `offline`, disconnects, stops polling. The outbox stays open (its owner closes it). */
  stop(): Promise<void>;
  readonly connected: boolean;
  /**
   * Resolves once the first reading of every driver is queued, and the link is connected,
   * announced and has an empty outbox (or the link stopped).
   */
  idle(): Promise<void>;
  /** Takes one reading of every driver now. */
  pollNow(): Promise<void>;
}

/** Builds the link from validated parts (index.ts `createMqttLink` validates and defaults). */
export function linkFromParts(p: LinkParts): MqttLink {
  const { topics, outbox, clock, log } = p;
  const health = new Map<string, HealthState>();
  const lastState = new Map<string, Uint8Array>();
  let session: BrokerSession | null = null;
  let running = false;
  let ready = false;
  let attempt = 0;
  let reconnectTimer: unknown = null;
  let diagTimer: unknown = null;
  let firstRound: Promise<void> = Promise.resolve();
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  const untilChange = (): Promise<void> => new Promise((r) => waiters.push(r));

  const publish = async (topic: string, payload: Uint8Array | string, retain: boolean): Promise<void> => {
    const s = session;
    if (s === null) return;
    await s.publish(topic, payload, { qos: 1, retain });
  };
  const logFailure = (event: string, err: unknown): void => log.log('warn', event, { code: isIp2Error(err) ? err.code : 'UNEXPECTED' });

  const publishDiagnostics = async (): Promise<void> => {
    if (p.diagnostics === undefined || !ready) return;
    const d = await p.diagnostics();
    await publish(topics.diagnostics, encodeJson({ ...d, outbox_dropped: outbox.stats.dropped }), false);
  };

  const announce = async (): Promise<void> => {
    await publish(topics.availability, PAYLOAD_ONLINE, true);
    await publish(topics.discovery, encodeJson(p.discovery), true);
    for (const [id, state] of health) await publish(topics.health(id), state, true);
    log.log('info', 'mqtt.announced', { components: Object.keys(p.discovery.components).length });
  };

  const onHaStatus = (m: InboundMessage): void => {
    // A retained birth arrives at each subscribe, right after our own announce: nothing to redo.
    if (m.retain || new TextDecoder().decode(m.payload) !== PAYLOAD_ONLINE) return;
    void (async () => {
      await announce();
      for (const [id, payload] of lastState) await publish(topics.state(id), payload, false);
      await publishDiagnostics();
    })().catch((err: unknown) => logFailure('mqtt.reannounce_failed', err));
  };

  const onIntent = p.intents === undefined ? null : intentResponder({ handler: p.intents, session: () => session, log });

  const onConnect = (): void => {
    attempt = 0;
    log.log('info', 'mqtt.connected', {});
    const s = session;
    if (s === null) return;
    const filters = [topics.haStatus, ...(onIntent === null ? [] : [topics.intent])];
    void (async () => {
      await s.subscribe(filters, 1);
      await announce();
      ready = true;
      wake();
      await publishDiagnostics();
    })().catch((err: unknown) => logFailure('mqtt.announce_failed', err));
  };

  const onClose = (): void => {
    ready = false;
    if (!running || reconnectTimer !== null) return;
    const delay = reconnectDelay(attempt, p.reconnect, p.random);
    attempt += 1;
    log.log('info', 'mqtt.disconnected', { retryInMs: delay, attempt });
    reconnectTimer = clock.setTimeout(() => {
      reconnectTimer = null;
      if (running) session?.reconnect();
    }, delay);
  };

  const onMessage = (m: InboundMessage): void => {
    if (m.topic === topics.haStatus) onHaStatus(m);
    else if (m.topic === topics.intent && onIntent !== null) onIntent(m);
  };

  const pump = async (): Promise<void> => {
    while (running) {
      const s = session;
      if (!ready || s === null) {
        await untilChange();
        continue;
      }
      const r = outbox.peek();
      if (r === undefined) {
        wake(); // idle() waiters look again
        await Promise.race([outbox.waitForRecord(), untilChange()]);
        continue;
      }
      try {
        await s.publish(r.topic, r.payload, { qos: r.qos, retain: r.retain });
        outbox.ack(r.seq);
      } catch (err) {
        logFailure('mqtt.publish_failed', err);
        if (ready) await sleep(clock, p.retryMs);
      }
    }
  };

  const poller = createPoller({
    drivers: p.drivers,
    topics,
    outbox,
    clock,
    log,
    onHealth: (id, state) => {
      health.set(id, state);
      if (session?.connected === true) publish(topics.health(id), state, true).catch((err: unknown) => logFailure('mqtt.health_failed', err));
    },
    onState: (id, payload) => lastState.set(id, payload),
  });

  const scheduleDiagnostics = (): void => {
    diagTimer = clock.setTimeout(() => {
      publishDiagnostics()
        .catch((err: unknown) => logFailure('mqtt.diagnostics_failed', err))
        .finally(() => {
          if (running) scheduleDiagnostics();
        });
    }, DIAGNOSTICS_INTERVAL_MS);
  };

  return {
    start() {
      if (running) return;
      running = true;
      session = p.connector(p.connectOptions, { onConnect, onClose, onMessage, onError: (err) => logFailure('mqtt.client_error', err) });
      firstRound = poller.start();
      scheduleDiagnostics();
      pump().catch((err: unknown) => logFailure('mqtt.pump_failed', err));
    },
    async stop() {
      if (!running) return;
      running = false;
      poller.stop();
      for (const t of [reconnectTimer, diagTimer]) if (t !== null) clock.clearTimeout(t);
      const s = session;
      if (s !== null && ready) await publish(topics.availability, PAYLOAD_OFFLINE, true).catch((err: unknown) => logFailure('mqtt.offline_failed', err));
      ready = false;
      wake();
      await s?.end();
      session = null;
      log.log('info', 'mqtt.stopped', {});
    },
    get connected() {
      return ready;
    },
    async idle() {
      await firstRound;
      while (running && !(ready && outbox.peek() === undefined)) await untilChange();
    },
    pollNow: () => poller.pollAll(),
  };
}
