/**
 * Slot backend (a): the agent's own A/B slot directories (DESIGN.md §8):
 * `<root>/slots/{a,b}/` (bin/ip2, lib/ip2.js, node/bin/node, systemd/, manifest.json),
 * `<root>/slots/{a,b}.image` (the ustar image each came from, kept as the next delta's source)
 * and `<root>/current` → `slots/<x>`, replaced atomically by renaming a new symlink over it.
 * systemd starts `<root>/current/bin/ip2`, so a restart runs whatever `current` names.
 */
import { readFile, readlink, rename, rm, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from '../../agent/fs/atomic.ts';
import { COMPLETE_MARKER, CURRENT_LINK, SLOTS_DIR } from './constants.ts';
import { SlotError } from './errors.ts';
import type { Slot, SlotBackend } from './port.ts';
import { extractTar } from './tar.ts';
import { stat } from 'node:fs/promises';

export function dirSlotBackend(root: string): SlotBackend {
  const slotsDir = join(root, SLOTS_DIR);
  const slotDir = (s: Slot): string => join(slotsDir, s);

  async function point(slot: Slot): Promise<void> {
    const link = join(root, CURRENT_LINK);
    if ((await readlink(link).catch(() => undefined)) === join(SLOTS_DIR, slot)) return;
    const tmp = join(root, `.${CURRENT_LINK}.new`);
    await rm(tmp, { force: true });
    await symlink(join(SLOTS_DIR, slot), tmp);
    await rename(tmp, link); // rename(2) replaces the link atomically
    await syncDir(root);
  }

  async function isComplete(slot: Slot, sha256: string): Promise<boolean> {
    const marker = await readFile(join(slotDir(slot), COMPLETE_MARKER), 'utf8').catch(() => '');
    return marker.trim() === sha256;
  }

  return {
    kind: 'dir',
    imagePath: (s) => join(slotsDir, `${s}.image`),
    isComplete,
    async prepare(slot, sha256) {
      if (await isComplete(slot, sha256)) return;
      const tmp = join(slotsDir, `.${slot}.unpack`);
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp, { recursive: true });
      const image = join(slotsDir, `${slot}.image`);
      await extractTar(image, (await stat(image)).size, tmp);
      await writeFile(join(tmp, COMPLETE_MARKER), `${sha256}\n`);
      await syncDir(tmp);
      await rm(slotDir(slot), { recursive: true, force: true });
      await rename(tmp, slotDir(slot));
      await syncDir(slotsDir);
    },
    startTrial: point,
    restart: () => Promise.resolve(), // the agent exits; systemd starts `current` again
    setCommitted: point,
    async running() {
      const target = await readlink(join(root, CURRENT_LINK)).catch(() => undefined);
      if (target === join(SLOTS_DIR, 'a')) return 'a';
      if (target === join(SLOTS_DIR, 'b')) return 'b';
      throw new SlotError('BAD_STATE', `${join(root, CURRENT_LINK)} does not name a slot`);
    },
  };
}
