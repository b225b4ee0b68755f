// DHT22 failures use the shared driver codes; the kernel's EIO/ETIMEDOUT/EAGAIN map to IO (retried).
export { DriverError, isDriverError, type DriverErrorCode } from '../errors.ts';
