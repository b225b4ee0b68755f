/** Constants of the device-side update client. */

/** Trusted metadata lives in `<state>/trusted/`, one file per role (TUF §5.3.8 "persist"). */
export const TRUSTED_DIR = 'trusted';
export const VERIFIED_AT_FILE = 'verified-at.json';
/** Uptane release counter high-water mark (file backend of CounterStore). */
export const COUNTER_FILE = 'release-counter.json';
/** Partial downloads, `<sha256>.part`, resumed with HTTP Range (RFC 9110 §14.2). */
export const DOWNLOAD_DIR = 'download';
/** Read buffer for local-directory transfers. */
export const COPY_CHUNK = 64 * 1024;
