/**
 * The update journey: the manufacturer makes role keys and a TUF repository, releases 1.1.0
 * with a delta from 1.0.0; the device (its install root under the demo's device folder) checks,
 * downloads the delta, installs into the inactive slot, switches, "restarts" (ip2 fw boot, then
 * the slot's own program as its health check) and confirms. Then 1.2.0, whose program crashes
 * at start: each restart counts a trial boot, and after the limit the device rolls back by itself.
 * Every step is an `ip2 fw` command or the slot's program in its own process.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DemoError } from './errors.ts';
import { ip2Json, runIp2 } from './ip2.ts';
import type { Ctx, DeviceState } from './journeys.ts';
import type { Ip2Entry } from './procs.ts';

const run = promisify(execFile);
const MAX_RESTARTS = 6;

export interface FirmwareOutcome {
  readonly updatedTo: string;
  readonly deltaBytes: number;
  readonly imageBytes: number;
  readonly committedAfterUpdate: string;
  readonly rolledBack: string;
  readonly runningAfterRollback: string;
  readonly lastFailure: { version: string; reason: string } | null;
}

/** A slot tree as a ustar image: the program (lib/ip2.js) is the slot's health check. */
async function slotImage(dir: string, version: string, broken: boolean): Promise<string> {
  const tree = join(dir, `tree-${version}`);
  await mkdir(join(tree, 'lib'), { recursive: true });
  const body = Array.from({ length: 4000 }, (_, i) => `export const table${i} = ${(i * 7919) % 10007};`).join('\n');
  const start = broken ? 'throw new Error("1.2.0 cannot open its configuration");' : `process.stdout.write('ip2 ${version} healthy\\n');`;
  await writeFile(join(tree, 'lib', 'ip2.js'), `// ip2 ${version}\n${body}\n${start}\n`);
  await writeFile(join(tree, 'manifest.json'), `${JSON.stringify({ version })}\n`);
  const image = join(dir, `ip2-${version}.tar`);
  await run('tar', ['--format=ustar', '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', tree, '-cf', image, '.']);
  return image;
}

async function must(entry: Ip2Entry, env: NodeJS.ProcessEnv, argv: string[]): Promise<string> {
  const r = await runIp2(entry, argv, env);
  if (r.code !== 0) throw new DemoError('COMMAND_FAILED', `ip2 ${argv.slice(0, 3).join(' ')} exited ${r.code}: ${r.err.trim().split('\n').slice(-2).join(' | ')}`);
  return r.out;
}

interface Status { running: string; committed: string; phase: string; releaseCounter: number; slots: Record<string, { version?: string } | undefined>; lastFailure?: { version: string; reason: string } }

export interface Manufacturer {
  readonly keys: string;
  readonly repo: string;
  readonly images: readonly [string, string, string];
  readonly tookMs: number;
}

type Settled = { ok: true; value: Manufacturer } | { ok: false; error: unknown };

/**
 * The manufacturer's side up to release 1.1.0: role keys, repository, 1.0.0 and 1.1.0 (with a
 * delta from 1.0.0), all signed. It does not depend on the network, so the walk-through starts it
 * in the background at once; the promise never rejects (the error is kept for the firmware step).
 */
export function startManufacturer(entry: Ip2Entry, env: NodeJS.ProcessEnv, root: string): Promise<Settled> {
  const m = join(root, 'manufacturer');
  const keys = join(m, 'keys');
  const repo = join(m, 'repo');
  const t0 = Date.now();
  const work = async (): Promise<Manufacturer> => {
    await mkdir(m, { recursive: true });
    const images: [string, string, string] = await Promise.all([slotImage(m, '1.0.0', false), slotImage(m, '1.1.0', false), slotImage(m, '1.2.0', true)]);
    await must(entry, env, ['fw', 'keys', '--keys', keys]);
    await must(entry, env, ['fw', 'repo', 'init', repo, '--keys', keys]);
    await must(entry, env, ['fw', 'release', images[0], '--repo', repo, '--version', '1.0.0']);
    await must(entry, env, ['fw', 'release', images[1], '--repo', repo, '--version', '1.1.0', '--delta-from', images[0]]);
    await signAll(entry, env, repo, keys);
    return { keys, repo, images, tookMs: Date.now() - t0 };
  };
  return work().then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error }));
}

async function signAll(entry: Ip2Entry, env: NodeJS.ProcessEnv, repo: string, keys: string): Promise<void> {
  for (const role of ['targets', 'snapshot', 'timestamp']) await must(entry, env, ['fw', 'sign', role, '--repo', repo, '--keys', keys]);
}

export async function firmwareJourney(ctx: Ctx, dev: DeviceState, manufacturer: Promise<Settled>): Promise<FirmwareOutcome> {
  const { n } = ctx;
  const fw = join(dev.dir, 'firmware');
  const made = await n.wait('the manufacturer\'s role keys, TUF repository and releases 1.0.0 and 1.1.0 (with a delta)', async () => {
    const r = await manufacturer;
    if (!r.ok) throw r.error;
    return r.value;
  });
  n.say(`made in the background while the network started (${(made.tookMs / 1000).toFixed(1)} s): ${made.repo}`);
  const { repo, keys } = made;
  const [v1, v2, v3] = made.images;
  await n.wait('the device is provisioned on 1.0.0 with the manufacturer\'s root of trust', () =>
    must(ctx.entry, ctx.env, ['fw', 'provision', '--root', fw, '--repo', repo, '--trusted-root', join(repo, 'metadata', '1.root.json'), '--image', v1, '--version', '1.0.0']));

  const check = await ip2Json<{ status: string; plan?: { delta?: unknown; downloadBytes: number; target: { length: number; custom: { version: string } } } }>(ctx.entry, ['fw', 'check', '--root', fw, '--json'], ctx.env);
  if (check.status !== 'available' || check.plan === undefined) throw new DemoError('UNEXPECTED', `no update offered (${check.status})`);
  n.say(`ip2 fw check: ${check.plan.target.custom.version} available, ${check.plan.delta === undefined ? 'full image' : 'delta'} of ${check.plan.downloadBytes} bytes for a ${check.plan.target.length}-byte image`);
  await n.wait('ip2 fw update: fetch the delta from the repository, verify, patch into the inactive slot, switch', () => must(ctx.entry, ctx.env, ['fw', 'update', '--root', fw, '--yes']));
  const healthy = await restart(ctx, fw);
  if (!healthy.ok) throw new DemoError('UNEXPECTED', `1.1.0 did not start: ${healthy.text}`);
  n.say(`restart: ${healthy.boot}; the slot's program says "${healthy.text}"`);
  await must(ctx.entry, ctx.env, ['fw', 'confirm', '--root', fw]);
  const s1 = await ip2Json<Status>(ctx.entry, ['fw', 'status', '--root', fw, '--json'], ctx.env);
  n.ok(`confirmed: slot ${s1.committed} runs ${s1.slots[s1.committed]?.version ?? '?'}, release counter ${s1.releaseCounter}`);

  await n.wait('the manufacturer releases 1.2.0 (broken: it crashes at start)', async () => {
    await must(ctx.entry, ctx.env, ['fw', 'release', v3, '--repo', repo, '--version', '1.2.0', '--delta-from', v2]);
    await signAll(ctx.entry, ctx.env, repo, keys);
  });
  await n.wait('the device updates to 1.2.0', () => must(ctx.entry, ctx.env, ['fw', 'update', '--root', fw, '--yes']));
  let rolledBack = '';
  const lines: string[] = [];
  await n.wait('systemd-style restarts: ip2 fw boot, then the slot\'s program', async (progress) => {
    for (let i = 1; i <= MAX_RESTARTS; i++) {
      const r = await restart(ctx, fw);
      const line = `restart ${i}: ip2 fw boot → ${r.boot}${r.rolledBack === '' ? '' : ` (rolled back: ${r.rolledBack})`}; the program ${r.ok ? `says "${r.text}"` : `crashed: ${r.text}`}`;
      progress(line);
      lines.push(line);
      if (r.rolledBack !== '') {
        rolledBack = r.rolledBack;
        progress(`the device rolled back by itself at restart ${i}`);
        if (!r.ok) throw new DemoError('UNEXPECTED', 'the slot rolled back to does not start');
        return;
      }
    }
    throw new DemoError('UNEXPECTED', `no rollback after ${MAX_RESTARTS} restarts`);
  }).finally(() => n.say(lines.join('\n')));
  const s2 = await ip2Json<Status>(ctx.entry, ['fw', 'status', '--root', fw, '--json'], ctx.env);
  const running = JSON.parse(await readFile(join(fw, 'current', 'manifest.json'), 'utf8')) as { version: string };
  n.ok(`back on ${running.version} (slot ${s2.running}); last failure: ${s2.lastFailure?.version ?? '?'}: ${s2.lastFailure?.reason ?? '?'}`);
  ctx.tryLines.push({ what: 'the device\'s firmware slots and the last failure', argv: ['fw', 'status', '--root', fw] });
  return {
    updatedTo: s1.slots[s1.committed]?.version ?? '?', deltaBytes: check.plan.downloadBytes, imageBytes: check.plan.target.length,
    committedAfterUpdate: s1.committed, rolledBack, runningAfterRollback: running.version, lastFailure: s2.lastFailure ?? null,
  };
}

/** What systemd does at a restart: `ip2 fw boot` (ExecStartPre), then the slot's program. */
async function restart(ctx: Ctx, fw: string): Promise<{ ok: boolean; text: string; boot: string; rolledBack: string }> {
  const b = await runIp2(ctx.entry, ['fw', 'boot', '--root', fw], ctx.env);
  if (b.code !== 0 && b.code !== 3) throw new DemoError('COMMAND_FAILED', `ip2 fw boot exited ${b.code}: ${b.err.trim()}`);
  const rolledBack = /^rolled back: (.*)$/m.exec(b.err)?.[1] ?? '';
  try {
    const r = await run(process.execPath, [join(fw, 'current', 'lib', 'ip2.js')], { timeout: 20_000 });
    return { ok: true, text: r.stdout.trim(), boot: b.out.trim(), rolledBack };
  } catch (err) {
    const e = err as { stderr?: string };
    return { ok: false, text: (e.stderr ?? '').trim().split('\n').find((l) => l.startsWith('Error')) ?? 'crashed', boot: b.out.trim(), rolledBack };
  }
}
