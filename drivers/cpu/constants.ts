/** Kernel thermal sysfs (Documentation/driver-api/thermal/sysfs-api.rst): thermal_zoneN/{type,temp}, temp in milli-°C. */
export const THERMAL_ROOT = '/sys/class/thermal';
/** The zone type on Raspberry Pi kernels (bcm2835_thermal / rp1 adc). */
export const CPU_ZONE_TYPES: readonly string[] = ['cpu-thermal', 'x86_pkg_temp'];
/** Plausible SoC junction range; the Pi firmware throttles from 80 °C (85 °C hard limit). */
export const MIN_C = -40;
export const MAX_C = 125;
