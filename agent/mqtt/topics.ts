/**
 * Every MQTT topic and payload shape the agent uses, defined once (STYLE.md § Smells).
 * PROTOCOL.md § "MQTT topics and payloads" documents the same in words.
 *
 * Layout, for node `n`, base `ip2`, discovery prefix `homeassistant`:
 *   ip2/n/availability            `online` | `offline`, retained; the will sets `offline`
 *   ip2/n/<driver>/state          StatePayload JSON, QoS 1, not retained (through the outbox)
 *   ip2/n/<driver>/health         `ok` | `stale` | `failing`, retained
 *   ip2/n/diagnostics/state       DiagnosticsPayload JSON, QoS 1
 *   ip2/n/intent                  signed intent bytes in; replies go to the MQTT 5 response topic
 *   homeassistant/device/n/config DeviceDiscovery JSON, retained
 *   homeassistant/status          HA's birth/will: `online` triggers a re-announce
 */
import type { HealthState, Quality, Quantity } from '../../drivers/port.ts';
import { ID_PATTERN, HA_STATUS_SUFFIX } from './constants.ts';
import { MqttError } from './errors.ts';

/** constants.ts PAYLOAD_ONLINE / PAYLOAD_OFFLINE. */
export type Availability = 'online' | 'offline';

export interface TopicConfig {
  readonly baseTopic: string;
  readonly discoveryPrefix: string;
  readonly nodeId: string;
}

export interface Topics {
  readonly availability: string;
  readonly discovery: string;
  readonly haStatus: string;
  readonly diagnostics: string;
  readonly intent: string;
  state(driverId: string): string;
  health(driverId: string): string;
}

/** Throws MqttError BAD_ID unless `id` is usable in a HA discovery topic and as an object id. */
export function checkId(id: string, what: string): string {
  if (!ID_PATTERN.test(id)) throw new MqttError('BAD_ID', `${what} ${JSON.stringify(id)} must match ${ID_PATTERN.source}`);
  return id;
}

/** A topic prefix: one or more levels, no wildcards, no empty level, no leading or trailing `/`. */
export function checkTopicPrefix(prefix: string, what: string): string {
  const levels = prefix.split('/');
  if (prefix.length === 0 || prefix.length > 200 || levels.some((l) => l.length === 0 || l.includes('#') || l.includes('+') || l.includes(String.fromCharCode(0)))) {
    throw new MqttError('BAD_CONFIG', `${what} ${JSON.stringify(prefix)} is not a valid topic prefix`);
  }
  return prefix;
}

export function topicsFor(cfg: TopicConfig): Topics {
  const base = `${checkTopicPrefix(cfg.baseTopic, 'base topic')}/${checkId(cfg.nodeId, 'node id')}`;
  const prefix = checkTopicPrefix(cfg.discoveryPrefix, 'discovery prefix');
  return {
    availability: `${base}/availability`,
    discovery: `${prefix}/device/${cfg.nodeId}/config`,
    haStatus: `${prefix}/${HA_STATUS_SUFFIX}`,
    diagnostics: `${base}/diagnostics/state`,
    intent: `${base}/intent`,
    state: (driverId) => `${base}/${checkId(driverId, 'driver id')}/state`,
    health: (driverId) => `${base}/${checkId(driverId, 'driver id')}/health`,
  };
}

/** One measurement of one driver: every quantity it read, with the reading time. */
export interface StatePayload {
  /** Values by quantity (binary quantities as 0/1). */
  readonly values: Partial<Record<Quantity, number>>;
  /** ISO 8601 time of the measurement (from the driver's clock). */
  readonly at: string;
  readonly quality: Quality;
  /** The outbox sequence number: strictly increasing per node, lets a consumer drop duplicates. */
  readonly seq: number;
}

export type HealthPayload = HealthState;

export interface DiagnosticsPayload {
  /** °C, or null where the board has no thermal zone. */
  readonly cpu_temperature: number | null;
  /** true when the firmware reports current or past under-voltage / throttling; null if unknown. */
  readonly throttled: boolean | null;
  /** Seconds since the agent started. */
  readonly uptime: number;
  readonly version: string;
  /** The identity key store's assurance level (software, tpm, sealed). */
  readonly assurance: string;
  /** Readings dropped from a full outbox since it was created. */
  readonly outbox_dropped: number;
}

const encoder = new TextEncoder();

export function encodeJson(value: StatePayload | DiagnosticsPayload | object): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}
