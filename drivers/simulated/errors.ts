// The simulator reports failures with the shared driver codes (CHECKSUM, TIMEOUT) so that
// consumers exercise the same branches as with real hardware.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
