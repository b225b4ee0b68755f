/**
 * Bosch BME280 datasheet BST-BME280-DS002 (and BMP280 BST-BMP280-DS001 for the shared T/P parts).
 * Section numbers below refer to the BME280 datasheet unless marked.
 */
/** §6.2: I²C address 0x76 (SDO to GND) or 0x77 (SDO to VDDIO). */
export const I2C_ADDRESSES: readonly number[] = [0x76, 0x77];
/** §5.4.1 register `id` (0xD0): 0x60 for BME280; BMP280 datasheet §4.3.1: 0x58. */
export const REG_ID = 0xd0;
export const CHIP_ID_BME280 = 0x60;
export const CHIP_ID_BMP280 = 0x58;
/** §5.4.2 `reset`: writing 0xB6 resets the device. */
export const REG_RESET = 0xe0;
export const RESET_WORD = 0xb6;
/** §5.4.3 `ctrl_hum` (only effective after a write to ctrl_meas). */
export const REG_CTRL_HUM = 0xf2;
/** §5.4.4 `status`: bit 3 `measuring`. */
export const REG_STATUS = 0xf3;
export const STATUS_MEASURING = 0x08;
/** §5.4.5 `ctrl_meas`: osrs_t[7:5], osrs_p[4:2], mode[1:0] (01 forced). */
export const REG_CTRL_MEAS = 0xf4;
/** Oversampling ×1 for T, P and H; forced mode (§3.5.1 "weather monitoring" settings). */
export const CTRL_HUM_X1 = 0x01;
export const CTRL_MEAS_X1_FORCED = (0b001 << 5) | (0b001 << 2) | 0b01;
/** §5.4.7–5.4.9: press_msb 0xF7 … hum_lsb 0xFE, read in one burst (§4 "data readout"). */
export const REG_DATA = 0xf7;
export const DATA_BYTES = 8;
/** §4.2.2 Table 16: calib00..calib25 at 0x88–0xA1, calib26..calib41 at 0xE1–0xF0. */
export const REG_CALIB_TP = 0x88;
export const CALIB_TP_BYTES = 26;
export const REG_CALIB_H = 0xe1;
export const CALIB_H_BYTES = 7;
/** Appendix B §9.1: t_measure,max with ×1 oversampling is about 9.3 ms; poll every 2 ms, give up after 50 ms. */
export const MEASURE_POLL_MS = 2;
export const MEASURE_MAX_MS = 50;
/** §1 / Table 1: operating range −40…85 °C, 300…1100 hPa, 0…100 %RH. */
export const MIN_C = -40;
export const MAX_C = 85;
export const MIN_HPA = 300;
export const MAX_HPA = 1100;
