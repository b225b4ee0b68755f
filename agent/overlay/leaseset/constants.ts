/** Constants of LeaseSets (I2P LeaseSet2, `common-structures.rst`; research/overlay.md §5.4). */

/** I2P: leases expire with their tunnels, at most 10 minutes (+1 min grace as in i2pd). */
export const MAX_LEASE_AHEAD_MS = 11 * 60_000;
/** I2P LeaseSet2 allows 16 leases. */
export const MAX_LEASES = 16;
/** A signed LeaseSet is small; bounded before decoding. */
export const MAX_LEASESET_BYTES = 2048;
/** COSE content type of a LeaseSet (PROTOCOL.md § LeaseSets). */
export const LEASESET_CONTENT_TYPE = 'application/ip2-leaseset';
