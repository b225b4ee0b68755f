import { Ip2Error } from '../agent/errors.ts';

/**
 * Stable codes of driver failures. Callers branch on these, never on messages.
 * - TIMEOUT: nothing valid arrived within the read timeout.
 * - CHECKSUM: a frame or CRC check failed (counted; never a reading).
 * - BAD_FRAME: bytes or text that do not have the documented shape.
 * - POWER_ON_VALUE: DS18B20 reported its power-on reset value (85 °C) instead of a conversion.
 * - OUT_OF_RANGE: a value outside the sensor's datasheet measuring range.
 * - NOT_FOUND: the device, file, chip or line does not exist.
 * - IO: the kernel or a tool reported an error reading or writing.
 * - WRONG_CHIP: a chip id register did not hold the expected value.
 * - UNSUPPORTED: the driver does not offer this quantity or operation.
 * - CLOSED: the driver was closed.
 */
export type DriverErrorCode =
  | 'TIMEOUT'
  | 'CHECKSUM'
  | 'BAD_FRAME'
  | 'POWER_ON_VALUE'
  | 'OUT_OF_RANGE'
  | 'NOT_FOUND'
  | 'IO'
  | 'WRONG_CHIP'
  | 'UNSUPPORTED'
  | 'CLOSED';

export class DriverError extends Ip2Error {
  override readonly name = 'DriverError';
  constructor(
    readonly code: DriverErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    // A sensor failing is not the user's input being wrong.
    super(message, { cause: options?.cause, badInput: false });
  }

  /** True for `CLOSED`, mirroring serialport's `canceled` marker. */
  get canceled(): boolean {
    return this.code === 'CLOSED';
  }
}

export function isDriverError(err: unknown, code?: DriverErrorCode): err is DriverError {
  return err instanceof DriverError && (code === undefined || err.code === code);
}
