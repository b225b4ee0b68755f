export { openBme280I2c, type Bme280I2cOptions } from './bme280.ts';
export type { I2cBus } from './i2c-port.ts';
export {
  compensateDouble, compensateHumidityInt, compensatePressureInt64, compensateTemperatureInt, parseCalibration, parseRawData, type Calibration,
} from './compensation.ts';
export { createBme280IioDriver, type Bme280IioOptions } from './iio.ts';
