/**
 * Winsen MH-Z19B infrared CO2 sensor user's manual (v1.0/v1.6), "Communication protocol":
 * UART 9600 8N1, 9-byte commands `FF 01 CMD d3..d7 CS` and replies `FF CMD d2..d7 CS`.
 * Check value (manual, "Checksum calculation"): invert the 8-bit sum of bytes 1..7, add 1.
 */
export const BAUD_RATE = 9600;
export const FRAME_BYTES = 9;
export const START = 0xff;
export const SENSOR_NUMBER = 0x01;

/** Manual, command list. */
export const CMD_READ_CO2 = 0x86;
export const CMD_ZERO_POINT = 0x87;
export const CMD_SPAN_POINT = 0x88;
/** "Self-calibration on/off": byte 3 = 0xA0 on, 0x00 off. */
export const CMD_ABC = 0x79;
export const ABC_ON = 0xa0;
export const ABC_OFF = 0x00;

/** Commands that produce a reply frame `FF CMD …` (manual command list; 0x7D is ABC status). */
export const REPLY_COMMANDS: readonly number[] = [0x86, 0x79, 0x7d, 0x87, 0x88];

/** Manual, "Main parameters": detection ranges up to 10000 ppm depending on the variant. */
export const MAX_PPM = 10_000;

/** The reply comes within tens of ms; the manual gives a 120 s preheat before data is valid. */
export const DEFAULT_READ_TIMEOUT_MS = 1_000;
export const DEFAULT_STALE_AFTER_MS = 120_000;
