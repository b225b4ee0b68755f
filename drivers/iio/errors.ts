// IIO failures use the shared driver codes: NOT_FOUND (no device with that name), IO (EIO,
// ETIMEDOUT, EAGAIN from the kernel driver; retried), BAD_FRAME, OUT_OF_RANGE.
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
