/**
 * Public surface of drivers/ (DESIGN.md §7). The port (types) and the factory; adapters are
 * reachable through their folders for callers that need their extra methods.
 */
export type { Clock, Driver, DriverKind, Health, HealthState, Quality, Quantity, ReadOptions, Reading, Unit } from './port.ts';
export { DriverError, isDriverError, type DriverErrorCode } from './errors.ts';
export { HA_SENSOR_CLASSES, canonicalUnit, type HaSensorClass } from './quantities.ts';
export { systemClock } from './clock.ts';
export { createSimulatedDriver, type SimulatedDriver, type SimulatedFaults, type SimulatedOptions } from './simulated/index.ts';
export { createDriver, parseConfigText, parseDriverFlag, validateConfig, ConfigError, type DriverDeps, type DriverSpec } from './config/index.ts';
export { serialPortOpener, type LinkOpener } from './serial/index.ts';
