import type { Quantity, Unit } from './port.ts';

/**
 * Quantity → Home Assistant sensor metadata, for MQTT discovery (DESIGN.md §7).
 * device_class and unit values follow HA's `SensorDeviceClass` / `UnitOfTemperature` etc. as
 * documented in home-assistant.io `source/_integrations/sensor.markdown`; `precision` is
 * `suggested_display_precision`. `component` is the HA platform the entity belongs to.
 */
export interface HaSensorClass {
  readonly component: 'sensor' | 'binary_sensor';
  /** null: HA has no device class for it (a plain sensor). */
  readonly device_class: string | null;
  readonly unit: Unit;
  readonly state_class: 'measurement' | null;
  readonly precision: number;
}

export const HA_SENSOR_CLASSES: Readonly<Record<Quantity, HaSensorClass>> = {
  temperature: { component: 'sensor', device_class: 'temperature', unit: '°C', state_class: 'measurement', precision: 1 },
  humidity: { component: 'sensor', device_class: 'humidity', unit: '%', state_class: 'measurement', precision: 0 },
  pressure: { component: 'sensor', device_class: 'atmospheric_pressure', unit: 'hPa', state_class: 'measurement', precision: 1 },
  pm1: { component: 'sensor', device_class: 'pm1', unit: 'µg/m³', state_class: 'measurement', precision: 0 },
  pm25: { component: 'sensor', device_class: 'pm25', unit: 'µg/m³', state_class: 'measurement', precision: 0 },
  pm10: { component: 'sensor', device_class: 'pm10', unit: 'µg/m³', state_class: 'measurement', precision: 0 },
  co2: { component: 'sensor', device_class: 'carbon_dioxide', unit: 'ppm', state_class: 'measurement', precision: 0 },
  state: { component: 'binary_sensor', device_class: null, unit: '', state_class: null, precision: 0 },
  throttled: { component: 'binary_sensor', device_class: 'problem', unit: '', state_class: null, precision: 0 },
};

/** The canonical unit of each quantity (what drivers produce before any °F conversion). */
export function canonicalUnit(q: Quantity): Unit {
  return HA_SENSOR_CLASSES[q].unit;
}
