/**
 * TPM2_GetCapability (TPM 2.0 Library Part 3 §30.2; TPMS_CAPABILITY_DATA in Part 2 §10.10.2) and
 * the summary `ip2 tpm info` prints.
 */
import type { TpmClient } from './client.ts';
import { TPM_ALG, TPM_CAP, TPM_CC, TPM_HT_PERSISTENT, TPM_PT, TPMA_PERMANENT } from './constants.ts';
import { TpmError } from './errors.ts';
import { type Reader, Writer } from './marshal.ts';
import { readPcrSelection, type PcrSelection } from './structures.ts';

/** Part 2 §6.3 TPM_ALG_ID names (lower-case, as tpm2-tools prints them). */
const ALG_NAMES: Readonly<Record<number, string>> = {
  0x0001: 'rsa', 0x0003: 'tdes', 0x0004: 'sha1', 0x0005: 'hmac', 0x0006: 'aes', 0x0007: 'mgf1',
  0x0008: 'keyedhash', 0x000a: 'xor', 0x000b: 'sha256', 0x000c: 'sha384', 0x000d: 'sha512',
  0x0012: 'sm3_256', 0x0013: 'sm4', 0x0014: 'rsassa', 0x0015: 'rsaes', 0x0016: 'rsapss', 0x0017: 'oaep',
  0x0018: 'ecdsa', 0x0019: 'ecdh', 0x001a: 'ecdaa', 0x001b: 'sm2', 0x001c: 'ecschnorr', 0x001d: 'ecmqv',
  0x0020: 'kdf1_sp800_56a', 0x0021: 'kdf2', 0x0022: 'kdf1_sp800_108', 0x0023: 'ecc', 0x0025: 'symcipher',
  0x0026: 'camellia', 0x0027: 'sha3_256', 0x0028: 'sha3_384', 0x0029: 'sha3_512',
  0x003f: 'cmac', 0x0040: 'ctr', 0x0041: 'ofb', 0x0042: 'cbc', 0x0043: 'cfb', 0x0044: 'ecb',
};
/** Part 2 §6.4 TPM_ECC_CURVE. */
const CURVE_NAMES: Readonly<Record<number, string>> = {
  0x0001: 'NIST_P192', 0x0002: 'NIST_P224', 0x0003: 'NIST_P256', 0x0004: 'NIST_P384', 0x0005: 'NIST_P521',
  0x0010: 'BN_P256', 0x0011: 'BN_P638', 0x0020: 'SM2_P256', 0x0040: 'CURVE_25519',
};

const hex = (v: number, w = 4): string => `0x${v.toString(16).padStart(w, '0')}`;
export const algName = (alg: number): string => ALG_NAMES[alg] ?? hex(alg);

async function getCapability<T>(tpm: TpmClient, cap: number, property: number, count: number, parse: (r: Reader) => T): Promise<T> {
  const params = new Writer().u32(cap).u32(property).u32(count).finish();
  return tpm.run({ name: 'GetCapability', code: TPM_CC.GetCapability, params }, (r) => {
    r.u8(); // moreData
    const got = r.u32();
    if (got !== cap) throw new TpmError('TPM_RESPONSE_MALFORMED', `GetCapability: asked ${cap}, got ${got}`);
    return parse(r);
  });
}

function readList<T>(r: Reader, itemSize: number, item: (r: Reader) => T): T[] {
  const n = r.count(itemSize);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(item(r));
  return out;
}

export async function getProperties(tpm: TpmClient, first: number, count: number): Promise<Map<number, number>> {
  const list = await getCapability(tpm, TPM_CAP.TPM_PROPERTIES, first, count, (r) => readList(r, 8, (x) => [x.u32(), x.u32()] as const));
  return new Map(list);
}

/** Handles of one type (Part 2 §7.2 TPM_HT in the top byte: 0x80 transient, 0x81 persistent, …). */
export function getHandles(tpm: TpmClient, type: number): Promise<number[]> {
  return getCapability(tpm, TPM_CAP.HANDLES, (type << 24) >>> 0, 256, (r) => readList(r, 4, (x) => x.u32()));
}

export interface TpmInfo {
  readonly address: string;
  readonly manufacturer: string;
  readonly vendor: string;
  readonly firmware: string;
  readonly specRevision: string;
  readonly algorithms: readonly string[];
  readonly eccCurves: readonly string[];
  readonly pcrBanks: readonly { readonly hash: string; readonly pcrs: number }[];
  readonly persistentHandles: readonly string[];
  readonly keyHandle: string;
  readonly keyPresent: boolean;
  /** The agent uses the empty owner password; a set owner password makes key creation fail. */
  readonly ownerAuthSet: boolean;
  /** Dictionary-attack lockout: authorisations with DA protection are refused until it ends. */
  readonly inLockout: boolean;
  readonly lockoutCounter: number;
  readonly maxAuthFail: number;
}

/** Four big-endian bytes as ASCII, NULs and non-printables dropped (TPM_PT_MANUFACTURER etc.). */
function ascii(...words: (number | undefined)[]): string {
  let s = '';
  for (const w of words) {
    for (let i = 3; i >= 0; i--) {
      const c = ((w ?? 0) >>> (i * 8)) & 0xff;
      if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    }
  }
  return s.trim();
}

export async function tpmInfo(tpm: TpmClient, keyHandle: number): Promise<TpmInfo> {
  const props = await getProperties(tpm, TPM_PT.FAMILY_INDICATOR, 0x10);
  const algorithms = await getCapability(tpm, TPM_CAP.ALGS, TPM_ALG.RSA, 256, (r) => readList(r, 6, (x) => { const a = x.u16(); x.u32(); return a; }));
  const curves = await getCapability(tpm, TPM_CAP.ECC_CURVES, 0, 64, (r) => readList(r, 2, (x) => x.u16()));
  const banks: PcrSelection[] = await getCapability(tpm, TPM_CAP.PCRS, 0, 16, readPcrSelection);
  const persistent = await getHandles(tpm, TPM_HT_PERSISTENT);
  const vars = await getProperties(tpm, TPM_PT.PERMANENT, 0x10);
  const permanent = vars.get(TPM_PT.PERMANENT) ?? 0;
  const fw1 = props.get(TPM_PT.FIRMWARE_VERSION_1) ?? 0;
  const fw2 = props.get(TPM_PT.FIRMWARE_VERSION_2) ?? 0;
  const rev = props.get(TPM_PT.REVISION) ?? 0;
  return {
    address: tpm.address,
    manufacturer: ascii(props.get(TPM_PT.MANUFACTURER)),
    vendor: ascii(...[0, 1, 2, 3].map((i) => props.get(TPM_PT.VENDOR_STRING_1 + i))),
    firmware: `${fw1 >>> 16}.${fw1 & 0xffff}.${fw2 >>> 16}.${fw2 & 0xffff}`,
    specRevision: `${Math.floor(rev / 100)}.${String(rev % 100).padStart(2, '0')}`,
    algorithms: algorithms.map(algName),
    eccCurves: curves.map((c) => CURVE_NAMES[c] ?? hex(c)),
    pcrBanks: banks.filter((b) => b.pcrs.length > 0).map((b) => ({ hash: algName(b.hash), pcrs: b.pcrs.length })),
    persistentHandles: persistent.map((h) => hex(h, 8)),
    keyHandle: hex(keyHandle, 8),
    keyPresent: persistent.includes(keyHandle),
    ownerAuthSet: (permanent & TPMA_PERMANENT.ownerAuthSet) !== 0,
    inLockout: (permanent & TPMA_PERMANENT.inLockout) !== 0,
    lockoutCounter: vars.get(TPM_PT.LOCKOUT_COUNTER) ?? 0,
    maxAuthFail: vars.get(TPM_PT.MAX_AUTH_FAIL) ?? 0,
  };
}
