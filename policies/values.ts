/**
 * Runtime values of the Cedar subset (Cedar reference § Data types): Bool as boolean, Long as
 * bigint (64-bit range enforced by the operators), String as string, and entity, set and record
 * objects. Sets are de-duplicated when built and compared structurally, ignoring order.
 */
export class EntityValue {
  /**
   * Unique per entity, the key of the entity store: type and id joined by NUL, which no entity
   * type name contains. `text` is the Cedar form `Type::"id"` for messages.
   */
  readonly key: string;

  constructor(readonly type: string, readonly id: string) {
    this.key = `${type}\u0000${id}`;
  }

  get text(): string {
    return `${this.type}::${JSON.stringify(this.id)}`;
  }
}

/** Cedar text `Type::"id"` of an entity-store key. */
export function keyText(key: string): string {
  const i = key.indexOf('\u0000');
  return `${key.slice(0, i)}::${JSON.stringify(key.slice(i + 1))}`;
}

export class SetValue {
  readonly items: readonly Value[];
  /** Canonical keys of the members (see `canonicalKey`): membership is a hash lookup. */
  private readonly keys: ReadonlySet<string>;

  constructor(items: readonly Value[]) {
    const keys = new Set<string>();
    const out: Value[] = [];
    for (const v of items) {
      const k = canonicalKey(v);
      if (keys.has(k)) continue;
      keys.add(k);
      out.push(v);
    }
    this.items = out;
    this.keys = keys;
  }

  has(v: Value): boolean {
    return this.keys.has(canonicalKey(v));
  }
}

export class RecordValue {
  constructor(readonly fields: ReadonlyMap<string, Value>) {}
}

export type Value = boolean | bigint | string | EntityValue | SetValue | RecordValue;

/**
 * A string equal for two values exactly when Cedar's `==` holds: sets and records are keyed by
 * their sorted member keys, so de-duplication and membership stay linear-time (no pairwise scans
 * that a hostile request with large sets of records could exploit).
 */
export function canonicalKey(v: Value): string {
  switch (typeof v) {
    case 'boolean': return v ? 'b1' : 'b0';
    case 'bigint': return `l${v}`;
    case 'string': return `s${JSON.stringify(v)}`;
    default:
      if (v instanceof EntityValue) return `e${JSON.stringify(v.key)}`;
      if (v instanceof SetValue) return `S[${v.items.map(canonicalKey).sort().join(',')}]`;
      return `R{${[...v.fields].map(([k, x]) => `${JSON.stringify(k)}:${canonicalKey(x)}`).sort().join(',')}}`;
  }
}

/** Cedar `==`: values of different types are unequal (never an error). */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof EntityValue) return b instanceof EntityValue && a.key === b.key;
  if (a instanceof SetValue) {
    return b instanceof SetValue && a.items.length === b.items.length && a.items.every((x) => b.has(x));
  }
  if (!(b instanceof RecordValue) || a.fields.size !== b.fields.size) return false;
  for (const [k, v] of a.fields) {
    const w = b.fields.get(k);
    if (w === undefined || !valueEquals(v, w)) return false;
  }
  return true;
}

export function typeName(v: Value): string {
  switch (typeof v) {
    case 'boolean': return 'Bool';
    case 'bigint': return 'Long';
    case 'string': return 'String';
    default: return v instanceof EntityValue ? 'Entity' : v instanceof SetValue ? 'Set' : 'Record';
  }
}

/** Short text of a value for explanations, in Cedar syntax. */
export function showValue(v: Value): string {
  switch (typeof v) {
    case 'boolean': return String(v);
    case 'bigint': return v.toString();
    case 'string': return JSON.stringify(v);
    default:
      if (v instanceof EntityValue) return v.text;
      if (v instanceof SetValue) return `[${v.items.map(showValue).join(', ')}]`;
      return `{${[...v.fields].map(([k, x]) => `${JSON.stringify(k)}: ${showValue(x)}`).join(', ')}}`;
  }
}
