// PMS5003 failures use the shared driver codes: CHECKSUM (counted, frame dropped), TIMEOUT,
// OUT_OF_RANGE, CLOSED.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
