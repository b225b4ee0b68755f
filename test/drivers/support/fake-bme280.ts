import type { I2cBus } from '../../../drivers/bme280/index.ts';
import { DriverError } from '../../../drivers/errors.ts';

/** BMP280 datasheet §3.12 worked example: trimming values, raw ADC values. */
export const WORKED_EXAMPLE = {
  cal: { T1: 27504, T2: 26435, T3: -1000, P1: 36477, P2: -10685, P3: 3024, P4: 2855, P5: 140, P6: -7, P7: 15500, P8: -14600, P9: 6000 },
  adcT: 519888,
  adcP: 415148,
  /** Results printed in the example: t_fine, T in °C, p in Pa. */
  tFine: 128422,
  celsius: 25.08,
  pascal: 100653.27,
};

/** Humidity trimming of plausible magnitude (no datasheet example exists for humidity). */
export const HUMIDITY_CAL = { H1: 75, H2: 362, H3: 0, H4: 313, H5: 50, H6: 30 };

/**
 * An in-memory BME280 register file (datasheet §5.3 memory map) answering on one address:
 * id, calibration in the Table 16 layout, a data burst, and a `measuring` bit that stays set
 * for `busyPolls` status reads after each forced-mode trigger. Records every write.
 */
export class FakeBme280 implements I2cBus {
  readonly regs = new Uint8Array(256);
  readonly writes: [number, number][] = [];
  busyPolls = 1;
  #busy = 0;
  closed = false;

  constructor(readonly address: number, chipId = 0x60, adcH = 0x6500) {
    const c = WORKED_EXAMPLE.cal;
    this.regs[0xd0] = chipId;
    const words = [c.T1, c.T2, c.T3, c.P1, c.P2, c.P3, c.P4, c.P5, c.P6, c.P7, c.P8, c.P9];
    words.forEach((w, i) => {
      this.regs[0x88 + 2 * i] = w & 0xff;
      this.regs[0x89 + 2 * i] = (w >> 8) & 0xff;
    });
    const h = HUMIDITY_CAL;
    this.regs[0xa1] = h.H1;
    this.regs[0xe1] = h.H2 & 0xff;
    this.regs[0xe2] = (h.H2 >> 8) & 0xff;
    this.regs[0xe3] = h.H3;
    this.regs[0xe4] = (h.H4 >> 4) & 0xff;
    this.regs[0xe5] = (h.H4 & 0x0f) | ((h.H5 & 0x0f) << 4);
    this.regs[0xe6] = (h.H5 >> 4) & 0xff;
    this.regs[0xe7] = h.H6 & 0xff;
    this.setRaw(WORKED_EXAMPLE.adcT, WORKED_EXAMPLE.adcP, adcH);
  }

  setRaw(adcT: number, adcP: number, adcH: number): void {
    const put20 = (at: number, v: number): void => {
      this.regs[at] = (v >> 12) & 0xff;
      this.regs[at + 1] = (v >> 4) & 0xff;
      this.regs[at + 2] = (v & 0x0f) << 4;
    };
    put20(0xf7, adcP);
    put20(0xfa, adcT);
    this.regs[0xfd] = (adcH >> 8) & 0xff;
    this.regs[0xfe] = adcH & 0xff;
  }

  read(address: number, register: number, length: number): Promise<Uint8Array> {
    if (address !== this.address) return Promise.reject(new DriverError('NOT_FOUND', `no ACK from 0x${address.toString(16)}`));
    if (register === 0xf3 && length === 1) {
      const busy = this.#busy > 0;
      if (busy) this.#busy -= 1;
      return new Promise((r) => setImmediate(() => r(Uint8Array.of(busy ? 0x08 : 0))));
    }
    return new Promise((r) => setImmediate(() => r(this.regs.slice(register, register + length))));
  }

  writeByte(address: number, register: number, value: number): Promise<void> {
    if (address !== this.address) return Promise.reject(new DriverError('NOT_FOUND', `no ACK from 0x${address.toString(16)}`));
    this.writes.push([register, value]);
    if (register === 0xf4 && (value & 0x03) === 0x01) this.#busy = this.busyPolls;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
