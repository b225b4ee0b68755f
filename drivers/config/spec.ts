import { isAbsolute, resolve } from 'node:path';
import type { DriverKind, Quantity } from '../port.ts';
import { ConfigError } from './errors.ts';

/**
 * One entry of `drivers.json` (`{ "drivers": [ DriverSpec, ... ] }`), validated at start-up.
 * Common fields: id, kind, pollIntervalMs, staleAfterMs, calibration, temperatureUnit.
 * Per-kind fields are listed in KIND_FIELDS.
 */
export interface DriverSpec {
  readonly id: string;
  readonly kind: DriverKind;
  /** How often the agent polls (the drivers themselves do not poll). */
  readonly pollIntervalMs: number;
  readonly staleAfterMs?: number;
  /** Per quantity: value × scale + offset, applied before any unit conversion. */
  readonly calibration?: Partial<Record<Quantity, { readonly offset: number; readonly scale: number }>>;
  readonly temperatureUnit?: '°C' | '°F';
  readonly seed?: number;
  readonly root?: string;
  readonly sensor?: string;
  readonly device?: string;
  readonly path?: string;
  readonly pin?: number;
  readonly backend?: 'chardev-cli' | 'sysfs';
  readonly activeLow?: boolean;
  readonly edge?: 'rising' | 'falling' | 'both';
  readonly debounceMs?: number;
  readonly initial?: 0 | 1;
  readonly bus?: number;
  readonly address?: number;
}

type FieldType = 'string' | 'int' | 'bool' | 'path';
const GPIO_FIELDS = { pin: 'int', backend: 'string', root: 'path', activeLow: 'bool', edge: 'string', debounceMs: 'int', initial: 'int' } as const;

/** Fields each kind takes, besides the common ones; `required` lists the mandatory ones. */
export const KIND_FIELDS: Readonly<Record<DriverKind, { fields: Readonly<Record<string, FieldType>>; required: readonly string[]; flagArg: string }>> = {
  simulated: { fields: { seed: 'int' }, required: [], flagArg: 'seed' },
  ds18b20: { fields: { root: 'path', sensor: 'string' }, required: [], flagArg: 'root' },
  dht22: { fields: { root: 'path', device: 'string' }, required: [], flagArg: 'root' },
  'bme280-iio': { fields: { root: 'path', device: 'string' }, required: [], flagArg: 'root' },
  'bme280-i2c': { fields: { bus: 'int', address: 'int' }, required: ['address'], flagArg: 'address' },
  pms5003: { fields: { path: 'path' }, required: ['path'], flagArg: 'path' },
  mhz19b: { fields: { path: 'path' }, required: ['path'], flagArg: 'path' },
  'gpio-in': { fields: GPIO_FIELDS, required: ['pin'], flagArg: 'pin' },
  'gpio-out': { fields: GPIO_FIELDS, required: ['pin'], flagArg: 'pin' },
  cpu: { fields: { root: 'path' }, required: [], flagArg: 'root' },
};

const COMMON = new Set(['id', 'kind', 'pollIntervalMs', 'staleAfterMs', 'calibration', 'temperatureUnit']);
const QUANTITIES: readonly Quantity[] = ['temperature', 'humidity', 'pressure', 'pm1', 'pm25', 'pm10', 'co2', 'state', 'throttled'];
const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const DEFAULT_POLL_MS = 30_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (field: string, msg: string): ConfigError => new ConfigError('BAD_FIELD', field, msg);

function checkType(where: string, t: FieldType, v: unknown): void {
  if (t === 'int' && !Number.isSafeInteger(v)) throw bad(where, 'must be an integer');
  if (t === 'bool' && typeof v !== 'boolean') throw bad(where, 'must be true or false');
  if ((t === 'string' || t === 'path') && (typeof v !== 'string' || v === '' || v.length > 4096)) throw bad(where, 'must be a non-empty string');
  if (t === 'path' && !isAbsolute(v as string)) throw bad(where, 'must be an absolute path');
}

function checkRanges(where: string, s: Record<string, unknown>): void {
  const between = (k: string, lo: number, hi: number): void => {
    const v = s[k];
    if (v !== undefined && (typeof v !== 'number' || v < lo || v > hi)) throw bad(`${where}.${k}`, `must be within ${lo}..${hi}`);
  };
  const oneOf = (k: string, allowed: readonly unknown[]): void => {
    if (s[k] !== undefined && !allowed.includes(s[k])) throw bad(`${where}.${k}`, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  };
  between('pin', 0, 27);
  between('initial', 0, 1);
  between('debounceMs', 0, 60_000);
  between('address', 0x03, 0x77);
  between('pollIntervalMs', 100, 86_400_000);
  between('staleAfterMs', 100, 86_400_000);
  oneOf('backend', ['chardev-cli', 'sysfs']);
  oneOf('edge', ['rising', 'falling', 'both']);
  oneOf('temperatureUnit', ['°C', '°F']);
}

function checkCalibration(where: string, v: unknown): void {
  if (!isRecord(v)) throw bad(where, 'must be an object of quantity → { offset, scale }');
  for (const [q, c] of Object.entries(v)) {
    if (!QUANTITIES.includes(q as Quantity)) throw new ConfigError('UNKNOWN_FIELD', `${where}.${q}`, `not a quantity (${QUANTITIES.join(', ')})`);
    if (!isRecord(c) || typeof c['offset'] !== 'number' || typeof c['scale'] !== 'number' || !Number.isFinite(c['offset']) || !Number.isFinite(c['scale'])) {
      throw bad(`${where}.${q}`, 'must be { "offset": number, "scale": number }');
    }
    for (const k of Object.keys(c)) if (k !== 'offset' && k !== 'scale') throw new ConfigError('UNKNOWN_FIELD', `${where}.${q}.${k}`, 'only offset and scale');
  }
}

/** Validates one entry; `where` names it in errors (`drivers[2]`). */
export function validateSpec(raw: unknown, where: string): DriverSpec {
  if (!isRecord(raw)) throw bad(where, 'must be an object');
  const kind = raw['kind'];
  if (typeof kind !== 'string' || !(kind in KIND_FIELDS)) {
    throw new ConfigError('UNKNOWN_KIND', `${where}.kind`, `must be one of ${Object.keys(KIND_FIELDS).join(', ')}`);
  }
  const k = KIND_FIELDS[kind as DriverKind];
  if (typeof raw['id'] !== 'string' || !ID.test(raw['id'])) throw bad(`${where}.id`, 'must be 1–64 of a-z 0-9 _ - (starting with a letter or digit)');
  for (const [name, v] of Object.entries(raw)) {
    if (COMMON.has(name)) continue;
    const t = k.fields[name];
    if (t === undefined) throw new ConfigError('UNKNOWN_FIELD', `${where}.${name}`, `${kind} takes ${[...COMMON, ...Object.keys(k.fields)].join(', ')}`);
    checkType(`${where}.${name}`, t, v);
  }
  for (const r of k.required) if (raw[r] === undefined) throw bad(`${where}.${r}`, `is required for ${kind}`);
  for (const n of ['pollIntervalMs', 'staleAfterMs'] as const) if (raw[n] !== undefined) checkType(`${where}.${n}`, 'int', raw[n]);
  if (raw['calibration'] !== undefined) checkCalibration(`${where}.calibration`, raw['calibration']);
  checkRanges(where, raw);
  return { ...(raw as unknown as DriverSpec), pollIntervalMs: typeof raw['pollIntervalMs'] === 'number' ? raw['pollIntervalMs'] : DEFAULT_POLL_MS };
}

/** Validates the whole file: `{ "drivers": [...] }` with unique ids. */
export function validateConfig(json: unknown, file = 'drivers.json'): DriverSpec[] {
  if (!isRecord(json) || !Array.isArray(json['drivers'])) throw bad(file, 'must be an object { "drivers": [ ... ] }');
  for (const key of Object.keys(json)) if (key !== 'drivers') throw new ConfigError('UNKNOWN_FIELD', `${file}: ${key}`, 'only "drivers" is allowed');
  const specs = (json['drivers'] as unknown[]).map((d, i) => validateSpec(d, `${file}: drivers[${i}]`));
  const seen = new Set<string>();
  specs.forEach((s, i) => {
    if (seen.has(s.id)) throw new ConfigError('DUPLICATE_ID', `${file}: drivers[${i}].id`, `"${s.id}" is used twice`);
    seen.add(s.id);
  });
  return specs;
}

/** Parses drivers.json text; JSON errors become BAD_JSON. */
export function parseConfigText(text: string, file = 'drivers.json'): DriverSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('BAD_JSON', file, 'is not valid JSON', { cause: err });
  }
  return validateConfig(json, file);
}

/**
 * Parses a `--driver [ID=]KIND[:ARG]` flag, e.g. `ds18b20:/sys/bus/w1/devices`, `sim=simulated:42`,
 * `relay=gpio-out:17`. ARG fills the kind's main field (KIND_FIELDS[kind].flagArg); a relative
 * path is resolved against `cwd` when given.
 */
export function parseDriverFlag(text: string, cwd?: string): DriverSpec {
  const m = /^(?:([a-z0-9][a-z0-9_-]{0,63})=)?([a-z0-9-]+)(?::(.+))?$/.exec(text);
  if (m === null) throw new ConfigError('BAD_SPEC', `--driver ${text}`, 'expected [ID=]KIND[:ARG], e.g. ds18b20:/sys/bus/w1/devices');
  const [, id, kind, arg] = m;
  const k = KIND_FIELDS[kind as DriverKind] as (typeof KIND_FIELDS)[DriverKind] | undefined;
  if (k === undefined || kind === undefined) throw new ConfigError('UNKNOWN_KIND', `--driver ${text}`, `kind must be one of ${Object.keys(KIND_FIELDS).join(', ')}`);
  const raw: Record<string, unknown> = { id: id ?? kind, kind };
  if (arg !== undefined) {
    const t = k.fields[k.flagArg];
    if (t === 'int') raw[k.flagArg] = /^(0x[0-9a-f]+|-?\d+)$/i.test(arg) ? Number(arg) : Number.NaN;
    else raw[k.flagArg] = t === 'path' && cwd !== undefined ? resolve(cwd, arg) : arg;
  }
  return validateSpec(raw, `--driver ${text}`);
}
