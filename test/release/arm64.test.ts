/**
 * The arm64 smoke test (issue "Flash it onto a Raspberry Pi"): the arm64 release bundle, with its
 * own official Node binary and serialport's arm64 prebuild, runs under qemu-aarch64-static in a
 * sysroot made from Debian's arm64 packages. It creates an identity, prints it, and reads bytes
 * from a real socat pty through the arm64 native binding.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRelease, type Release } from '../../scripts/release/release.ts';
import { encodePmsFrame, pmsWords } from '../drivers/emulators/pms5003.ts';

const needed = ['qemu-aarch64-static', 'socat', 'dpkg-deb', 'apt-get'];
const missing = needed.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const root = process.getuid?.() === 0;
if ((missing.length > 0 || !root) && process.env['IP2_REAL'] === '1') {
  throw new Error(`IP2_REAL=1 but the arm64 smoke test cannot run: ${missing.length > 0 ? `missing ${missing.join(', ')}` : 'not root (apt-get download needs apt lists)'}`);
}
const d = missing.length > 0 || !root ? describe.skip : describe;
const SYSROOT = resolve('.tmp/sysroot-arm64');

d('arm64 release under qemu', () => {
  let release: Release;
  let work: string;

  beforeAll(async () => {
    const sys = spawnSync('bash', ['scripts/release/arm-sysroot.sh', 'arm64', SYSROOT], { encoding: 'utf8' });
    if (sys.status !== 0) throw new Error(`sysroot: ${sys.stderr}`);
    work = await mkdtemp(join(tmpdir(), 'ip2-arm64-'));
    release = await makeRelease({ arch: 'arm64', outDir: join(work, 'rel'), log: () => undefined });
  }, 240_000);

  const arm = (args: string[], timeout = 60_000): ReturnType<typeof spawnSync> =>
    spawnSync('qemu-aarch64-static', ['-L', SYSROOT, join(release.dir, 'node/bin/node'), ...args], { encoding: 'utf8', timeout });

  it('runs the official arm64 Node it carries', () => {
    const r = arm(['-p', 'process.arch + " " + process.version']);
    expect(r.stdout.toString().trim()).toBe('arm64 v20.20.2');
  });

  it('ip2 init and ip2 id --json from the arm64 bundle', () => {
    const dir = join(work, 'state');
    const init = arm([join(release.dir, 'lib/ip2.js'), 'init', '--dir', dir]);
    expect(init.status, init.stderr?.toString()).toBe(0);
    const id = arm([join(release.dir, 'lib/ip2.js'), 'id', '--dir', dir, '--json']);
    expect(id.status).toBe(0);
    const parsed = JSON.parse(id.stdout.toString()) as { did: string; assurance: string };
    expect(parsed.did).toMatch(/^did:key:z6Mk/);
    expect(parsed.assurance).toBe('software');
    // the same state read by this machine's x64 Node: one identity format across architectures
    const host = spawnSync(process.execPath, [join(release.dir, 'lib/ip2.js'), 'id', '--dir', dir, '--json'], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    expect(host.status, host.stderr).toBe(0);
    expect((JSON.parse(host.stdout) as { did: string }).did).toBe(parsed.did);
  });

  it('first boot under arm64: identity, the release\'s default policies, a pairing code', async () => {
    const child = spawn('qemu-aarch64-static', ['-L', SYSROOT, join(release.dir, 'node/bin/node'), join(release.dir, 'lib/ip2.js'),
      'run', '--dir', join(work, 'firstboot')], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', IP2_TPM: 'tcp://127.0.0.1:1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    for (let i = 0; i < 900 && !/pairing code: \S+/.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    expect(out, err).toMatch(/first boot: created did:key:z6Mk/);
    expect(out).toMatch(/pairing code: [A-Z2-7]{4}(-[A-Z2-7]{1,4})+/);
    expect(await exited).toBe(0);
  }, 120_000);

  describe('a serial read through the arm64 serialport prebuild', () => {
    let socat: ChildProcess;
    let a: string;
    let b: string;
    beforeAll(async () => {
      a = join(work, 'ttyA');
      b = join(work, 'ttyB');
      socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
      for (let i = 0; i < 100 && spawnSync('test', ['-e', b]).status !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    });
    afterAll(() => {
      socat.kill();
    });

    it('opens the pty with the native binding and receives what the other end writes', async () => {
      const script = `
        const { SerialPort } = require(${JSON.stringify(join(release.dir, 'lib/node_modules/serialport'))});
        const port = new SerialPort({ path: ${JSON.stringify(a)}, baudRate: 9600, lock: false });
        let got = '';
        port.on('data', (d) => { got += d.toString('latin1'); if (got.includes('\\n')) { console.log(JSON.stringify({ got, arch: process.arch })); port.close(() => process.exit(0)); } });
        port.on('open', () => console.error('open'));
        port.on('error', (e) => { console.error(e.message); process.exit(3); });
        setTimeout(() => process.exit(4), 40000);`;
      const child = spawn('qemu-aarch64-static', ['-L', SYSROOT, join(release.dir, 'node/bin/node'), '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let opened = false;
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        if (d.toString().includes('open')) opened = true;
      });
      for (let i = 0; i < 600 && !opened; i++) await new Promise((r) => setTimeout(r, 50));
      expect(opened).toBe(true);
      const { writeFile } = await import('node:fs/promises');
      await writeFile(b, 'T=21.5\n');
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({ got: 'T=21.5\n', arch: 'arm64' });
    }, 60_000);

    it('ip2 drivers read: a PMS5003 on the pty, through our framer and the arm64 binding', async () => {
      const { open } = await import('node:fs/promises');
      const sensor = await open(b, 'w');
      const frame = encodePmsFrame(pmsWords(4, 12, 17));
      const timer = setInterval(() => void sensor.write(frame).catch(() => undefined), 200);
      try {
        const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn('qemu-aarch64-static', ['-L', SYSROOT, join(release.dir, 'node/bin/node'), join(release.dir, 'lib/ip2.js'),
            'drivers', 'read', 'air', '--driver', `air=pms5003:${a}`, '--json', '--dir', join(work, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('exit', (code) => resolve({ code, out, err }));
        });
        expect(r.code, r.err).toBe(0);
        const parsed = JSON.parse(r.out) as { readings: { quantity: string; value: number; quality: string }[] };
        const byQuantity = Object.fromEntries(parsed.readings.map((x) => [x.quantity, x.value]));
        expect(byQuantity).toMatchObject({ pm1: 4, pm25: 12, pm10: 17 });
        expect(parsed.readings.every((x) => x.quality === 'good')).toBe(true);
      } finally {
        clearInterval(timer);
        await sensor.close();
      }
    }, 90_000);
  });
});
