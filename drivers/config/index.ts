export { createDriver, type DriverDeps } from './create.ts';
export { KIND_FIELDS, parseConfigText, parseDriverFlag, validateConfig, validateSpec, type DriverSpec } from './spec.ts';
export { celsiusToFahrenheit, withCalibration } from './calibrate.ts';
export { ConfigError, type ConfigErrorCode } from './errors.ts';
