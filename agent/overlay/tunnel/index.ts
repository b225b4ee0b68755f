/**
 * The overlay, part 2: tunnels (issue 12). Cells and the per-hop ChaCha20 layer, Noise N build
 * records, the transit table, the tunnel router and pools. PROTOCOL.md § Tunnels, garlic and
 * LeaseSets specifies every byte.
 */
export { TunnelRouter, type OwnTunnel, type PeerDirectory, type TunnelNet, type TunnelRouterDeps } from './tunnel-router.ts';
export { TransitTable, type TransitConfig, type TransitHop, type HopRole } from './transit.ts';
export { LayerCipher, layerContexts, type LayerContexts, type LayerKeys } from './layer.ts';
export { viewCell, plainCell, readPlainBody, fragmentMessage, fragmentCapacity, type Delivery, type Fragment } from './cell.ts';
export { sealRecord, openRecord, encodeRequest, decodeRequest, type BuildRequest, type RecordKeys } from './record.ts';
export { prepareBuild, readReplies, decodeBuild, encodeBuild, type HopSpec, type BuildPlan } from './build.ts';
export { DecayingBloomFilter } from './bloom.ts';
export { MemoryTunnelHub } from './net-memory.ts';
export { netDbDirectory, type RouterInfoSource } from './directory.ts';
export { TunnelPool, subnet16, type PoolConfig, type PoolDeps, type PoolPeer } from './pool.ts';
export { LinkTunnelNet, type LinkDirectory, type LinkNetDeps } from './net-link.ts';
export { TunnelError, isTunnelError, type TunnelErrorCode } from './errors.ts';
export * as TUNNEL from './constants.ts';
