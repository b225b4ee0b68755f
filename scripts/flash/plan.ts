/**
 * What flashing writes, as data: one list of entries for the root file system and one for the
 * boot partition. The image, device and directory backends apply the same plan, and the
 * read-back check compares against it.
 */
import { readdir, lstat, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface PlanEntry {
  readonly kind: 'dir' | 'file' | 'symlink';
  /** Absolute path inside the target file system. */
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** For files: where the bytes come from on this machine (or inline). */
  readonly source?: string;
  readonly content?: Uint8Array;
  /** For symlinks. */
  readonly target?: string;
}

export interface FlashPlan {
  readonly root: readonly PlanEntry[];
  readonly boot: readonly PlanEntry[];
  /** Bytes the root entries need, for the free-space check. */
  readonly rootBytes: number;
}

export const AGENT_HOME = '/opt/ip2-agent';
export const SLOT = `${AGENT_HOME}/slots/a`;
export const UNIT = '/etc/systemd/system/ip2-agent.service';
export const UNIT_WANTS = '/etc/systemd/system/multi-user.target.wants/ip2-agent.service';
export const PROVISION = '/etc/ip2-agent/provision.json';
export const BOOT_NOTE = '/ip2-agent.txt';

export async function makePlan(releaseDir: string, provision: Uint8Array, version: string): Promise<FlashPlan> {
  const root: PlanEntry[] = [];
  const dir = (path: string, mode = 0o755): void => void root.push({ kind: 'dir', path, mode, uid: 0, gid: 0 });
  for (const d of ['/opt', AGENT_HOME, `${AGENT_HOME}/slots`, SLOT, '/etc/ip2-agent', '/etc/systemd', '/etc/systemd/system', '/etc/systemd/system/multi-user.target.wants']) dir(d);
  let rootBytes = 0;
  for (const e of await walk(releaseDir)) {
    const path = `${SLOT}/${relative(releaseDir, e.path)}`;
    if (e.dir) dir(path);
    else if (e.link !== undefined) root.push({ kind: 'symlink', path, mode: 0o777, uid: 0, gid: 0, target: e.link });
    else {
      root.push({ kind: 'file', path, mode: e.mode & 0o755, uid: 0, gid: 0, source: e.path });
      rootBytes += e.size;
    }
  }
  root.push({ kind: 'symlink', path: `${AGENT_HOME}/current`, mode: 0o777, uid: 0, gid: 0, target: 'slots/a' });
  const unit = await readFile(join(releaseDir, 'systemd/ip2-agent.service'));
  root.push({ kind: 'file', path: UNIT, mode: 0o644, uid: 0, gid: 0, content: unit });
  root.push({ kind: 'symlink', path: UNIT_WANTS, mode: 0o777, uid: 0, gid: 0, target: UNIT });
  root.push({ kind: 'file', path: PROVISION, mode: 0o600, uid: 0, gid: 0, content: provision });
  rootBytes += unit.length + provision.length;
  const note = new TextEncoder().encode(
    `ip2-agent ${version} was written to this card by \`ip2 flash\`.\r\n` +
      `On first boot the agent creates its identity and enters pairing mode for 5 minutes;\r\n` +
      `its pairing code appears on the console, in \`journalctl -u ip2-agent\`, and, when the\r\n` +
      `provisioning file asks for it, in ip2-pairing.txt beside this file.\r\n`,
  );
  const boot: PlanEntry[] = [{ kind: 'file', path: BOOT_NOTE, mode: 0o644, uid: 0, gid: 0, content: note }];
  return { root, boot, rootBytes };
}

interface WalkEntry {
  readonly path: string;
  readonly dir: boolean;
  readonly mode: number;
  readonly size: number;
  readonly link?: string;
}

async function walk(top: string): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  const visit = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const p = join(d, entry.name);
      const st = await lstat(p);
      if (st.isDirectory()) {
        out.push({ path: p, dir: true, mode: st.mode, size: 0 });
        await visit(p);
      } else if (st.isSymbolicLink()) {
        const { readlink } = await import('node:fs/promises');
        out.push({ path: p, dir: false, mode: st.mode, size: 0, link: await readlink(p) });
      } else {
        out.push({ path: p, dir: false, mode: st.mode, size: st.size });
      }
    }
  };
  await visit(top);
  return out;
}
