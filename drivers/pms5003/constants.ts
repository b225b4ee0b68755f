/**
 * Plantower PMS5003 / PMS7003 data manual (PMS5003 series manual v2.3, "Appendix I:
 * transport protocol — active mode"), 9600 8N1. Frame: 0x42 0x4D, frame length (uint16 BE =
 * 2 × data words + 2), data words (uint16 BE), check code (uint16 BE sum of every earlier byte).
 */
export const START_1 = 0x42;
export const START_2 = 0x4d;
export const BAUD_RATE = 9600;
/** Length-field values we accept: 20 (PMS3003), 28 (PMS5003/7003), 36 (PMS5003ST). */
export const FRAME_LENGTHS: readonly number[] = [20, 28, 36];
/** Start bytes plus the length field. */
export const HEADER_BYTES = 4;
export const MAX_FRAME_BYTES = HEADER_BYTES + 36;

/**
 * Data word indexes (0-based) per the manual: 0–2 PM1.0/2.5/10 "CF=1, standard particle";
 * 3–5 PM1.0/2.5/10 "under atmospheric environment"; 6–11 particle counts beyond
 * 0.3/0.5/1.0/2.5/5.0/10 µm per 0.1 L (not in 20-byte frames).
 */
export const WORD_PM1_ATM = 3;
export const WORD_PM25_ATM = 4;
export const WORD_PM10_ATM = 5;

/** Manual, "Appendix II": host commands 42 4D CMD DATAH DATAL LRCH LRCL, LRC = sum of the first 5. */
export const CMD_MODE = 0xe1;
export const CMD_READ_PASSIVE = 0xe2;
export const CMD_SLEEP = 0xe4;

/** Manual, "Output result": PM range 0–500 µg/m³ effective, 1000 maximum. */
export const MAX_PM_UG_M3 = 1000;

/** Active mode sends a frame every 200–800 ms (stable) or up to 2.3 s (changing): stale after 10 s. */
export const DEFAULT_STALE_AFTER_MS = 10_000;
export const DEFAULT_READ_TIMEOUT_MS = 5_000;
