/** Default IIO device directory (kernel Documentation/ABI/testing/sysfs-bus-iio). */
export const IIO_DEVICES_ROOT = '/sys/bus/iio/devices';

/**
 * Processed-channel units per the IIO ABI (sysfs-bus-iio): `in_temp_input` milli-°C,
 * `in_humidityrelative_input` milli-percent, `in_pressure_input` kilopascal.
 * Multiply a file's value by these to get °C, %, hPa.
 */
export const TO_CELSIUS = 1 / 1000;
export const TO_PERCENT = 1 / 1000;
export const KPA_TO_HPA = 10;
