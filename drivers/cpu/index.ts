export { createCpuDriver, parseThrottled, type CpuOptions } from './cpu.ts';
