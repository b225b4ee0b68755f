/** Default 1-Wire sysfs directory (kernel Documentation/w1/w1-generic.rst, ABI sysfs-bus-w1). */
export const W1_DEVICES_ROOT = '/sys/bus/w1/devices';

/**
 * 1-Wire family codes handled by the kernel's w1_therm driver (drivers/w1/slaves/w1_therm.c):
 * 28 DS18B20, 10 DS18S20, 22 DS1822, 3b DS1825, 42 DS28EA00.
 */
export const THERM_FAMILIES = ['28', '10', '22', '3b', '42'] as const;

/** DS18B20 datasheet (19-7487), "Features": measures −55 °C to +125 °C. In milli-°C. */
export const MIN_MILLI_C = -55_000;
export const MAX_MILLI_C = 125_000;

/**
 * DS18B20 datasheet, "Operation—Measuring Temperature": the temperature register's power-on
 * reset value is +85 °C. Reading it means no conversion happened (often a power problem).
 */
export const POWER_ON_RESET_MILLI_C = 85_000;

/** A conversion at 12 bits takes up to 750 ms (datasheet Table 2, t_CONV); allow margin. */
export const READ_TIMEOUT_MS = 2_000;

/** The longest `w1_slave` text we accept: two lines of about 40 characters. */
export const MAX_W1_SLAVE_CHARS = 256;
