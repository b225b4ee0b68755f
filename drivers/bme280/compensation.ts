/**
 * BME280 compensation (datasheet §4.2.3, integer; §8.1, double precision as a reference).
 * Written from the published formulas; the BMP280 datasheet §3.12 worked example is the test
 * vector (test/drivers/bme280.test.ts). Arithmetic right shifts of the datasheet's 32-bit code
 * are done as floor-divisions on doubles (exact below 2^53); the 64-bit pressure path uses BigInt.
 */
export interface Calibration {
  readonly T1: number; readonly T2: number; readonly T3: number;
  readonly P1: number; readonly P2: number; readonly P3: number; readonly P4: number; readonly P5: number;
  readonly P6: number; readonly P7: number; readonly P8: number; readonly P9: number;
  /** Humidity trimming; absent on a BMP280. */
  readonly H?: { readonly H1: number; readonly H2: number; readonly H3: number; readonly H4: number; readonly H5: number; readonly H6: number };
}

const sr = (x: number, n: number): number => Math.floor(x / 2 ** n);

/** §4.2.3 BME280_compensate_T_int32: returns t_fine and T in 0.01 °C. */
export function compensateTemperatureInt(adcT: number, c: Calibration): { tFine: number; centiC: number } {
  const var1 = sr((sr(adcT, 3) - c.T1 * 2) * c.T2, 11);
  const d = sr(adcT, 4) - c.T1;
  const var2 = sr(sr(d * d, 12) * c.T3, 14);
  const tFine = var1 + var2;
  return { tFine, centiC: sr(tFine * 5 + 128, 8) };
}

/** §4.2.3 BME280_compensate_P_int64: pressure in Pa as Q24.8 (divide by 256), 0 if undefined. */
export function compensatePressureInt64(adcP: number, tFine: number, c: Calibration): number {
  const B = BigInt;
  let var1 = B(tFine) - 128000n;
  let var2 = var1 * var1 * B(c.P6);
  var2 += (var1 * B(c.P5)) << 17n;
  var2 += B(c.P4) << 35n;
  var1 = ((var1 * var1 * B(c.P3)) >> 8n) + ((var1 * B(c.P2)) << 12n);
  var1 = (((1n << 47n) + var1) * B(c.P1)) >> 33n;
  if (var1 === 0n) return 0; // avoid division by zero, as the datasheet does
  let p = 1048576n - B(adcP);
  p = (((p << 31n) - var2) * 3125n) / var1;
  var1 = (B(c.P9) * (p >> 13n) * (p >> 13n)) >> 25n;
  var2 = (B(c.P8) * p) >> 19n;
  p = ((p + var1 + var2) >> 8n) + (B(c.P7) << 4n);
  return Number(p);
}

/** §4.2.3 bme280_compensate_H_int32: %RH as Q22.10 (divide by 1024), clamped to 0..100 %. */
export function compensateHumidityInt(adcH: number, tFine: number, h: NonNullable<Calibration['H']>): number {
  let v = tFine - 76800;
  const a = sr(adcH * 2 ** 14 - h.H4 * 2 ** 20 - h.H5 * v + 16384, 15);
  const x = sr(sr(v * h.H6, 10) * (sr(v * h.H3, 11) + 32768), 10) + 2097152;
  const b = sr(x * h.H2 + 8192, 14);
  v = a * b;
  v -= sr(sr(sr(v, 15) * sr(v, 15), 7) * h.H1, 4);
  v = Math.min(419430400, Math.max(0, v));
  return sr(v, 12);
}

/** §8.1 double-precision reference: °C, Pa, %RH. */
export function compensateDouble(adcT: number, adcP: number, adcH: number | null, c: Calibration): { t: number; p: number; h: number | null } {
  let var1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  const dt = adcT / 131072 - c.T1 / 8192;
  let var2 = dt * dt * c.T3;
  const tFine = var1 + var2;
  const t = tFine / 5120;
  var1 = tFine / 2 - 64000;
  var2 = (var1 * var1 * c.P6) / 32768;
  var2 += var1 * c.P5 * 2;
  var2 = var2 / 4 + c.P4 * 65536;
  var1 = ((c.P3 * var1 * var1) / 524288 + c.P2 * var1) / 524288;
  var1 = (1 + var1 / 32768) * c.P1;
  let p = 0;
  if (var1 !== 0) {
    p = 1048576 - adcP;
    p = ((p - var2 / 4096) * 6250) / var1;
    p += ((c.P9 * p * p) / 2147483648 + (p * c.P8) / 32768 + c.P7) / 16;
  }
  if (adcH === null || c.H === undefined) return { t, p, h: null };
  const H = c.H;
  let vh = tFine - 76800;
  vh = (adcH - (H.H4 * 64 + (H.H5 / 16384) * vh)) * ((H.H2 / 65536) * (1 + (H.H6 / 67108864) * vh * (1 + (H.H3 / 67108864) * vh)));
  vh *= 1 - (H.H1 * vh) / 524288;
  return { t, p, h: Math.min(100, Math.max(0, vh)) };
}

const u16 = (b: Uint8Array, i: number): number => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const s16 = (b: Uint8Array, i: number): number => (u16(b, i) << 16) >> 16;
const s8 = (v: number): number => (v << 24) >> 24;

/** §4.2.2 Table 16: parses calib00..25 (0x88–0xA1) and, for a BME280, calib26..32 (0xE1–0xE7). */
export function parseCalibration(tp: Uint8Array, hum: Uint8Array | null): Calibration {
  if (tp.length !== 26 || (hum !== null && hum.length !== 7)) throw new RangeError('calibration blocks must be 26 and 7 bytes');
  const H =
    hum === null
      ? undefined
      : {
          H1: tp[25] ?? 0,
          H2: s16(hum, 0),
          H3: hum[2] ?? 0,
          H4: s8(hum[3] ?? 0) * 16 + ((hum[4] ?? 0) & 0x0f),
          H5: s8(hum[5] ?? 0) * 16 + ((hum[4] ?? 0) >> 4),
          H6: s8(hum[6] ?? 0),
        };
  return {
    T1: u16(tp, 0), T2: s16(tp, 2), T3: s16(tp, 4),
    P1: u16(tp, 6), P2: s16(tp, 8), P3: s16(tp, 10), P4: s16(tp, 12), P5: s16(tp, 14),
    P6: s16(tp, 16), P7: s16(tp, 18), P8: s16(tp, 20), P9: s16(tp, 22),
    ...(H === undefined ? {} : { H }),
  };
}

/** §4 / Table 18: the 8-byte burst press[19:0], temp[19:0], hum[15:0]. */
export function parseRawData(d: Uint8Array): { adcP: number; adcT: number; adcH: number } {
  if (d.length !== 8) throw new RangeError('data burst must be 8 bytes');
  const x20 = (i: number): number => ((d[i] ?? 0) << 12) | ((d[i + 1] ?? 0) << 4) | ((d[i + 2] ?? 0) >> 4);
  return { adcP: x20(0), adcT: x20(3), adcH: ((d[6] ?? 0) << 8) | (d[7] ?? 0) };
}
