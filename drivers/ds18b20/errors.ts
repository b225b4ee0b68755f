// DS18B20 failures use the shared driver codes: CHECKSUM (crc NO), POWER_ON_VALUE (85 °C),
// OUT_OF_RANGE, BAD_FRAME, NOT_FOUND, IO.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
