/** The device's trusted TUF metadata on disk: `<state>/trusted/<role>.json`, each replaced atomically. */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir, writeFileAtomic } from '../../agent/fs/atomic.ts';
import type { TrustedStore } from '../trust/index.ts';
import { TRUSTED_DIR, VERIFIED_AT_FILE } from './constants.ts';

export function fileTrustedStore(stateDir: string): TrustedStore {
  const dir = join(stateDir, TRUSTED_DIR);
  const file = (role: string): string => join(dir, `${role}.json`);
  const ensure = (): Promise<unknown> => mkdir(dir, { recursive: true });
  return {
    async load(role) {
      return readFile(file(role)).then((b) => new Uint8Array(b), () => undefined);
    },
    async save(role, bytes) {
      await ensure();
      await writeFileAtomic(file(role), bytes);
    },
    async remove(role) {
      await rm(file(role), { force: true });
      await ensure();
      await syncDir(dir);
    },
    async loadVerifiedAt() {
      const text = await readFile(join(dir, VERIFIED_AT_FILE), 'utf8').catch(() => undefined);
      const v = text === undefined ? undefined : (JSON.parse(text) as { ms?: unknown }).ms;
      return typeof v === 'number' && Number.isFinite(v) ? v : 0;
    },
    async saveVerifiedAt(ms) {
      await ensure();
      await writeFileAtomic(join(dir, VERIFIED_AT_FILE), `${JSON.stringify({ ms })}\n`);
    },
  };
}
