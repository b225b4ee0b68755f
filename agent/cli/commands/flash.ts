/** `ip2 flash`: put a release and its provisioning onto a Raspberry Pi OS image or SD card. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { flash, type FlashTarget } from '../../../scripts/flash/flash.ts';
import { type Command, UsageError, requireOption } from '../command.ts';

const flashCommand: Command = {
  path: ['flash'],
  summary: 'write the agent, its systemd unit and a provisioning file onto a Raspberry Pi OS image or SD card',
  options: {
    release: { type: 'string', arg: 'DIR|TAR.GZ', description: 'the release bundle (npm run release -- --arch arm64)' },
    provision: { type: 'string', arg: 'FILE', description: 'provisioning JSON: owner DID, broker URL, drivers (see provision.example.json)' },
    image: { type: 'string', arg: 'FILE', description: 'a Raspberry Pi OS .img file (nothing is mounted)' },
    device: { type: 'string', arg: 'DEV', description: 'an SD card block device, e.g. /dev/sdb (needs --yes)' },
    boot: { type: 'string', arg: 'DIR', description: 'a mounted boot partition (with --root)' },
    root: { type: 'string', arg: 'DIR', description: 'a mounted root partition (with --boot)' },
    yes: { type: 'boolean', description: 'confirm writing to a block device' },
  },
  details: `Exactly one target: --image FILE, --device DEV --yes, or --boot DIR --root DIR.
The device must not be mounted and must not be this machine's own disk; the image must have
a FAT boot partition with config.txt and cmdline.txt and an ext4 root. After writing, every
file, owner, mode and the enabled unit are read back and compared.`,
  async run(inv) {
    const target = chooseTarget(inv.options, inv.io.cwd);
    const provision = await readFile(resolve(inv.io.cwd, requireOption(inv, 'provision'))).catch((cause: unknown) => {
      throw Object.assign(new UsageError('cannot read the --provision file'), { cause });
    });
    const { dir, cleanup } = await unpackRelease(resolve(inv.io.cwd, requireOption(inv, 'release')));
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { version: string; arch: string };
      const plan = await flash({ target, releaseDir: dir, provision, version: manifest.version, log: (l) => inv.io.stderr.write(`flash: ${l}\n`) });
      inv.io.stdout.write(`ip2-agent ${manifest.version} (${manifest.arch}) written and verified: ${plan.root.length} root entries, unit enabled\n`);
    } finally {
      await cleanup();
    }
  },
};

function chooseTarget(o: Record<string, unknown>, cwd: string): FlashTarget {
  const image = o['image'];
  const device = o['device'];
  const boot = o['boot'];
  const root = o['root'];
  const chosen = [image, device, boot ?? root].filter((x) => x !== undefined).length;
  if (chosen !== 1) throw new UsageError('give exactly one target: --image FILE, --device DEV or --boot DIR --root DIR');
  if (typeof image === 'string') return { kind: 'image', path: resolve(cwd, image) };
  if (typeof device === 'string') {
    if (o['yes'] !== true) throw new UsageError(`writing to ${device} erases nothing but changes its root file system: add --yes to confirm`);
    return { kind: 'device', path: device };
  }
  if (typeof boot !== 'string' || typeof root !== 'string') throw new UsageError('--boot and --root go together');
  return { kind: 'dirs', boot: resolve(cwd, boot), root: resolve(cwd, root) };
}

async function unpackRelease(path: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  if (!path.endsWith('.tar.gz')) return { dir: path, cleanup: () => Promise.resolve() };
  const tmp = await mkdtemp(join(tmpdir(), 'ip2-release-'));
  execFileSync('tar', ['-xzf', path, '-C', tmp]);
  const [top] = await readdir(tmp);
  if (top === undefined) throw new UsageError(`${path} is empty`);
  return { dir: join(tmp, top), cleanup: () => rm(tmp, { recursive: true, force: true }) };
}

export const flashCommands: readonly Command[] = [flashCommand];
