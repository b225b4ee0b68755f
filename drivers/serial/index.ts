export type { ByteLink, LinkOpener, LinkOptions } from './port.ts';
export { serialPortOpener } from './serialport.ts';
export { createMemoryLinkPair, type MemoryLinkOptions } from './memory.ts';
export { LinkSupervisor, type SupervisorOptions } from './supervisor.ts';
