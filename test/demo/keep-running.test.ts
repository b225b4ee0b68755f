/**
 * `npm start` without --once: after the walk-through the network keeps running, the `ip2` lines
 * the summary prints work against it when pasted into another shell, and SIGINT stops every
 * process the run started.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ip2-demo-keep-'));
const sh = promisify(execFile);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('npm start, interactive', () => {
  it('keeps the network up for the printed ip2 lines, then stops everything on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: repo, env: { ...process.env, IP2_DEMO_DIR: root }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    try {
      const deadline = Date.now() + 160_000;
      while (!out.includes('Ctrl-C stops every process') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(out, out).toContain('Ctrl-C stops every process');

      const lines = out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('npx tsx agent/cli/ip2.ts '));
      const pick = (needle: string): string[] => {
        const l = lines.find((x) => x.includes(needle));
        expect(l, needle).toBeDefined();
        return l!.replace(/^npx tsx /, '').split(' ');
      };
      const run = (argv: string[]) => sh(process.execPath, ['--import', 'tsx', ...argv], { cwd: repo }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
      // the console on 127.0.0.1 serves the page and live state; another Host is refused
      const url = /console \(.*\): (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      expect(url, out).toBeDefined();
      expect(await (await fetch(url!)).text()).toContain('ip2 demo console');
      const live = await (await fetch(`${url!}api/state`)).json() as {
        routers: { running: boolean; knownRouters: number | null; hash: string; peers: string[] }[]; audit: { intact: boolean; records: { decision: string }[] }; firmware: { running: string | null };
      };
      expect(live.routers).toHaveLength(7);
      expect(live.routers.every((r) => r.running && (r.knownRouters ?? 0) >= 5)).toBe(true);
      // the network picture's edges: live links between the demo's own routers
      const hashes = new Set(live.routers.map((r) => r.hash));
      expect(live.routers.some((r) => r.peers.some((p) => hashes.has(p)))).toBe(true);
      expect(live.audit.intact).toBe(true);
      expect(live.audit.records.map((r) => r.decision)).toContain('deny');
      expect(live.firmware.running).toBe('1.1.0');
      const port = new URL(url!).port;
      const rebound = await sh('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: evil.example', `http://127.0.0.1:${port}/api/state`]).then((r) => r.stdout, () => 'no curl');
      if (rebound !== 'no curl') expect(rebound).toBe('421');

      // the owner's read works as printed; the revoked delegate's is refused with its reason
      const owner = await run(pick('intent read_temperature --to did:key:'));
      expect(owner.code, owner.err).toBe(0);
      expect(owner.out).toMatch(/^temperature -?\d+(\.\d+)? °C/);
      const delegate = await run(pick('--grant '));
      expect(delegate.code).toBe(1);
      expect(delegate.err).toMatch(/^refused: revoked/);
      const peers = await run(pick('net peers'));
      expect(peers.code, peers.err).toBe(0);
      expect(peers.out.trim().split('\n').length).toBeGreaterThanOrEqual(5);
    } finally {
      child.kill('SIGINT');
      await exited;
      clearTimeout(killer);
    }
    expect(out).toMatch(/stopping…\n\s+✓ all \d+ processes stopped/);
    // the daemon stopped cleanly (it removes its endpoint file) and wrote its last checkpoint
    expect(existsSync(join(root, 'device', 'endpoint.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(root, 'demo-report.json'), 'utf8'))).toMatchObject({ completed: true });
  }, 180_000);

  it('Ctrl-C in the middle of the walk-through stops every process and starts nothing more', async () => {
    const dir = join(root, 'interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: repo, env: { ...process.env, IP2_DEMO_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const deadline = Date.now() + 100_000;
    while (!out.includes('2. The device') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    clearTimeout(killer);
    expect(out).toContain('stopped by SIGINT: stopping…');
    const tail = out.slice(out.indexOf('stopped by SIGINT'));
    expect(tail).toMatch(/^stopped by SIGINT: stopping…\n\s+✓ all \d+ processes stopped\n$/);
    const ps = await sh('ps', ['-eo', 'args']);
    expect(ps.stdout.split('\n').filter((l) => l.includes(dir))).toEqual([]);
  }, 130_000);
});
