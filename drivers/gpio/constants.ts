/**
 * Labels of the Raspberry Pi 40-pin header GPIO controller, most recent first
 * (research/drivers.md §1.1; raspberrypi/linux#6084): Pi 5 RP1, Pi 5 SoC, Pi 4, Pi 0–3.
 */
export const HEADER_LABELS: readonly string[] = ['pinctrl-rp1', 'pinctrl-bcm2712', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];
/** Kernel Documentation/ABI/obsolete/sysfs-gpio: export, gpiochipN/{base,label,ngpio}, gpioN/{direction,value,edge,active_low}. */
export const SYSFS_GPIO_ROOT = '/sys/class/gpio';
/** BCM lines on the header: GPIO0–27. */
export const MAX_HEADER_BCM = 27;
/** How often the sysfs backend samples an input for edges (no epoll from plain Node). */
export const SYSFS_EDGE_POLL_MS = 50;
/** libgpiod tool names (gpiod package, v1.6 on bookworm, v2.x on trixie). */
export const TOOL_DETECT = 'gpiodetect';
export const TOOL_GET = 'gpioget';
export const TOOL_SET = 'gpioset';
export const TOOL_MON = 'gpiomon';
