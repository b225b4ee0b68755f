/**
 * Reads a request in Cedar's JSON shape (principal, action, resource, context, entities) into
 * runtime values and an entity store with the transitive parent relation. Total: any JSON value
 * gives a Request or a PolicyRequestError (Cedar entity JSON format:
 * https://docs.cedarpolicy.com/auth/entities-syntax.html).
 */
import { MAX_REQUEST_ENTITIES, MAX_VALUE_DEPTH } from './constants.ts';
import { PolicyRequestError } from './errors.ts';
import { EntityValue, RecordValue, SetValue, keyText } from './values.ts';
import type { Value } from './values.ts';

export interface EntityData {
  /**
   * The entity's `attrs` JSON, already checked to be valid Cedar values; an attribute is read
   * into a Value when a policy asks for it (`entityAttr`), so unused attributes cost nothing.
   */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Direct parents' keys; `isAncestor` follows them transitively. */
  readonly parents: readonly string[];
}

export interface Request {
  readonly principal: EntityValue;
  readonly action: EntityValue;
  readonly resource: EntityValue;
  readonly context: RecordValue;
  readonly entities: ReadonlyMap<string, EntityData>;
}

const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function uidFromJson(x: unknown, where: string): EntityValue {
  const inner = isObject(x) && x['__entity'] !== undefined ? x['__entity'] : x;
  if (!isObject(inner)) throw new PolicyRequestError(`${where}: expected an entity {"type": …, "id": …}`);
  const type = inner['type'];
  const id = inner['id'];
  if (typeof type !== 'string' || typeof id !== 'string') throw new PolicyRequestError(`${where}: expected an entity {"type": …, "id": …}`);
  if (!TYPE_NAME.test(type)) throw new PolicyRequestError(`${where}: invalid entity type ${JSON.stringify(type)}`);
  return new EntityValue(type, id);
}

/** Prefixes the JSON path to an error from a nested value (only on the error path). */
function prefixed(err: unknown, where: string | number): never {
  if (!(err instanceof PolicyRequestError)) throw err;
  const sep = typeof where === 'number' ? `[${where}]` : `.${where}`;
  const m = err.message;
  throw new PolicyRequestError(`${sep}${m.startsWith('[') || m.startsWith('.') || m.startsWith(':') ? '' : ': '}${m}`);
}

/** The checks of readValue without building anything (entity attributes are read on use). */
function checkValue(x: unknown, depth: number): void {
  if (depth > MAX_VALUE_DEPTH) throw new PolicyRequestError(`: value nested deeper than ${MAX_VALUE_DEPTH}`);
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return;
    case 'number':
      if (!Number.isSafeInteger(x)) throw new PolicyRequestError(`: ${x} is not an integer Cedar can read exactly`);
      return;
    default:
      break;
  }
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      try {
        checkValue(x[i], depth + 1);
      } catch (err) {
        prefixed(err, i);
      }
    }
    return;
  }
  if (!isObject(x)) throw new PolicyRequestError(': null is not a Cedar value');
  if (x['__entity'] !== undefined) { uidFromJson(x, ''); return; }
  if (x['__extn'] !== undefined) throw new PolicyRequestError(': extension values are not supported');
  for (const k in x) {
    if (!Object.hasOwn(x, k)) continue;
    try {
      checkValue(x[k], depth + 1);
    } catch (err) {
      prefixed(err, k);
    }
  }
}

/** An attribute of a stored entity as a Value, or undefined when the entity lacks it. */
export function entityAttr(data: EntityData, name: string): Value | undefined {
  return Object.hasOwn(data.attrs, name) ? readValue(data.attrs[name], 1) : undefined;
}

/** Cedar value JSON: `{"__entity": …}` is an entity; other objects are records. */
export function valueFromJson(x: unknown, where: string, depth = 0): Value {
  try {
    return readValue(x, depth);
  } catch (err) {
    if (!(err instanceof PolicyRequestError)) throw err;
    throw new PolicyRequestError(`${where}${err.message}`);
  }
}

function readValue(x: unknown, depth: number): Value {
  if (depth > MAX_VALUE_DEPTH) throw new PolicyRequestError(`: value nested deeper than ${MAX_VALUE_DEPTH}`);
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'number':
      if (!Number.isSafeInteger(x)) throw new PolicyRequestError(`: ${x} is not an integer Cedar can read exactly`);
      return BigInt(x);
    default:
      break;
  }
  if (Array.isArray(x)) {
    const items: Value[] = [];
    for (let i = 0; i < x.length; i++) {
      try {
        items.push(readValue(x[i], depth + 1));
      } catch (err) {
        prefixed(err, i);
      }
    }
    return new SetValue(items);
  }
  if (!isObject(x)) throw new PolicyRequestError(': null is not a Cedar value');
  if (x['__entity'] !== undefined) return uidFromJson(x, '');
  if (x['__extn'] !== undefined) throw new PolicyRequestError(': extension values are not supported');
  return readRecord(x, depth);
}

function readRecord(x: unknown, depth: number): RecordValue {
  if (!isObject(x)) throw new PolicyRequestError(': expected a record (JSON object)');
  const fields = new Map<string, Value>();
  for (const k in x) {
    if (!Object.hasOwn(x, k)) continue;
    try {
      fields.set(k, readValue(x[k], depth + 1));
    } catch (err) {
      prefixed(err, k);
    }
  }
  return new RecordValue(fields);
}

export function recordFromJson(x: unknown, where: string, depth = 0): RecordValue {
  try {
    return readRecord(x, depth);
  } catch (err) {
    if (!(err instanceof PolicyRequestError)) throw err;
    throw new PolicyRequestError(`${where}${err.message}`);
  }
}

export function requestFromJson(x: unknown): Request {
  if (!isObject(x)) throw new PolicyRequestError('request: expected a JSON object');
  return {
    principal: uidFromJson(x['principal'], 'principal'),
    action: uidFromJson(x['action'], 'action'),
    resource: uidFromJson(x['resource'], 'resource'),
    context: recordFromJson(x['context'] ?? {}, 'context'),
    entities: entitiesFromJson(x['entities'] ?? []),
  };
}

interface RawEntity {
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly parents: readonly string[];
  readonly json: unknown;
}

export function entitiesFromJson(x: unknown): ReadonlyMap<string, EntityData> {
  if (!Array.isArray(x)) throw new PolicyRequestError('entities: expected a JSON array');
  if (x.length > MAX_REQUEST_ENTITIES) throw new PolicyRequestError(`entities: more than ${MAX_REQUEST_ENTITIES}`);
  const raw = new Map<string, RawEntity>();
  for (let i = 0; i < x.length; i++) {
    try {
      readEntity(x[i], raw);
    } catch (err) {
      if (!(err instanceof PolicyRequestError)) throw err;
      throw new PolicyRequestError(`entities[${i}]${err.message}`);
    }
  }
  return checkAcyclic(raw);
}

function readEntity(e: unknown, raw: Map<string, RawEntity>): void {
  if (!isObject(e)) throw new PolicyRequestError(': expected an object');
  const uid = uidFromJson(e['uid'], '.uid');
  const attrs = e['attrs'] ?? {};
  if (!isObject(attrs)) throw new PolicyRequestError('.attrs: expected a record (JSON object)');
  for (const k in attrs) {
    if (!Object.hasOwn(attrs, k)) continue;
    try {
      checkValue(attrs[k], 1);
    } catch (err) {
      prefixed(err, `attrs.${k}`);
    }
  }
  const parentsJson = e['parents'] ?? [];
  if (!Array.isArray(parentsJson)) throw new PolicyRequestError('.parents: expected an array');
  const parents: string[] = [];
  for (let j = 0; j < parentsJson.length; j++) parents.push(uidFromJson(parentsJson[j], `.parents[${j}]`).key);
  const prior = raw.get(uid.key);
  // Cedar accepts an exact repeat of an entity; anything else under the same uid is an error.
  if (prior !== undefined && JSON.stringify(prior.json) !== JSON.stringify(e)) {
    throw new PolicyRequestError(`: duplicate entity ${uid.text}`);
  }
  raw.set(uid.key, { attrs, parents, json: e });
}

/** Rejects a cycle in `parents`, as Cedar does; iterative three-colour DFS, O(entities + edges). */
function checkAcyclic(raw: ReadonlyMap<string, RawEntity>): ReadonlyMap<string, EntityData> {
  let state: Map<string, 1 | 2> | undefined;
  for (const [root, entity] of raw) {
    if (!hasStoredParent(raw, entity.parents)) continue; // no edge inside the store: no cycle through it
    state ??= new Map();
    if (state.has(root)) continue;
    const stack: Array<{ key: string; i: number }> = [{ key: root, i: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const parents = raw.get(top.key)?.parents ?? [];
      if (top.i >= parents.length) {
        state.set(top.key, 2);
        stack.pop();
        continue;
      }
      const p = parents[top.i++]!;
      if (!raw.has(p)) continue;
      const s = state.get(p);
      if (s === 1) throw new PolicyRequestError(`entities: the parent hierarchy has a cycle through ${keyText(p)}`);
      if (s === undefined) {
        state.set(p, 1);
        stack.push({ key: p, i: 0 });
      }
    }
  }
  return raw;
}

function hasStoredParent(raw: ReadonlyMap<string, RawEntity>, parents: readonly string[]): boolean {
  for (const p of parents) if (raw.has(p)) return true;
  return false;
}

/**
 * True when `ancestor` is reachable from `key` through `parents` (Cedar's transitive `in`).
 * A walk per question instead of a stored closure, so memory stays linear in the request.
 */
export function isAncestor(entities: ReadonlyMap<string, EntityData>, key: string, ancestor: string): boolean {
  const first = entities.get(key)?.parents;
  if (first === undefined || first.length === 0) return false;
  for (const p of first) if (p === ancestor) return true;
  // Depth two without allocating: the common shape user → group → home.
  let deeper = false;
  for (const p of first) {
    const pp = entities.get(p)?.parents;
    if (pp === undefined || pp.length === 0) continue;
    for (const q of pp) {
      if (q === ancestor) return true;
      if ((entities.get(q)?.parents.length ?? 0) > 0) deeper = true;
    }
  }
  return deeper && ancestorsOf(entities, key).has(ancestor);
}

/** Every ancestor of an entity (not including itself). */
export function ancestorsOf(entities: ReadonlyMap<string, EntityData>, key: string): Set<string> {
  const out = new Set<string>();
  const todo = [...(entities.get(key)?.parents ?? [])];
  while (todo.length > 0) {
    const k = todo.pop()!;
    if (out.has(k)) continue;
    out.add(k);
    todo.push(...(entities.get(k)?.parents ?? []));
  }
  return out;
}
