/**
 * Numbers from the TCG TPM 2.0 Library specification used by the client. Each cites the part and
 * section it comes from ("Part 2 §6.5" = TPM 2.0 Library, Part 2: Structures, clause 6.5).
 */

/** Part 2 §6.9 TPM_ST: structure tags of command and response headers. */
export const TPM_ST_NO_SESSIONS = 0x8001;
export const TPM_ST_SESSIONS = 0x8002;
/** Part 2 §6.9 TPM_ST_HASHCHECK: tag of a TPMT_TK_HASHCHECK ticket (NULL ticket in Sign). */
export const TPM_ST_HASHCHECK = 0x8024;

/** Part 1 §18.2 / Part 3 §5: command header = tag u16 + size u32 + code u32. */
export const TPM_HEADER_SIZE = 10;
/**
 * Upper bound on a response we accept. TPM_PT_MAX_RESPONSE_SIZE (Part 2 §6.13) is 4096 on every
 * TPM we know of (the PC Client platform TPM profile's minimum); twice that leaves room while
 * bounding memory for a lying device.
 */
export const TPM_MAX_RESPONSE_SIZE = 8192;

/** Part 2 §6.5.2 TPM_CC: command codes. */
export const TPM_CC = {
  NV_UndefineSpace: 0x0122,
  EvictControl: 0x0120,
  NV_DefineSpace: 0x012a,
  CreatePrimary: 0x0131,
  NV_Increment: 0x0134,
  Startup: 0x0144,
  Create: 0x0153,
  Load: 0x0157,
  Sign: 0x015d,
  Unseal: 0x015e,
  FlushContext: 0x0165,
  NV_Read: 0x014e,
  NV_ReadPublic: 0x0169,
  StartAuthSession: 0x0176,
  GetCapability: 0x017a,
  GetRandom: 0x017b,
  ReadPublic: 0x0173,
  PCR_Read: 0x017e,
  PolicyPCR: 0x017f,
  PCR_Extend: 0x0182,
  PolicyGetDigest: 0x0189,
} as const;

/** Part 2 §6.3 TPM_ALG_ID. */
export const TPM_ALG = {
  RSA: 0x0001,
  SHA1: 0x0004,
  AES: 0x0006,
  HMAC: 0x0005,
  KEYEDHASH: 0x0008,
  XOR: 0x000a,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  NULL: 0x0010,
  ECDSA: 0x0018,
  ECDAA: 0x001a,
  ECC: 0x0023,
  SYMCIPHER: 0x0025,
  CFB: 0x0043,
} as const;

/** Part 2 §6.4 TPM_ECC_CURVE. */
export const TPM_ECC_NIST_P256 = 0x0003;

/** Part 2 §7.4 TPM_RH and §7.5 TPM_HT: reserved handles. */
export const TPM_RH_OWNER = 0x40000001;
export const TPM_RH_NULL = 0x40000007;
export const TPM_RS_PW = 0x40000009;
export const TPM_RH_PLATFORM = 0x4000000c;
/** Part 2 §7.2 TPM_HT: the top byte of a handle says its type. */
export const TPM_HT_NV_INDEX = 0x01;
export const TPM_HT_PERSISTENT = 0x81;

/** Part 2 §6.10 TPM_SU. */
export const TPM_SU_CLEAR = 0x0000;

/** Part 2 §6.11 TPM_SE: session types of StartAuthSession. */
export const TPM_SE_POLICY = 0x01;
export const TPM_SE_TRIAL = 0x03;

/** Part 2 §8.4 TPMA_SESSION bit 0: continueSession. */
export const TPMA_SESSION_CONTINUE = 0x01;

/** Part 2 §8.3.2 TPMA_OBJECT bits. */
export const TPMA_OBJECT = {
  fixedTPM: 1 << 1,
  fixedParent: 1 << 4,
  sensitiveDataOrigin: 1 << 5,
  userWithAuth: 1 << 6,
  noDA: 1 << 10,
  restricted: 1 << 16,
  decrypt: 1 << 17,
  sign: 1 << 18,
} as const;

/** Part 2 §13.4 TPMA_NV bits and §13.2 TPM_NT (bits 7:4 of TPMA_NV). */
export const TPMA_NV = {
  ownerWrite: 1 << 1,
  authWrite: 1 << 2,
  counter: 0x1 << 4,
  ownerRead: 1 << 17,
  authRead: 1 << 18,
  noDA: 1 << 25,
  written: 1 << 29,
} as const;

/** Part 2 §6.12 TPM_CAP. */
export const TPM_CAP = {
  ALGS: 0x00000000,
  HANDLES: 0x00000001,
  PCRS: 0x00000005,
  TPM_PROPERTIES: 0x00000006,
  ECC_CURVES: 0x00000008,
} as const;

/** Part 2 §6.13 TPM_PT: PT_FIXED (0x100) + offset. */
export const TPM_PT = {
  FAMILY_INDICATOR: 0x100,
  REVISION: 0x102,
  MANUFACTURER: 0x105,
  VENDOR_STRING_1: 0x106,
  VENDOR_STRING_4: 0x109,
  FIRMWARE_VERSION_1: 0x10b,
  FIRMWARE_VERSION_2: 0x10c,
  /** PT_VAR (0x200) + 0: TPMA_PERMANENT (Part 2 §8.6). */
  PERMANENT: 0x200,
  /** PT_VAR + 14: current failed-authorization count (Part 2 §6.13). */
  LOCKOUT_COUNTER: 0x20e,
  /** PT_VAR + 15: failures before lockout. */
  MAX_AUTH_FAIL: 0x20f,
} as const;

/** Part 2 §8.6 TPMA_PERMANENT bits. */
export const TPMA_PERMANENT = {
  ownerAuthSet: 1 << 0,
  inLockout: 1 << 9,
} as const;

/** Part 2 §10.6.1 TPMS_PCR_SELECT: sizeofSelect for the 24 PCRs of a PC-client TPM. */
export const PCR_SELECT_SIZE = 3;
/** Part 2 §10.3.1 TPMU_HA: SHA-256 digest size in bytes. */
export const SHA256_SIZE = 32;
/** Part 3 §11.1 TPM2_StartAuthSession: nonceCaller at least 16 bytes; we send a SHA-256 size. */
export const NONCE_SIZE = 32;

/**
 * Defaults chosen by ip2-agent (PROTOCOL.md § TPM usage), in the ranges of the TCG "Registry of
 * Reserved TPM 2.0 Handles and Localities" §2.3 (owner persistent 0x81000000–0x817FFFFF) and
 * §2.2 (owner NV indices 0x01000000–0x013FFFFF).
 */
export const DEFAULT_KEY_HANDLE = 0x81010002;
export const DEFAULT_NV_COUNTER_INDEX = 0x01000ea2;
/** Order n of NIST P-256 (TPM_ECC_NIST_P256, Part 2 §6.4; FIPS 186-4 App. D.1.2.3), for low-S. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
