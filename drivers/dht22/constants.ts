/**
 * DHT22/AM2302 through the kernel dht11 IIO driver (drivers/iio/humidity/dht11.c, which also
 * handles DHT22; overlay `dtoverlay=dht11,gpiopin=N`). Its IIO `name` is "dht11".
 */
export const IIO_NAME = 'dht11';
/** AM2302 datasheet, "Technical specification": −40…80 °C, 0…100 %RH. */
export const MIN_C = -40;
export const MAX_C = 80;
/** The driver caches a result for 2 s (DHT11_DATA_VALID_TIME) and often fails with EIO: retry with backoff. */
export const RETRIES = 4;
export const RETRY_DELAY_MS = 500;
