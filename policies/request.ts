/**
 * Reads a request in Cedar's JSON shape (principal, action, resource, context, entities) into
 * runtime values and an entity store with the transitive parent relation. Total: any JSON value
 * gives a Request or a PolicyRequestError (Cedar entity JSON format:
 * https://docs.cedarpolicy.com/auth/entities-syntax.html).
 */
import { MAX_REQUEST_ENTITIES, MAX_VALUE_DEPTH } from './constants.ts';
import { PolicyRequestError } from './errors.ts';
import { EntityValue, RecordValue, SetValue } from './values.ts';
import type { Value } from './values.ts';

export interface EntityData {
  readonly attrs: ReadonlyMap<string, Value>;
  /** Every ancestor key (transitive `parents`), not including the entity itself. */
  readonly ancestors: ReadonlySet<string>;
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
  const inner = isObject(x) && Object.hasOwn(x, '__entity') ? x['__entity'] : x;
  if (!isObject(inner) || typeof inner['type'] !== 'string' || typeof inner['id'] !== 'string') {
    throw new PolicyRequestError(`${where}: expected an entity {"type": …, "id": …}`);
  }
  if (!TYPE_NAME.test(inner['type'])) throw new PolicyRequestError(`${where}: invalid entity type ${JSON.stringify(inner['type'])}`);
  return new EntityValue(inner['type'], inner['id']);
}

/** Cedar value JSON: `{"__entity": …}` is an entity; other objects are records. */
export function valueFromJson(x: unknown, where: string, depth = 0): Value {
  if (depth > MAX_VALUE_DEPTH) throw new PolicyRequestError(`${where}: value nested deeper than ${MAX_VALUE_DEPTH}`);
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'number':
      if (!Number.isSafeInteger(x)) throw new PolicyRequestError(`${where}: ${x} is not an integer Cedar can read exactly`);
      return BigInt(x);
    default:
      break;
  }
  if (Array.isArray(x)) return new SetValue(x.map((v, i) => valueFromJson(v, `${where}[${i}]`, depth + 1)));
  if (!isObject(x)) throw new PolicyRequestError(`${where}: null is not a Cedar value`);
  if (Object.hasOwn(x, '__entity')) return uidFromJson(x, where);
  if (Object.hasOwn(x, '__extn')) throw new PolicyRequestError(`${where}: extension values are not supported`);
  return recordFromJson(x, where, depth);
}

export function recordFromJson(x: unknown, where: string, depth = 0): RecordValue {
  if (!isObject(x)) throw new PolicyRequestError(`${where}: expected a record (JSON object)`);
  const fields = new Map<string, Value>();
  for (const [k, v] of Object.entries(x)) fields.set(k, valueFromJson(v, `${where}.${k}`, depth + 1));
  return new RecordValue(fields);
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
  readonly attrs: ReadonlyMap<string, Value>;
  readonly parents: readonly string[];
  readonly json: string;
}

export function entitiesFromJson(x: unknown): ReadonlyMap<string, EntityData> {
  if (!Array.isArray(x)) throw new PolicyRequestError('entities: expected a JSON array');
  if (x.length > MAX_REQUEST_ENTITIES) throw new PolicyRequestError(`entities: more than ${MAX_REQUEST_ENTITIES}`);
  const raw = new Map<string, RawEntity>();
  x.forEach((e: unknown, i) => {
    const where = `entities[${i}]`;
    if (!isObject(e)) throw new PolicyRequestError(`${where}: expected an object`);
    const uid = uidFromJson(e['uid'], `${where}.uid`);
    const attrs = recordFromJson(e['attrs'] ?? {}, `${where}.attrs`).fields;
    const parentsJson = e['parents'] ?? [];
    if (!Array.isArray(parentsJson)) throw new PolicyRequestError(`${where}.parents: expected an array`);
    const parents = parentsJson.map((p: unknown, j) => uidFromJson(p, `${where}.parents[${j}]`).key);
    const json = JSON.stringify(e);
    const prior = raw.get(uid.key);
    if (prior !== undefined && prior.json !== json) throw new PolicyRequestError(`${where}: duplicate entity ${uid.key}`);
    raw.set(uid.key, { attrs, parents, json });
  });
  return closeHierarchy(raw);
}

/** Transitive closure of `parents`; a cycle is an error, as in Cedar. Iterative, so deep chains are safe. */
function closeHierarchy(raw: ReadonlyMap<string, RawEntity>): Map<string, EntityData> {
  const done = new Map<string, Set<string>>();
  const onPath = new Set<string>();
  const visit = (root: string): void => {
    const stack: Array<{ key: string; i: number }> = [{ key: root, i: 0 }];
    onPath.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const parents = raw.get(top.key)?.parents ?? [];
      if (top.i < parents.length) {
        const p = parents[top.i++]!;
        if (onPath.has(p)) throw new PolicyRequestError(`entities: the parent hierarchy has a cycle through ${p}`);
        if (!done.has(p)) { onPath.add(p); stack.push({ key: p, i: 0 }); }
        continue;
      }
      const anc = new Set<string>();
      for (const p of parents) {
        anc.add(p);
        for (const a of done.get(p) ?? []) anc.add(a);
      }
      done.set(top.key, anc);
      onPath.delete(top.key);
      stack.pop();
    }
  };
  const out = new Map<string, EntityData>();
  for (const [key, e] of raw) {
    if (!done.has(key)) visit(key);
    out.set(key, { attrs: e.attrs, ancestors: done.get(key)! });
  }
  return out;
}
