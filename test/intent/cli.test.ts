import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../agent/cli/dispatch.ts';
import { startAgent } from '../../agent/main.ts';
import { silentLog } from '../../agent/overlay/log.ts';

async function ip2(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await dispatch(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    cwd: process.cwd(),
  });
  return { code, out, err };
}

describe('the pair journey through the ip2 CLI and the daemon socket', () => {
  it('init, pair, read, delegate for 24 h, revoke, audit', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ip2-journey-'));
    const [dev, owner, friend] = ['device', 'owner', 'friend'].map((n) => join(root, n)) as [string, string, string];
    for (const d of [dev, owner, friend]) expect((await ip2(['init', '--dir', d])).code).toBe(0);
    const did = async (d: string): Promise<string> => (JSON.parse((await ip2(['id', '--dir', d, '--json'])).out) as { did: string }).did;
    const [devDid, friendDid] = [await did(dev), await did(friend)];

    const agent = await startAgent({ dir: dev, log: silentLog, syncAudit: false }); // what `ip2 run --dir device` does
    try {
      const shown = await ip2(['pair', 'start', '--dir', dev]);
      expect(shown.out).toMatch(/pairing code: [A-Z2-7-]{39}/);
      expect(shown.out).toContain('▀');
      const start = await ip2(['pair', 'start', '--dir', dev, '--json']);
      expect(start.code).toBe(0);
      const { code } = JSON.parse(start.out) as { code: string };
      const wrong = await ip2(['pair', devDid, '--code', 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA', '--connect', dev, '--dir', owner]);
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(/pairing_bad_code/);
      const paired = await ip2(['pair', devDid, '--code', code, '--connect', dev, '--dir', owner]);
      expect(paired.code, paired.err).toBe(0);
      expect(paired.out).toMatch(/receipt signed by the device, verified/);

      const read = await ip2(['intent', 'read_temperature', '--to', devDid, '--dir', owner]);
      expect(read.code, read.err).toBe(0);
      expect(read.out).toMatch(/^temperature -?\d+(\.\d+)? °C \(good/);

      const g = await ip2(['grant', '--dir', owner, '--to', friendDid, '--cmd', 'read_temperature', '--expires', '24h', '--device', devDid, '--out', join(root, 'friend.grant'), '--json']);
      expect(g.code, g.err).toBe(0);
      const friendRead = await ip2(['intent', 'read_temperature', '--to', devDid, '--dir', friend, '--grant', join(root, 'friend.grant'), '--connect', dev, '--json']);
      expect(friendRead.code, friendRead.err).toBe(0);
      expect(JSON.parse(friendRead.out)).toMatchObject({ ok: true, determining: ['delegates read sensors'] });

      const revoked = await ip2(['revoke', '--dir', owner, '--to', devDid, '--grant', join(root, 'friend.grant')]);
      expect(revoked.code, revoked.err).toBe(0);
      const after = await ip2(['intent', 'read_temperature', '--to', devDid, '--dir', friend, '--grant', join(root, 'friend.grant'), '--connect', dev]);
      expect(after.code).toBe(1);
      expect(after.err).toMatch(/refused: revoked/);
    } finally {
      await agent.close();
    }

    const tail = await ip2(['audit', 'tail', '--dir', dev]);
    expect(tail.out).toMatch(/DENY pair .*pairing_bad_code/);
    expect(tail.out).toMatch(/ALLOW read_temperature .*by delegates read sensors/);
    expect(tail.out).toMatch(/DENY read_temperature .*revoked/);
    expect(tail.out).not.toMatch(/AAAA/);
    expect((await ip2(['audit', 'verify', '--dir', dev])).out).toMatch(/audit log intact: \d+ records.*signed through/);

    const log = await readFile(join(dev, 'audit.log'));
    const i = log.indexOf(Buffer.from('read_temperature'));
    log[i] = 'R'.charCodeAt(0);
    await writeFile(join(dev, 'audit.log'), log);
    const bad = await ip2(['audit', 'verify', '--dir', dev]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/AUDIT_(CHAIN_BROKEN|BAD_CHECKPOINT)/);
  });

  it('bad input exits 2 with one line', async () => {
    const r = await ip2(['grant', '--to', 'x', '--cmd', 'y', '--expires', 'soon', '--out', '/tmp/x']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('ip2 run as its own process, reached over loopback TCP from another "shell"', () => {
  it('pairs and reads through the TCP port, and stops cleanly on SIGINT with a signed checkpoint', async () => {
    const { spawn } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    const root = await mkdtemp(join(tmpdir(), 'ip2-run-'));
    const [dev, owner] = [join(root, 'device'), join(root, 'owner')];
    for (const d of [dev, owner]) expect((await ip2(['init', '--dir', d])).code).toBe(0);
    // node_modules/.bin/tsx is a node script: run it with this node (no npx); it relays SIGINT.
    const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
    const child = spawn(process.execPath, [tsx, 'agent/cli/ip2.ts', 'run', '--dir', dev, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !existsSync(join(dev, 'endpoint.json')); i++) await new Promise((r) => setTimeout(r, 50));
      const info = JSON.parse(await readFile(join(dev, 'endpoint.json'), 'utf8')) as { did: string; tcp: { port: number } };
      const start = JSON.parse((await ip2(['pair', 'start', '--dir', dev, '--json'])).out) as { code: string };
      const port = String(info.tcp.port);
      expect((await ip2(['pair', info.did, '--code', start.code, '--connect', port, '--dir', owner])).code).toBe(0);
      const read = await ip2(['intent', 'read_temperature', '--to', info.did, '--dir', owner, '--json']);
      expect(JSON.parse(read.out)).toMatchObject({ ok: true, result: { quantity: 'temperature' } });
    } finally {
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
    const verify = await ip2(['audit', 'verify', '--dir', dev, '--json']);
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true, records: 2, unsignedTail: 0 });
  }, 30_000);
});

