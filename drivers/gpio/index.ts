export type { Edge, EdgeEvent, GpioBackend, GpioLine, Level, LineRequest } from './port.ts';
export { sysfsBackend, type SysfsOptions } from './sysfs.ts';
export { chardevCliBackend, parseToolVersion, runTool, type ChardevCliOptions, type SpawnFn } from './chardev-cli.ts';
export { pickChipFromDetect, resolveSysfsLine, type ResolvedLine } from './resolve.ts';
export { HEADER_LABELS } from './constants.ts';
export { createGpioDriver, type GpioDriver, type GpioDriverOptions } from './driver.ts';
