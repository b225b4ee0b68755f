export { createDs18b20Driver, listThermometers } from './ds18b20.ts';
export type { Ds18b20Options } from './ds18b20.ts';
export { parseW1Slave } from './parse.ts';
