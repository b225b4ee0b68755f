/**
 * The MQTT link to the homeowner's hub (issue 8; DESIGN.md §7). Public types and the factory.
 *
 * Wiring (agent/main.ts): open the outbox in the state directory, build the link, start it, and
 * on shutdown `await link.stop(); await outbox.close()`.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../../drivers/port.ts';
import type { Log } from '../overlay/log.ts';
import type { BackoffOptions } from './backoff.ts';
import { mqttjsConnector } from './broker-mqttjs.ts';
import {
  DEFAULT_BASE_TOPIC,
  DEFAULT_DISCOVERY_PREFIX,
  DEFAULT_KEEPALIVE_S,
  DEFAULT_RECONNECT_BASE_MS,
  DEFAULT_RECONNECT_MAX_MS,
  DEFAULT_WILL_DELAY_S,
  PAYLOAD_OFFLINE,
} from './constants.ts';
import type { DiagnosticsSource } from './diagnostics.ts';
import { buildDeviceDiscovery, type DeviceInfo } from './discovery.ts';
import { MqttError } from './errors.ts';
import type { IntentHandler } from './intents.ts';
import { linkFromParts, type MqttLink } from './link.ts';
import type { Outbox } from './outbox.ts';
import type { PolledDriver } from './poller.ts';
import type { BrokerAuth, BrokerConnector, BrokerTls } from './port.ts';
import { topicsFor } from './topics.ts';

export type { MqttLink } from './link.ts';
export type { DeviceInfo, DeviceDiscovery, DriverDescription } from './discovery.ts';
export type { IntentHandler } from './intents.ts';
export type { PolledDriver } from './poller.ts';
export type { BrokerAuth, BrokerConnector, BrokerSession, BrokerTls, InboundMessage } from './port.ts';
export type { DiagnosticsPayload, StatePayload, Topics } from './topics.ts';
export { Outbox, type OutboxOptions, type OutboxStats } from './outbox.ts';
export { MqttError, isMqttError, type MqttErrorCode } from './errors.ts';
export { systemDiagnostics, type DiagnosticsSource } from './diagnostics.ts';
export { mqttjsConnector } from './broker-mqttjs.ts';
export { topicsFor } from './topics.ts';
export { buildDeviceDiscovery } from './discovery.ts';

export interface MqttLinkOptions {
  /** mqtt://host:1883, mqtts://host:8883, ws:// or wss:// */
  readonly url: string;
  readonly clientId: string;
  /** 5 (default) or 4 for MQTT 3.1.1 (no will delay, no intents: they need response topics). */
  readonly protocolVersion?: 4 | 5;
  readonly tls?: BrokerTls;
  readonly auth?: BrokerAuth;
  readonly keepaliveSeconds?: number;
  readonly willDelaySeconds?: number;
  readonly connectTimeoutMs?: number;
  readonly discoveryPrefix?: string;
  readonly baseTopic?: string;
  readonly nodeId: string;
  readonly device: DeviceInfo;
  readonly drivers: readonly PolledDriver[];
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly log: Log;
  readonly diagnostics?: DiagnosticsSource;
  readonly intents?: IntentHandler;
  readonly reconnect?: BackoffOptions;
  /** Defaults to the mqtt.js adapter; tests may inject another. */
  readonly connector?: BrokerConnector;
  /** [0, 1) for jitter; defaults to node:crypto. */
  readonly random?: () => number;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new MqttError('BAD_CONFIG', message);
}

function validate(o: MqttLinkOptions): void {
  let url: URL | null;
  try {
    url = new URL(o.url);
  } catch {
    url = null;
  }
  check(url !== null && ['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol), `broker URL ${JSON.stringify(o.url)} must be mqtt://, mqtts://, ws:// or wss://`);
  check(o.clientId.length > 0 && o.clientId.length <= 128, 'clientId must be 1..128 characters');
  check(o.protocolVersion === undefined || o.protocolVersion === 4 || o.protocolVersion === 5, 'protocolVersion must be 4 or 5');
  check(o.protocolVersion !== 4 || o.intents === undefined, 'intents need MQTT 5 (response topic and correlation data)');
  const ka = o.keepaliveSeconds ?? DEFAULT_KEEPALIVE_S;
  check(Number.isInteger(ka) && ka >= 5 && ka <= 65535, 'keepaliveSeconds must be an integer within 5..65535');
  const wd = o.willDelaySeconds ?? DEFAULT_WILL_DELAY_S;
  check(Number.isInteger(wd) && wd >= 0 && wd <= 3600, 'willDelaySeconds must be an integer within 0..3600');
  check(o.tls === undefined || (o.tls.cert === undefined) === (o.tls.key === undefined), 'a TLS client certificate needs its key, and the key its certificate');
  for (const d of o.drivers) check(Number.isFinite(d.intervalMs) && d.intervalMs >= 1000, `driver ${d.driver.id}: intervalMs must be at least 1000`);
  check(new Set(o.drivers.map((d) => d.driver.id)).size === o.drivers.length, 'driver ids must be unique');
}

/** Validates everything (throws MqttError BAD_CONFIG / BAD_ID) and returns a stopped link. */
export function createMqttLink(o: MqttLinkOptions): MqttLink {
  validate(o);
  const topics = topicsFor({ baseTopic: o.baseTopic ?? DEFAULT_BASE_TOPIC, discoveryPrefix: o.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX, nodeId: o.nodeId });
  const discovery = buildDeviceDiscovery(
    topics,
    o.nodeId,
    o.device,
    o.drivers.map((d) => ({ id: d.driver.id, quantities: d.driver.quantities, intervalMs: d.intervalMs })),
  );
  return linkFromParts({
    connectOptions: {
      url: o.url,
      clientId: o.clientId,
      protocolVersion: o.protocolVersion ?? 5,
      keepaliveSeconds: o.keepaliveSeconds ?? DEFAULT_KEEPALIVE_S,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      ...(o.tls === undefined ? {} : { tls: o.tls }),
      ...(o.auth === undefined ? {} : { auth: o.auth }),
      will: { topic: topics.availability, payload: new TextEncoder().encode(PAYLOAD_OFFLINE), qos: 1, retain: true, delaySeconds: o.willDelaySeconds ?? DEFAULT_WILL_DELAY_S },
    },
    connector: o.connector ?? mqttjsConnector,
    topics,
    discovery,
    drivers: o.drivers,
    outbox: o.outbox,
    clock: o.clock,
    log: o.log,
    random: o.random ?? (() => randomInt(0, 2 ** 32) / 2 ** 32),
    reconnect: o.reconnect ?? { baseMs: DEFAULT_RECONNECT_BASE_MS, maxMs: DEFAULT_RECONNECT_MAX_MS },
    ...(o.diagnostics === undefined ? {} : { diagnostics: o.diagnostics }),
    ...(o.intents === undefined ? {} : { intents: o.intents }),
    retryMs: 1_000,
  });
}
