export { createIioDriver, findIioDevice, type IioChannel, type IioDriverOptions } from './iio.ts';
export { IIO_DEVICES_ROOT, KPA_TO_HPA, TO_CELSIUS, TO_PERCENT } from './constants.ts';
