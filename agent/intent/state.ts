/**
 * What the device keeps across restarts for intents: the controller set (owner first), revoked
 * grant hashes, and the clock floor. Small JSON files in the state directory, replaced
 * atomically; read once at start, held in memory, written on every change.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';
import { MAX_CONTROLLERS } from './constants.ts';
import { IntentError } from './errors.ts';

export interface StateFs {
  readText(path: string): Promise<string | null>;
  writeAtomic(path: string, text: string): Promise<void>;
}

export const nodeStateFs: StateFs = {
  async readText(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  },
  writeAtomic: (path, text) => writeFileAtomic(path, text, 0o600),
};

export const STATE_FILES = { controllers: 'controllers.json', revocations: 'revocations.json', clock: 'clock.json' } as const;

export interface ControllerStore {
  list(): readonly string[];
  replace(list: readonly string[]): Promise<void>;
  add(did: string): Promise<void>;
  /** Refuses to remove the last controller (only a factory reset does that). */
  remove(did: string): Promise<void>;
}

export interface RevocationStore {
  has(hash: string): boolean;
  add(hash: string): Promise<void>;
  readonly size: number;
}

export interface IntentState {
  readonly controllers: ControllerStore;
  readonly revocations: RevocationStore;
  readonly floorS: number;
  saveFloor(s: number): Promise<void>;
}

function parseJson(text: string | null, file: string): Record<string, unknown> {
  if (text === null) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the typed error
  }
  throw new IntentError('malformed', `${file} in the state directory is not a JSON object`, { badInput: false });
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export async function openIntentState(dir: string, fs: StateFs = nodeStateFs): Promise<IntentState> {
  const path = (f: string): string => join(dir, f);
  const c = parseJson(await fs.readText(path(STATE_FILES.controllers)), STATE_FILES.controllers);
  const r = parseJson(await fs.readText(path(STATE_FILES.revocations)), STATE_FILES.revocations);
  const k = parseJson(await fs.readText(path(STATE_FILES.clock)), STATE_FILES.clock);
  let controllers = stringList(c['controllers']);
  const revoked = new Set(stringList(r['revoked']));
  const saveControllers = (): Promise<void> =>
    fs.writeAtomic(path(STATE_FILES.controllers), `${JSON.stringify({ v: 1, controllers }, null, 2)}\n`);
  return {
    controllers: {
      list: () => controllers,
      async replace(list) {
        controllers = [...list];
        await saveControllers();
      },
      async add(did) {
        if (controllers.includes(did)) return;
        if (controllers.length >= MAX_CONTROLLERS) throw new IntentError('bad_request', `at most ${MAX_CONTROLLERS} controllers`);
        controllers = [...controllers, did];
        await saveControllers();
      },
      async remove(did) {
        if (!controllers.includes(did)) return;
        if (controllers.length === 1) throw new IntentError('last_controller', 'the last controller can only be removed by a factory reset');
        controllers = controllers.filter((x) => x !== did);
        await saveControllers();
      },
    },
    revocations: {
      has: (h) => revoked.has(h),
      async add(h) {
        revoked.add(h);
        await fs.writeAtomic(path(STATE_FILES.revocations), `${JSON.stringify({ v: 1, revoked: [...revoked] }, null, 2)}\n`);
      },
      get size() {
        return revoked.size;
      },
    },
    floorS: typeof k['floor'] === 'number' && Number.isSafeInteger(k['floor']) ? k['floor'] : 0,
    saveFloor: (s) => fs.writeAtomic(path(STATE_FILES.clock), `${JSON.stringify({ v: 1, floor: s })}\n`),
  };
}
