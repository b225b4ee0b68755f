/**
 * Device side of signed firmware updates (DESIGN.md §8, issue 10): trusted metadata store,
 * release-counter port, repository sources (directory, HTTP with Range resume) and the updater.
 */
export * from './constants.ts';
export { fileCounterStore, mirroredCounterStore } from './counter.ts';
export type { CounterStore, MonotonicCounter } from './counter.ts';
export { UpdateError, isUpdateError } from './errors.ts';
export type { UpdateErrorCode } from './errors.ts';
export { dirSource, httpSource } from './source.ts';
export type { DownloadResult, DownloadSpec, Pacer, RepositorySource } from './source.ts';
export { fileTrustedStore } from './store.ts';
export { admissible, createUpdater } from './updater.ts';
export type { CheckResult, FirmwareApplyRequest, Plan, UpdateOptions, Updater, UpdaterDeps } from './updater.ts';
export { openDevice, provisionDevice, readDeviceConfig, sourceFor, stateDir } from './device.ts';
export type { DeviceConfig, DeviceDeps, DeviceParts, ProvisionOptions } from './device.ts';
