export { attachMhz19b, openMhz19b } from './mhz19b.ts';
export type { Mhz19bDriver, Mhz19bOptions } from './mhz19b.ts';
export { co2Ppm, mhzChecksum, mhzCommand, MhzFramer, type MhzEvent, type MhzFrame } from './framer.ts';
