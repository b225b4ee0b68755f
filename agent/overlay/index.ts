/**
 * The overlay, part 1: encrypted links (Noise XK over TCP), RouterInfos, the floodfill netDb and
 * bootstrap. `createRouter` is the factory the daemon wires; the rest is exported for the CLI,
 * tests and the next issue (tunnels).
 */
export { createRouter, Router, type RouterConfig, type RouterDeps, type RouterIdentity, type RouterStatus } from './router.ts';
export { NetDb, fileNetDbStore, type NetDbPersistence } from './netdb.ts';
export { createTcpTransport } from './transport-tcp.ts';
export { MemoryNetwork } from './transport-memory.ts';
export type { ByteStream, Listener, Transport } from './transport-port.ts';
export { systemClock, VirtualClock, type Clock } from './clock.ts';
export { jsonLineLog, silentLog, MemoryLog, type Log } from './log.ts';
export { signRouterInfo, verifyRouterInfo, routerHash, type RouterInfo, type VerifiedRouterInfo } from './routerinfo.ts';
export { makeSeedBundle, readSeedBundle, seedFrom, type SeedSource } from './seed.ts';
export { OverlayError, isOverlayError, type OverlayErrorCode } from './errors.ts';
export { staticKeyFromSeed, loadOrCreateStaticKey } from './keys.ts';
export { MAIN_NET_ID, NETDB_FILE, STATIC_KEY_FILE } from './constants.ts';
export { NetDbService, type LookupResult } from './netdb-service.ts';
