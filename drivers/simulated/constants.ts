/**
 * Parameters of the simulated indoor climate. Not from a datasheet: chosen to look like a
 * living room (ASHRAE 55 comfort zone is roughly 20–26 °C and 30–60 % RH).
 */
export const MEAN_TEMPERATURE_C = 21;
/** Half the day/night swing. */
export const DAILY_SWING_C = 2.5;
export const MEAN_HUMIDITY_PCT = 48;
export const DAILY_SWING_HUMIDITY_PCT = 7;
/** Standard deviation-ish amplitude of per-sample noise. */
export const NOISE_C = 0.15;
export const NOISE_HUMIDITY_PCT = 0.8;
export const DAY_MS = 86_400_000;
/** Seeds are mixed with this so seed 0 still yields a non-zero xorshift state. */
export const SEED_MIX = 0x9e3779b9;
