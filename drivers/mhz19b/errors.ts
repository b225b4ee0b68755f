// MH-Z19B failures use the shared driver codes: CHECKSUM, TIMEOUT, OUT_OF_RANGE, CLOSED.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
