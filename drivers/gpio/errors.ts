// GPIO failures use the shared driver codes: NOT_FOUND (chip, line or tool), IO, CLOSED.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
