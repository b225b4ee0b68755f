import { describe, expect, it } from 'vitest';
import { buildDeviceDiscovery, type DeviceInfo } from '../../agent/mqtt/discovery.ts';
import { isMqttError } from '../../agent/mqtt/errors.ts';
import { topicsFor } from '../../agent/mqtt/topics.ts';

const topics = topicsFor({ baseTopic: 'ip2', discoveryPrefix: 'homeassistant', nodeId: 'pi-1' });
const device: DeviceInfo = { identifier: '10000000abcdef', name: 'Kitchen Pi', manufacturer: 'Raspberry Pi', model: 'Pi 4B', swVersion: '0.1.0' };
const drivers = [
  { id: 'bme', quantities: ['temperature', 'humidity', 'pressure'] as const, intervalMs: 30_000 },
  { id: 'pms', quantities: ['pm25', 'pm10'] as const, intervalMs: 60_000 },
  { id: 'door', quantities: ['state'] as const, intervalMs: 10_000 },
];

describe('topics', () => {
  it('derives every topic from the config once', () => {
    expect(topics.discovery).toBe('homeassistant/device/pi-1/config');
    expect(topics.availability).toBe('ip2/pi-1/availability');
    expect(topics.haStatus).toBe('homeassistant/status');
    expect(topics.state('bme')).toBe('ip2/pi-1/bme/state');
    expect(topics.health('bme')).toBe('ip2/pi-1/bme/health');
    expect(topics.intent).toBe('ip2/pi-1/intent');
    expect(topicsFor({ baseTopic: 'home/agents', discoveryPrefix: 'ha', nodeId: 'x' }).discovery).toBe('ha/device/x/config');
  });

  it('refuses ids and prefixes HA or MQTT would not accept, at start-up', () => {
    for (const nodeId of ['', 'a b', 'a/b', 'a+', 'é', 'x'.repeat(65)]) {
      expect(() => topicsFor({ baseTopic: 'ip2', discoveryPrefix: 'homeassistant', nodeId })).toThrow(expect.objectContaining({ code: 'BAD_ID' }) as Error);
    }
    for (const prefix of ['', '/ha', 'ha/', 'a//b', 'ha/#', '+']) {
      let err: unknown;
      try {
        topicsFor({ baseTopic: 'ip2', discoveryPrefix: prefix, nodeId: 'n' });
      } catch (e) {
        err = e;
      }
      expect(isMqttError(err, 'BAD_CONFIG')).toBe(true);
    }
    expect(() => topics.state('bad id')).toThrow();
  });
});

describe('device discovery payload (HA DEVICE_DISCOVERY_SCHEMA)', () => {
  const d = buildDeviceDiscovery(topics, 'pi-1', device, drivers);

  it('has device identifiers, origin with name, and qos', () => {
    expect(d.device).toEqual({ identifiers: ['ip2_10000000abcdef'], name: 'Kitchen Pi', manufacturer: 'Raspberry Pi', model: 'Pi 4B', sw_version: '0.1.0' });
    expect(d.origin.name).toBe('ip2-agent');
    expect(d.origin.sw_version).toBe('0.1.0');
    expect(d.qos).toBe(1);
  });

  it('gives each measurement one component with HA class, unit, precision, state class', () => {
    const t = d.components['ip2_pi-1_bme_temperature'];
    expect(t).toMatchObject({
      platform: 'sensor',
      unique_id: 'ip2_pi-1_bme_temperature',
      device_class: 'temperature',
      unit_of_measurement: '°C',
      state_class: 'measurement',
      suggested_display_precision: 1,
      state_topic: 'ip2/pi-1/bme/state',
      value_template: "{{ value_json['values']['temperature'] }}",
      expire_after: 90,
      availability_mode: 'all',
    });
    expect(d.components['ip2_pi-1_bme_pressure']).toMatchObject({ device_class: 'atmospheric_pressure', unit_of_measurement: 'hPa' });
    expect(d.components['ip2_pi-1_bme_humidity']).toMatchObject({ device_class: 'humidity', unit_of_measurement: '%', suggested_display_precision: 0 });
    expect(d.components['ip2_pi-1_pms_pm25']).toMatchObject({ device_class: 'pm25', unit_of_measurement: 'µg/m³', expire_after: 180 });
    const door = d.components['ip2_pi-1_door_state'];
    expect(door).toMatchObject({ platform: 'binary_sensor', payload_on: 'ON', payload_off: 'OFF' });
    expect(door).not.toHaveProperty('unit_of_measurement');
    expect(door).not.toHaveProperty('device_class');
  });

  it('makes a sensor available only while the agent is online and its driver healthy', () => {
    const t = d.components['ip2_pi-1_pms_pm10'];
    expect(t?.availability).toEqual([
      { topic: 'ip2/pi-1/availability', payload_available: 'online', payload_not_available: 'offline' },
      {
        topic: 'ip2/pi-1/pms/health',
        payload_available: 'online',
        payload_not_available: 'offline',
        value_template: "{{ 'online' if value == 'ok' else 'offline' }}",
      },
    ]);
  });

  it('has diagnostic entities', () => {
    const diag = Object.values(d.components).filter((c) => c.entity_category === 'diagnostic');
    expect(diag.map((c) => c.unique_id).sort()).toEqual(
      ['assurance', 'cpu_temperature', 'outbox_dropped', 'throttled', 'uptime', 'version'].map((k) => `ip2_pi-1_diag_${k}`),
    );
    expect(d.components['ip2_pi-1_diag_cpu_temperature']).toMatchObject({ device_class: 'temperature', unit_of_measurement: '°C', state_topic: 'ip2/pi-1/diagnostics/state' });
    expect(d.components['ip2_pi-1_diag_throttled']).toMatchObject({ platform: 'binary_sensor', device_class: 'problem' });
    expect(d.components['ip2_pi-1_diag_uptime']).toMatchObject({ device_class: 'duration', unit_of_measurement: 's' });
  });

  it('every component key is its unique_id and matches the HA id charset; all are JSON-clean', () => {
    for (const [k, c] of Object.entries(d.components)) {
      expect(k).toBe(c.unique_id);
      expect(k).toMatch(/^[a-zA-Z0-9_-]+$/);
    }
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('removing a driver removes its components', () => {
    const fewer = buildDeviceDiscovery(topics, 'pi-1', device, drivers.filter((x) => x.id !== 'pms'));
    expect(Object.keys(fewer.components).some((k) => k.includes('_pms_'))).toBe(false);
    expect(Object.keys(d.components).length - Object.keys(fewer.components).length).toBe(2);
  });
});
