/** LeaseSets: a destination's signed inbound gateways (issue 12). */
export { signLeaseSet, verifyLeaseSet, destinationHash, type Lease, type LeaseSet, type VerifiedLeaseSet } from './leaseset.ts';
export { LeaseSetError, type LeaseSetErrorCode } from './errors.ts';
