/**
 * `ip2 fw keys | repo init | release | sign` (manufacturer) and `ip2 fw provision | check |
 * update | status | confirm | rollback | boot` (device): signed firmware updates, TUF metadata
 * and A/B slots (PROTOCOL.md "## Firmware update metadata and slots").
 */
import { resolve } from 'node:path';
import { defaultCrypto } from '../../crypto/index.ts';
import { openTpm, tpmNvCounter } from '../../identity/tpm/index.ts';
import { fileCounterStore, mirroredCounterStore, openDevice, provisionDevice, stateDir } from '../../../firmware-update/client/index.ts';
import { readState } from '../../../firmware-update/slots/index.ts';
import type { CounterStore, DeviceParts } from '../../../firmware-update/client/index.ts';
import { generateRoleKeys, initRepo, readKeyFile, readRoleKeys, release, signRole } from '../../../firmware-update/repo/index.ts';
import type { RoleName } from '../../../firmware-update/trust/index.ts';
import { type Command, type Invocation, UsageError, flag, printJson, requireOption, stringOption } from '../command.ts';

const DEFAULT_ROOT = '/opt/ip2-agent';
const ROLES: readonly RoleName[] = ['root', 'targets', 'snapshot', 'timestamp'];
const clock = { now: () => Date.now() };

const abs = (inv: Invocation, p: string): string => resolve(inv.io.cwd, p);

function int(inv: Invocation, name: string, min: number, dflt: number): number {
  const v = stringOption(inv, name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return n;
}

function list(inv: Invocation, name: string): string[] {
  const v = inv.options[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

function bar(inv: Invocation): ((label: string, done: number, total: number) => void) | undefined {
  if ((inv.io.stderr as { isTTY?: boolean }).isTTY !== true) return undefined;
  let shown = '';
  return (label, done, total) => {
    const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
    const line = `\r${label.padEnd(9)} [${'#'.repeat(Math.round(pct * 0.3)).padEnd(30, '.')}] ${String(pct).padStart(3)}%${pct === 100 ? '\n' : ''}`;
    if (line !== shown) inv.io.stderr.write(line);
    shown = line;
  };
}

const keys: Command = {
  path: ['fw', 'keys'],
  summary: 'make Ed25519 role keys for a firmware repository (manufacturer, offline machine)',
  options: {
    keys: { type: 'string', arg: 'DIR', description: 'where to write the key files (required; created 0700, files 0600)' },
    'root-keys': { type: 'string', arg: 'N', description: 'number of root keys (default 3)' },
    'targets-keys': { type: 'string', arg: 'N', description: 'number of targets keys (default 1)' },
  },
  async run(inv) {
    const dir = abs(inv, requireOption(inv, 'keys'));
    const made = await generateRoleKeys(defaultCrypto(), dir, { root: int(inv, 'root-keys', 1, 3), targets: int(inv, 'targets-keys', 1, 1), snapshot: 1, timestamp: 1 });
    for (const k of made) inv.io.stdout.write(`${k.path ?? ''}  ${k.keyid}\n`);
  },
};

const repoInit: Command = {
  path: ['fw', 'repo', 'init'],
  usage: 'REPO',
  summary: 'create a static TUF repository (root v1, empty targets, snapshot, timestamp)',
  options: {
    keys: { type: 'string', arg: 'DIR', description: 'role keys from `ip2 fw keys` (required)' },
    'root-threshold': { type: 'string', arg: 'N', description: 'root signatures required (default: majority of root keys)' },
  },
  details: 'REPO/metadata/ and REPO/targets/ can be served as they are by any HTTP server.\nGive devices REPO/metadata/1.root.json as their trusted root.',
  async run(inv) {
    const [repo] = inv.positionals;
    if (repo === undefined || inv.positionals.length !== 1) throw new UsageError('expected REPO');
    const crypto = defaultCrypto();
    const k = await readRoleKeys(crypto, abs(inv, requireOption(inv, 'keys')));
    const root = await initRepo({ crypto, clock }, abs(inv, repo), { keys: k, thresholds: { root: int(inv, 'root-threshold', 1, Math.floor(k.root.length / 2) + 1) } });
    inv.io.stdout.write(`${abs(inv, repo)}: root v${root.version}, root threshold ${root.roles.root.threshold} of ${root.roles.root.keyids.length}\n`);
  },
};

const rel: Command = {
  path: ['fw', 'release'],
  usage: 'IMAGE',
  summary: 'add IMAGE as a target (with FWD1 deltas from earlier images); leaves targets unsigned',
  options: {
    repo: { type: 'string', arg: 'REPO', description: 'the repository (required)' },
    version: { type: 'string', arg: 'V', description: 'release version (required)' },
    'delta-from': { type: 'string', multiple: true, arg: 'OLD', description: 'an earlier image to make a delta from (repeatable)' },
    'hardware-id': { type: 'string', multiple: true, arg: 'ID', description: 'hardware the image is for (repeatable; default rpi-zero2w)' },
    'release-counter': { type: 'string', arg: 'N', description: 'Uptane release counter (default: highest + 1)' },
    json: { type: 'boolean', description: 'print the target as JSON' },
  },
  details: 'Then: ip2 fw sign targets, ip2 fw sign snapshot, ip2 fw sign timestamp.',
  async run(inv) {
    if (inv.positionals.length !== 1) throw new UsageError('expected IMAGE');
    const hw = list(inv, 'hardware-id');
    const rc = stringOption(inv, 'release-counter');
    const r = await release({ crypto: defaultCrypto(), clock }, abs(inv, requireOption(inv, 'repo')), abs(inv, inv.positionals[0]!), {
      version: requireOption(inv, 'version'), hardwareIds: hw.length > 0 ? hw : ['rpi-zero2w'],
      deltaFrom: list(inv, 'delta-from').map((p) => abs(inv, p)), ...(rc === undefined ? {} : { releaseCounter: int(inv, 'release-counter', 0, 0) }),
    });
    if (flag(inv, 'json')) printJson(inv, r);
    else inv.io.stdout.write(`${r.path}: ${r.target.length} bytes, releaseCounter ${r.target.custom.releaseCounter}, ${r.target.custom.deltas.length} delta(s)\n`);
  },
};

const sign: Command = {
  path: ['fw', 'sign'],
  usage: 'ROLE',
  summary: 'sign root or targets, or rebuild and sign snapshot or timestamp',
  options: {
    repo: { type: 'string', arg: 'REPO', description: 'the repository (required)' },
    keys: { type: 'string', arg: 'DIR', description: 'sign with every ROLE-n.json key in DIR' },
    key: { type: 'string', multiple: true, arg: 'FILE', description: 'sign with this key file (repeatable)' },
  },
  async run(inv) {
    const role = inv.positionals[0] as RoleName | undefined;
    if (role === undefined || !ROLES.includes(role)) throw new UsageError(`ROLE must be one of ${ROLES.join(', ')}`);
    const crypto = defaultCrypto();
    const dir = stringOption(inv, 'keys');
    const signers = [
      ...(dir === undefined ? [] : (await readRoleKeys(crypto, abs(inv, dir)))[role]),
      ...(await Promise.all(list(inv, 'key').map((f) => readKeyFile(crypto, abs(inv, f))))),
    ];
    if (signers.length === 0) throw new UsageError('give --keys DIR or --key FILE');
    const env = await signRole({ crypto, clock }, abs(inv, requireOption(inv, 'repo')), role, signers);
    inv.io.stdout.write(`${role}.json v${(env.signed as { version: number }).version}: ${env.signatures.length} signature(s)\n`);
  },
};

const deviceOptions = {
  root: { type: 'string', arg: 'DIR', description: `install root (default ${DEFAULT_ROOT})` },
  'tpm-nv': { type: 'string', arg: 'INDEX', description: 'also keep the release counter in this TPM NV counter (e.g. 0x01000ea2, /dev/tpmrm0)' },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

const rootDir = (inv: Invocation): string => abs(inv, stringOption(inv, 'root') ?? DEFAULT_ROOT);

/** Runs `f` with the device's parts; with --tpm-nv the counter is mirrored into the TPM. */
async function withCounter<T>(inv: Invocation, f: (counter: CounterStore | undefined) => Promise<T>): Promise<T> {
  const index = stringOption(inv, 'tpm-nv');
  if (index === undefined) return f(undefined);
  const n = Number(index);
  if (!Number.isSafeInteger(n) || n < 0x01000000 || n > 0x01ffffff) throw new UsageError('--tpm-nv must be an NV index 0x01000000..0x01ffffff');
  const tpm = await openTpm();
  try {
    return await f(mirroredCounterStore(fileCounterStore(stateDir(rootDir(inv))), await tpmNvCounter(tpm, n)));
  } finally {
    await tpm.close();
  }
}

const withDevice = <T>(inv: Invocation, f: (d: DeviceParts) => Promise<T>): Promise<T> =>
  withCounter(inv, async (counter) => f(await openDevice(rootDir(inv), { crypto: defaultCrypto(), clock, ...(counter ? { counter } : {}) })));

const provision: Command = {
  path: ['fw', 'provision'],
  summary: 'prepare a device for updates: trusted root, repository, hardware id, first slot',
  options: {
    ...deviceOptions,
    repo: { type: 'string', arg: 'URL|DIR', description: 'repository base (required)' },
    'trusted-root': { type: 'string', arg: 'FILE', description: "the manufacturer's 1.root.json (required)" },
    image: { type: 'string', arg: 'IMAGE', description: 'image of the slot to run first (required)' },
    version: { type: 'string', arg: 'V', description: 'its version (required)' },
    'release-counter': { type: 'string', arg: 'N', description: 'its release counter (default 1)' },
    'hardware-id': { type: 'string', arg: 'ID', description: 'this board (default rpi-zero2w)' },
  },
  async run(inv) {
    const repo = requireOption(inv, 'repo');
    const s = await withCounter(inv, (counter) => provisionDevice(rootDir(inv), { crypto: defaultCrypto(), clock, ...(counter ? { counter } : {}) }, {
      repository: /^https?:\/\//.test(repo) ? repo : abs(inv, repo), hardwareId: stringOption(inv, 'hardware-id') ?? 'rpi-zero2w',
      trustedRoot: abs(inv, requireOption(inv, 'trusted-root')), image: abs(inv, requireOption(inv, 'image')),
      version: requireOption(inv, 'version'), releaseCounter: int(inv, 'release-counter', 0, 1),
    }));
    inv.io.stdout.write(`provisioned: slot ${s.committed} runs ${requireOption(inv, 'version')}\n`);
  },
};

const check: Command = {
  path: ['fw', 'check'],
  summary: 'refresh the signed metadata and say whether an update is available',
  options: deviceOptions,
  async run(inv) {
    const c = await withDevice(inv, (d) => d.updater.check());
    if (flag(inv, 'json')) {
      printJson(inv, c.status === 'available' ? { status: c.status, plan: c.plan, current: c.current } : { status: c.status, current: c.current });
    } else if (c.status === 'up-to-date') inv.io.stdout.write(`up to date (${c.current?.version ?? 'unknown'})\n`);
    else inv.io.stdout.write(`${c.plan.target.custom.version} available (${c.plan.delta ? 'delta' : 'full image'}, ${c.plan.downloadBytes} bytes to download)\n`);
  },
};

const update: Command = {
  path: ['fw', 'update'],
  summary: 'download, verify and install the newest release into the inactive slot, then switch',
  options: {
    ...deviceOptions,
    yes: { type: 'boolean', short: 'y', description: 'install without asking (otherwise only show the plan)' },
    full: { type: 'boolean', description: 'download the full image even if a delta fits' },
    'max-rate': { type: 'string', arg: 'BYTES/S', description: 'bandwidth cap' },
  },
  details: 'After the switch, restart the agent (systemctl restart ip2-agent); it must then pass its\nhealth check (or `ip2 fw confirm`) within the window, or the previous slot comes back.',
  run: (inv) => withDevice(inv, async (d) => {
    if (!flag(inv, 'yes')) {
      const c = await d.updater.check();
      inv.io.stdout.write(c.status === 'up-to-date' ? 'up to date\n' : `would install ${c.plan.target.custom.version}; run with --yes\n`);
      return;
    }
    const p = bar(inv);
    const rate = stringOption(inv, 'max-rate');
    const r = await d.updater.update({
      full: flag(inv, 'full'), onProgress: (phase, done, total) => p?.(phase, done, total),
      ...(rate === undefined ? {} : { bytesPerSecond: int(inv, 'max-rate', 1, 1) }),
    });
    if (flag(inv, 'json')) printJson(inv, r);
    else inv.io.stdout.write(r.status === 'up-to-date' ? 'up to date\n' : `switched to ${r.record?.version ?? '?'} on trial; restart the agent and confirm\n`);
  }),
};

const status: Command = {
  path: ['fw', 'status'],
  summary: 'show the slots, the update phase, the release counter and the last failure',
  options: deviceOptions,
  run: (inv) => withDevice(inv, async (d) => {
    const s = await d.slots.load();
    const out = { running: await d.backend.running(), ...s, releaseCounter: await d.counter.read(), repository: d.config.repository };
    if (flag(inv, 'json')) printJson(inv, out);
    else {
      inv.io.stdout.write(`running slot ${out.running} (${s.slots[out.running]?.version ?? '?'}), committed ${s.committed}, phase ${s.phase}, release counter ${out.releaseCounter}\n`);
      if (s.lastFailure) inv.io.stdout.write(`last failure: ${s.lastFailure.version}: ${s.lastFailure.reason}\n`);
    }
  }),
};

const confirm: Command = {
  path: ['fw', 'confirm'],
  summary: 'commit the slot on trial (after its health check passed)',
  options: { ...deviceOptions, 'if-trial': { type: 'boolean', description: 'do nothing when no slot is on trial (the unit runs this after the agent reports READY)' } },
  async run(inv) {
    if (flag(inv, 'if-trial')) {
      const state = await readState(rootDir(inv));
      if (state === undefined || (state.phase !== 'trial' && state.phase !== 'committing')) {
        inv.io.stdout.write(`nothing on trial (${state === undefined ? 'not provisioned for updates' : `phase ${state.phase}`})\n`);
        return;
      }
    }
    const s = await withDevice(inv, (d) => d.slots.confirm());
    inv.io.stdout.write(`committed slot ${s.committed} (${s.slots[s.committed]?.version ?? '?'})\n`);
  },
};

const rollback: Command = {
  path: ['fw', 'rollback'],
  summary: 'go back to the committed slot now',
  options: deviceOptions,
  async run(inv) {
    const r = await withDevice(inv, (d) => d.slots.rollback('rolled back by hand'));
    inv.io.stdout.write(`back on slot ${r.state.committed}${r.restart ? '; restart the agent' : ''}\n`);
  },
};

const boot: Command = {
  path: ['fw', 'boot'],
  summary: 'start-up recovery (systemd ExecStartPre): finish or undo an interrupted step, count trial starts',
  options: deviceOptions,
  async run(inv) {
    const r = await withDevice(inv, (d) => d.slots.boot());
    if (r.rolledBack !== undefined) inv.io.stderr.write(`rolled back: ${r.rolledBack}\n`);
    inv.io.stdout.write(`phase ${r.state.phase}${r.restart ? ', restart needed' : ''}\n`);
    return r.restart ? 3 : 0;
  },
};

export const fwUpdateCommands: Command[] = [keys, repoInit, rel, sign, provision, check, update, status, confirm, rollback, boot];
