/**
 * Constants of the MQTT link. Sources:
 * - HA: home-assistant.io `source/_integrations/mqtt.markdown` (discovery, availability, birth).
 * - MQTT5: OASIS MQTT Version 5.0 (2019-03-07).
 */

/** HA § Discovery: the default discovery prefix (user-changeable). */
export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant';
/** HA § Discovery topic: node_id / object_id charset `[a-zA-Z0-9_-]`. */
export const ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
/** The agent's own state namespace (research/drivers.md §4.5). */
export const DEFAULT_BASE_TOPIC = 'ip2';
/** HA § Availability: default payloads. */
export const PAYLOAD_ONLINE = 'online';
export const PAYLOAD_OFFLINE = 'offline';
/** HA § Birth and last will messages: HA's own status topic suffix and birth payload. */
export const HA_STATUS_SUFFIX = 'status';
/** MQTT5 §3.1.3.2.2 Will Delay Interval, seconds: rides out a quick reconnect without a flap. */
export const DEFAULT_WILL_DELAY_S = 5;
/** MQTT5 §3.1.2.10 Keep Alive, seconds. */
export const DEFAULT_KEEPALIVE_S = 30;
/** Reconnect backoff (full jitter, "Exponential Backoff And Jitter", AWS Architecture Blog 2015). */
export const DEFAULT_RECONNECT_BASE_MS = 1_000;
export const DEFAULT_RECONNECT_MAX_MS = 60_000;
/** HA § Sensor `expire_after` as a multiple of the poll interval (research/drivers.md §4.5). */
export const EXPIRE_AFTER_FACTOR = 3;
/** Default poll interval of a driver, ms. */
export const DEFAULT_INTERVAL_MS = 60_000;
/** Diagnostics are published this often, ms. */
export const DIAGNOSTICS_INTERVAL_MS = 60_000;
/** MQTT5 §3.3.2.3.2 Message Expiry Interval for intent replies, seconds. */
export const REPLY_EXPIRY_S = 60;
/** Largest intent accepted on the command topic, bytes (the envelope is small; refuse early). */
export const MAX_INTENT_BYTES = 64 * 1024;
/** Intents handled at once; more are dropped with a log line (the broker is not trusted). */
export const MAX_INTENTS_IN_FLIGHT = 4;
/** MQTT5 §3.3.2.3.6 Correlation Data: we bound it like the spec's binary data, but tighter. */
export const MAX_CORRELATION_BYTES = 256;
/** The origin name HA requires in device discovery (HA core `DEVICE_DISCOVERY_SCHEMA`). */
export const ORIGIN_NAME = 'ip2-agent';
export const SUPPORT_URL = 'https://github.com/ip2/ip2-agent';
