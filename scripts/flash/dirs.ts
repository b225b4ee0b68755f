/** Applying a flash plan to mounted boot and root directories (target kind `dirs`). */
import { chmod, chown, copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlashPlan, PlanEntry } from './plan.ts';

export async function applyToDirs(bootDir: string, rootDir: string, plan: FlashPlan): Promise<void> {
  for (const e of plan.root) await applyEntry(rootDir, e);
  for (const e of plan.boot) await applyEntry(bootDir, e, false);
}

async function applyEntry(top: string, e: PlanEntry, owners = true): Promise<void> {
  const path = join(top, e.path);
  if (e.kind === 'dir') await mkdir(path, { recursive: true, mode: e.mode });
  else {
    await rm(path, { force: true });
    if (e.kind === 'symlink') await symlink(e.target ?? '', path);
    else if (e.source !== undefined) await copyFile(e.source, path);
    else await writeFile(path, e.content ?? new Uint8Array());
  }
  if (e.kind !== 'symlink') await chmod(path, e.mode);
  if (owners && process.getuid?.() === 0) await chown(path, e.uid, e.gid).catch(() => undefined);
}
