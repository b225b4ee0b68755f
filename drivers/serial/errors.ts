// Link failures use the shared driver codes: NOT_FOUND, IO, CLOSED.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
