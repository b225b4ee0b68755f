// BME280 failures use the shared driver codes: WRONG_CHIP, OUT_OF_RANGE, TIMEOUT, IO, NOT_FOUND.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
