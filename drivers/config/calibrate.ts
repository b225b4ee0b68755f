import type { Driver, Quantity, Reading } from '../port.ts';
import type { DriverSpec } from './spec.ts';

/** °C → °F (exact definition: °F = °C × 9/5 + 32). */
export const celsiusToFahrenheit = (c: number): number => (c * 9) / 5 + 32;

/** Applies a spec's calibration and temperature unit to every reading of `driver`. */
export function withCalibration(driver: Driver, spec: Pick<DriverSpec, 'calibration' | 'temperatureUnit'>): Driver {
  const cal = spec.calibration ?? {};
  const fahrenheit = spec.temperatureUnit === '°F';
  if (Object.keys(cal).length === 0 && !fahrenheit) return driver;
  const map = (r: Reading): Reading => {
    const c = cal[r.quantity];
    let value = c === undefined ? r.value : r.value * c.scale + c.offset;
    let unit = r.unit;
    if (fahrenheit && r.quantity === 'temperature' && r.unit === '°C') {
      value = celsiusToFahrenheit(value);
      unit = '°F';
    }
    return { ...r, value: Math.round(value * 1000) / 1000, unit };
  };
  return {
    ...driver,
    read: async (q?: Quantity, o?) => map(await driver.read(q, o)),
    readAll: async (o?) => (await driver.readAll(o)).map(map),
  };
}
