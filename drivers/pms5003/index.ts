export { attachPms5003, openPms5003 } from './pms5003.ts';
export type { Pms5003Options } from './pms5003.ts';
export { PmsFramer, pmsCommand, pmsSum, type PmsEvent, type PmsFrame } from './framer.ts';
export { CMD_MODE, CMD_READ_PASSIVE, CMD_SLEEP } from './constants.ts';
