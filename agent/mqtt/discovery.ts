/**
 * The Home Assistant device discovery payload (pure). HA core `components/mqtt/discovery.py`
 * `DEVICE_DISCOVERY_SCHEMA` wants `device` with `identifiers`, `origin` with `name`, and
 * `components`: a map id -> {platform, unique_id, ...}. A component left out of a later payload is
 * removed by HA, so removing a driver removes its entities. Full (unabbreviated) keys throughout.
 */
import type { Quantity } from '../../drivers/port.ts';
import { HA_SENSOR_CLASSES } from '../../drivers/quantities.ts';
import { DIAGNOSTICS_INTERVAL_MS, EXPIRE_AFTER_FACTOR, ORIGIN_NAME, PAYLOAD_OFFLINE, PAYLOAD_ONLINE, SUPPORT_URL } from './constants.ts';
import { checkId, type Topics } from './topics.ts';

export interface DeviceInfo {
  /** Stable across reflash: derived from the board serial or the DID, never the hostname. */
  readonly identifier: string;
  readonly name: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly swVersion: string;
  readonly configurationUrl?: string;
}

/** What discovery needs to know of a driver (not the driver itself: this module stays pure). */
export interface DriverDescription {
  readonly id: string;
  readonly quantities: readonly Quantity[];
  readonly intervalMs: number;
}

export interface AvailabilityEntry {
  readonly topic: string;
  readonly payload_available: string;
  readonly payload_not_available: string;
  readonly value_template?: string;
}

export interface DiscoveryComponent {
  readonly platform: 'sensor' | 'binary_sensor';
  readonly unique_id: string;
  readonly name: string;
  readonly state_topic: string;
  readonly value_template: string;
  readonly json_attributes_topic?: string;
  readonly json_attributes_template?: string;
  readonly device_class?: string;
  readonly state_class?: 'measurement';
  readonly unit_of_measurement?: string;
  readonly suggested_display_precision?: number;
  readonly payload_on?: string;
  readonly payload_off?: string;
  readonly expire_after: number;
  readonly entity_category?: 'diagnostic';
  readonly availability: readonly AvailabilityEntry[];
  readonly availability_mode: 'all';
}

export interface DeviceDiscovery {
  readonly device: {
    readonly identifiers: readonly string[];
    readonly name: string;
    readonly manufacturer?: string;
    readonly model?: string;
    readonly sw_version: string;
    readonly configuration_url?: string;
  };
  readonly origin: { readonly name: string; readonly sw_version: string; readonly support_url: string };
  readonly components: Readonly<Record<string, DiscoveryComponent>>;
  readonly qos: 1;
}

const QUANTITY_NAMES: Readonly<Record<Quantity, string>> = {
  temperature: 'Temperature',
  humidity: 'Humidity',
  pressure: 'Pressure',
  pm1: 'PM1',
  pm25: 'PM2.5',
  pm10: 'PM10',
  co2: 'CO2',
  state: 'State',
  throttled: 'Throttled',
};

export function uniqueId(nodeId: string, ...parts: string[]): string {
  return ['ip2', nodeId, ...parts].join('_');
}

function agentAvailability(topics: Topics): AvailabilityEntry {
  return { topic: topics.availability, payload_available: PAYLOAD_ONLINE, payload_not_available: PAYLOAD_OFFLINE };
}

/** Per-sensor health as availability: only `ok` counts as available (research §4.5). */
function healthAvailability(topics: Topics, driverId: string): AvailabilityEntry {
  return {
    topic: topics.health(driverId),
    payload_available: PAYLOAD_ONLINE,
    payload_not_available: PAYLOAD_OFFLINE,
    value_template: `{{ '${PAYLOAD_ONLINE}' if value == 'ok' else '${PAYLOAD_OFFLINE}' }}`,
  };
}

function measurementComponent(topics: Topics, nodeId: string, d: DriverDescription, q: Quantity): DiscoveryComponent {
  const cls = HA_SENSOR_CLASSES[q];
  const common = {
    unique_id: uniqueId(nodeId, d.id, q),
    name: `${d.id} ${QUANTITY_NAMES[q]}`,
    state_topic: topics.state(d.id),
    json_attributes_topic: topics.state(d.id),
    json_attributes_template: '{{ {"at": value_json.at, "quality": value_json.quality} | tojson }}',
    expire_after: Math.max(1, Math.ceil((d.intervalMs * EXPIRE_AFTER_FACTOR) / 1000)),
    availability: [agentAvailability(topics), healthAvailability(topics, d.id)],
    availability_mode: 'all' as const,
    ...(cls.device_class === null ? {} : { device_class: cls.device_class }),
  };
  if (cls.component === 'binary_sensor') {
    return {
      ...common,
      platform: 'binary_sensor',
      value_template: `{{ 'ON' if value_json['values']['${q}'] else 'OFF' }}`,
      payload_on: 'ON',
      payload_off: 'OFF',
    };
  }
  return {
    ...common,
    platform: 'sensor',
    value_template: `{{ value_json['values']['${q}'] }}`,
    ...(cls.state_class === null ? {} : { state_class: cls.state_class }),
    unit_of_measurement: cls.unit,
    suggested_display_precision: cls.precision,
  };
}

type DiagnosticKey = 'cpu_temperature' | 'throttled' | 'uptime' | 'version' | 'assurance' | 'outbox_dropped';

interface DiagnosticSpec {
  readonly name: string;
  readonly platform: 'sensor' | 'binary_sensor';
  readonly device_class?: string;
  readonly unit?: string;
  readonly state_class?: 'measurement';
}

const DIAGNOSTICS: Readonly<Record<DiagnosticKey, DiagnosticSpec>> = {
  cpu_temperature: { name: 'CPU temperature', platform: 'sensor', device_class: 'temperature', unit: '°C', state_class: 'measurement' },
  throttled: { name: 'Throttled', platform: 'binary_sensor', device_class: 'problem' },
  uptime: { name: 'Uptime', platform: 'sensor', device_class: 'duration', unit: 's' },
  version: { name: 'Agent version', platform: 'sensor' },
  assurance: { name: 'Identity assurance', platform: 'sensor' },
  outbox_dropped: { name: 'Outbox dropped', platform: 'sensor' },
};

function diagnosticComponent(topics: Topics, nodeId: string, key: DiagnosticKey): DiscoveryComponent {
  const s = DIAGNOSTICS[key];
  const binary = s.platform === 'binary_sensor';
  return {
    platform: s.platform,
    unique_id: uniqueId(nodeId, 'diag', key),
    name: s.name,
    state_topic: topics.diagnostics,
    value_template: binary ? `{{ 'ON' if value_json.${key} else 'OFF' }}` : `{{ value_json.${key} }}`,
    expire_after: Math.ceil((DIAGNOSTICS_INTERVAL_MS * EXPIRE_AFTER_FACTOR) / 1000),
    entity_category: 'diagnostic',
    availability: [agentAvailability(topics)],
    availability_mode: 'all',
    ...(s.device_class === undefined ? {} : { device_class: s.device_class }),
    ...(s.unit === undefined ? {} : { unit_of_measurement: s.unit }),
    ...(s.state_class === undefined ? {} : { state_class: s.state_class }),
    ...(binary ? { payload_on: 'ON', payload_off: 'OFF' } : {}),
  };
}

/** The one retained payload for `<prefix>/device/<node_id>/config`. */
export function buildDeviceDiscovery(
  topics: Topics,
  nodeId: string,
  device: DeviceInfo,
  drivers: readonly DriverDescription[],
): DeviceDiscovery {
  const components: Record<string, DiscoveryComponent> = {};
  for (const d of drivers) {
    checkId(d.id, 'driver id');
    for (const q of d.quantities) {
      const c = measurementComponent(topics, nodeId, d, q);
      components[c.unique_id] = c;
    }
  }
  for (const key of Object.keys(DIAGNOSTICS) as DiagnosticKey[]) {
    const c = diagnosticComponent(topics, nodeId, key);
    components[c.unique_id] = c;
  }
  return {
    device: {
      identifiers: [uniqueId(checkId(device.identifier, 'device identifier'))],
      name: device.name,
      sw_version: device.swVersion,
      ...(device.manufacturer === undefined ? {} : { manufacturer: device.manufacturer }),
      ...(device.model === undefined ? {} : { model: device.model }),
      ...(device.configurationUrl === undefined ? {} : { configuration_url: device.configurationUrl }),
    },
    origin: { name: ORIGIN_NAME, sw_version: device.swVersion, support_url: SUPPORT_URL },
    components,
    qos: 1,
  };
}
