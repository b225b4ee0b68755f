/**
 * The I²C port the register-level BME280 driver needs. Types only.
 * Contract: `read` returns exactly `length` bytes starting at register `register` of device
 * `address` (auto-increment, as the BME280 does for bursts, §6.2.2) or rejects with a
 * DriverError (`IO`, or `NOT_FOUND` when no device acknowledges). `writeByte` writes one register.
 * Real adapter: `i2c-bus` (not a dependency yet) or any SMBus binding; fake: test/drivers/support.
 */
export interface I2cBus {
  read(address: number, register: number, length: number): Promise<Uint8Array>;
  writeByte(address: number, register: number, value: number): Promise<void>;
  close(): Promise<void>;
}
