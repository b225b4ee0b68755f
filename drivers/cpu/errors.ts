// CPU temperature failures use the shared driver codes: NOT_FOUND, IO, BAD_FRAME, OUT_OF_RANGE.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
