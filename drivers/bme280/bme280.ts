import { sleep } from '../clock.ts';
import { DriverError } from '../errors.ts';
import { createPolledDriver, type Measurement } from '../polled.ts';
import type { Clock, Driver } from '../port.ts';
import {
  CALIB_H_BYTES, CALIB_TP_BYTES, CHIP_ID_BME280, CHIP_ID_BMP280, CTRL_HUM_X1, CTRL_MEAS_X1_FORCED, DATA_BYTES,
  MAX_C, MAX_HPA, MEASURE_MAX_MS, MEASURE_POLL_MS, MIN_C, MIN_HPA, REG_CALIB_H, REG_CALIB_TP, REG_CTRL_HUM,
  REG_CTRL_MEAS, REG_DATA, REG_ID, REG_STATUS, STATUS_MEASURING,
} from './constants.ts';
import { compensateHumidityInt, compensatePressureInt64, compensateTemperatureInt, parseCalibration, parseRawData, type Calibration } from './compensation.ts';
import type { I2cBus } from './i2c-port.ts';

export interface Bme280I2cOptions {
  readonly id: string;
  readonly bus: I2cBus;
  /** 0x76 or 0x77. */
  readonly address: number;
  readonly clock: Clock;
  readonly staleAfterMs?: number;
}

interface Chip {
  readonly humidity: boolean;
  readonly cal: Calibration;
}

async function identify(bus: I2cBus, address: number): Promise<Chip> {
  const id = (await bus.read(address, REG_ID, 1))[0];
  if (id !== CHIP_ID_BME280 && id !== CHIP_ID_BMP280) {
    throw new DriverError('WRONG_CHIP', `0x${address.toString(16)}: chip id 0x${(id ?? 0).toString(16)} is neither BME280 (0x60) nor BMP280 (0x58)`);
  }
  const humidity = id === CHIP_ID_BME280;
  const tp = await bus.read(address, REG_CALIB_TP, CALIB_TP_BYTES);
  const hum = humidity ? await bus.read(address, REG_CALIB_H, CALIB_H_BYTES) : null;
  return { humidity, cal: parseCalibration(tp, hum) };
}

/** One forced-mode measurement (§3.3.3): configure, wait for `measuring` to clear, burst-read. */
async function forcedMeasurement(bus: I2cBus, address: number, chip: Chip, clock: Clock): Promise<Measurement> {
  if (chip.humidity) await bus.writeByte(address, REG_CTRL_HUM, CTRL_HUM_X1);
  await bus.writeByte(address, REG_CTRL_MEAS, CTRL_MEAS_X1_FORCED);
  for (let waited = 0; ; waited += MEASURE_POLL_MS) {
    const status = (await bus.read(address, REG_STATUS, 1))[0] ?? 0;
    if ((status & STATUS_MEASURING) === 0) break;
    if (waited >= MEASURE_MAX_MS) throw new DriverError('TIMEOUT', `0x${address.toString(16)}: still measuring after ${MEASURE_MAX_MS} ms`);
    await sleep(clock, MEASURE_POLL_MS);
  }
  const raw = parseRawData(await bus.read(address, REG_DATA, DATA_BYTES));
  const { tFine, centiC } = compensateTemperatureInt(raw.adcT, chip.cal);
  const hPa = compensatePressureInt64(raw.adcP, tFine, chip.cal) / 256 / 100;
  const t = centiC / 100;
  if (t < MIN_C || t > MAX_C || hPa < MIN_HPA || hPa > MAX_HPA) {
    throw new DriverError('OUT_OF_RANGE', `0x${address.toString(16)}: ${t} °C / ${hPa.toFixed(1)} hPa is outside the operating range`);
  }
  const m: Measurement = { temperature: t, pressure: Math.round(hPa * 100) / 100 };
  if (chip.humidity && chip.cal.H !== undefined) {
    m.humidity = Math.round((compensateHumidityInt(raw.adcH, tFine, chip.cal.H) / 1024) * 100) / 100;
  }
  return m;
}

/**
 * BME280 (or BMP280) on a userspace I²C bus: chip id check and calibration read on first use,
 * then forced-mode measurements with the §4.2.3 integer compensation.
 */
export async function openBme280I2c(opts: Bme280I2cOptions): Promise<Driver> {
  const chip = await identify(opts.bus, opts.address);
  return createPolledDriver({
    id: opts.id,
    kind: 'bme280-i2c',
    quantities: chip.humidity ? ['temperature', 'humidity', 'pressure'] : ['temperature', 'pressure'],
    clock: opts.clock,
    measure: () => forcedMeasurement(opts.bus, opts.address, chip, opts.clock),
    retryDelayMs: 10,
    ...(opts.staleAfterMs === undefined ? {} : { staleAfterMs: opts.staleAfterMs }),
    close: () => opts.bus.close(),
  });
}
