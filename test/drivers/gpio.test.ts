import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  chardevCliBackend, createGpioDriver, parseToolVersion, pickChipFromDetect, resolveSysfsLine, sysfsBackend, type EdgeEvent, type SpawnFn,
} from '../../drivers/gpio/index.ts';
import { nodeFileOps, type FileOps } from '../../drivers/sysfs/files.ts';
import { ManualClock } from './support/clock.ts';
import { makeTree, type Tree } from './support/tree.ts';

/** sysfs GPIO chip fixtures: a Pi 3 (base 0), a Pi 4 on 6.6 (512), a Pi 5 on 6.6 (571). */
const chip = (n: number, label: string, ngpio: number): Record<string, string> => ({
  [`gpiochip${n}/base`]: `${n}\n`,
  [`gpiochip${n}/label`]: `${label}\n`,
  [`gpiochip${n}/ngpio`]: `${ngpio}\n`,
});
const BOARDS = {
  pi3: { ...chip(0, 'pinctrl-bcm2835', 54), ...chip(504, 'raspberrypi-exp-gpio', 8), export: '', unexport: '' },
  pi4k66: { ...chip(512, 'pinctrl-bcm2711', 58), ...chip(570, 'raspberrypi-exp-gpio', 8), export: '', unexport: '' },
  pi5k66: { ...chip(512, 'gpio-brcmstb@107d508500', 32), ...chip(544, 'gpio-brcmstb@107d517c00', 15), ...chip(571, 'pinctrl-rp1', 54), export: '', unexport: '' },
};

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.cleanup();
  tree = undefined;
});

/** FileOps that behave like the kernel for export/unexport: they create and remove gpioN/. */
function kernelLike(root: string): FileOps & { exports: string[] } {
  const exports: string[] = [];
  return {
    ...nodeFileOps,
    exports,
    async writeText(p, t) {
      if (p === join(root, 'export')) {
        exports.push(t);
        const dir = join(root, `gpio${t}`);
        await mkdir(dir);
        for (const f of ['direction', 'value', 'active_low', 'edge']) await writeFile(join(dir, f), f === 'direction' ? 'in\n' : '0\n');
        return;
      }
      if (p === join(root, 'unexport')) {
        await rm(join(root, `gpio${t}`), { recursive: true });
        return;
      }
      await nodeFileOps.writeText(p, t);
    },
  };
}

describe('sysfs base offset resolution', () => {
  it.each([
    ['pi3', 17, 'gpiochip0'],
    ['pi4k66', 529, 'gpiochip512'],
    ['pi5k66', 588, 'gpiochip571'],
  ] as const)('BCM 17 on %s is %i', async (board, number, chipName) => {
    tree = await makeTree(BOARDS[board]);
    const r = await resolveSysfsLine(tree.root, 17, nodeFileOps);
    expect(r).toMatchObject({ number, chip: chipName });
  });

  it('refuses a tree with no header chip, and pins beyond the header', async () => {
    tree = await makeTree(chip(0, 'some-expander', 16));
    await expect(resolveSysfsLine(tree.root, 17, nodeFileOps)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(resolveSysfsLine(tree.root, 40, nodeFileOps)).rejects.toBeInstanceOf(RangeError);
  });
});

describe('sysfs backend on a fixture tree', () => {
  it('exports the resolved number, drives an output, unexports on close', async () => {
    tree = await makeTree(BOARDS.pi5k66);
    const files = kernelLike(tree.root);
    const clock = new ManualClock();
    const d = await createGpioDriver({ id: 'relay', backend: sysfsBackend({ root: tree.root, clock, files }), request: { bcm: 17, direction: 'out' }, clock });
    expect(files.exports).toEqual(['588']);
    expect(await readFile(join(tree.root, 'gpio588/direction'), 'utf8')).toBe('low');
    await d.write!(1);
    expect(await readFile(join(tree.root, 'gpio588/value'), 'utf8')).toBe('1');
    expect((await d.read()).value).toBe(1);
    await d.write!(0);
    expect((await d.read()).value).toBe(0);
    await expect(d.write!(2)).rejects.toBeInstanceOf(RangeError);
    await d.close();
    await expect(readFile(join(tree.root, 'gpio588/value'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports debounced edges of an input sampled on the injected clock', async () => {
    tree = await makeTree(BOARDS.pi4k66);
    const files = kernelLike(tree.root);
    const clock = new ManualClock();
    const d = await createGpioDriver({
      id: 'button', clock,
      backend: sysfsBackend({ root: tree.root, clock, files, pollMs: 10 }),
      request: { bcm: 17, direction: 'in', edge: 'both', debounceMs: 100 },
    });
    const seen: EdgeEvent[] = [];
    d.onEdge((e) => seen.push(e));
    const value = join(tree.root, 'gpio529/value');
    // One sample: fire the poll timer, then wait until its file read finished and re-armed it.
    const sample = async (ms = 10): Promise<void> => {
      await clock.advance(ms);
      await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    };
    await sample();
    await writeFile(value, '1');
    await sample();
    await writeFile(value, '0'); // a bounce within 100 ms: dropped
    await sample();
    await sample(200);
    await writeFile(value, '1');
    await sample();
    expect(seen.map((e) => e.level)).toEqual([1, 1]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(100);
    await d.close();
  });
});

/**
 * Fake libgpiod tools (shell scripts printing what the real ones print) behind a spawn that
 * records every call and child, so the test sees what the backend ran and what it left alive.
 */
async function fakeTools(dir: string, version: 1 | 2): Promise<{ calls: string[]; children: ChildProcess[]; run: SpawnFn }> {
  const scripts: Record<string, string> = {
    gpiodetect: `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "gpiodetect (libgpiod) v${version === 1 ? '1.6.3' : '2.1.3'}"; exit 0; fi\necho "gpiochip0 [pinctrl-bcm2711] (58 lines)"\necho "gpiochip1 [raspberrypi-exp-gpio] (8 lines)"\n`,
    gpioget: '#!/bin/sh\necho 1\n',
    gpioset: '#!/bin/sh\nexec sleep 30\n',
    gpiomon: "#!/bin/sh\nprintf 'event:  RISING EDGE offset: 17 timestamp: [1.0]\\nevent: FALLING EDGE offset: 17 timestamp: [1.1]\\n'\nexec sleep 30\n",
  };
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(join(dir, name), body);
    await chmod(join(dir, name), 0o755);
  }
  const calls: string[] = [];
  const children: ChildProcess[] = [];
  const run: SpawnFn = (c, a) => {
    calls.push([c, ...a].join(' '));
    const child = spawn(join(dir, c), a, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return child;
  };
  return { calls, children, run };
}

const alive = (children: ChildProcess[], tool: string, calls: string[]): number =>
  children.filter((c, i) => calls[i]?.startsWith(tool) === true && c.exitCode === null && c.signalCode === null).length;

describe('libgpiod tools backend with fake tools', () => {
  it.each([1, 2] as const)('an output toggles through gpioset (libgpiod v%i), one holder at a time', async (version) => {
    tree = await makeTree({});
    const tools = await fakeTools(tree.root, version);
    const clock = new ManualClock();
    const d = await createGpioDriver({ id: 'relay', clock, backend: chardevCliBackend({ clock, spawn: tools.run }), request: { bcm: 17, direction: 'out' } });
    await d.write!(1);
    await d.write!(0);
    expect((await d.read()).value).toBe(0);
    await vi.waitFor(() => expect(alive(tools.children, 'gpioset', tools.calls)).toBe(1)); // the holder of the last level
    await d.close();
    await vi.waitFor(() => expect(alive(tools.children, 'gpioset', tools.calls)).toBe(0));
    const chipArgs = version === 1 ? 'gpioset --mode=signal gpiochip0' : 'gpioset -c gpiochip0';
    expect(tools.calls).toEqual(['gpiodetect --version', 'gpiodetect', `${chipArgs} 17=0`, `${chipArgs} 17=1`, `${chipArgs} 17=0`]);
  });

  it('reads an input with gpioget and reports edges from gpiomon', async () => {
    tree = await makeTree({});
    const tools = await fakeTools(tree.root, 1);
    const clock = new ManualClock();
    const d = await createGpioDriver({ id: 'b', clock, backend: chardevCliBackend({ clock, spawn: tools.run }), request: { bcm: 4, direction: 'in', edge: 'both' } });
    expect((await d.read()).value).toBe(1);
    const seen: number[] = [];
    d.onEdge((e) => seen.push(e.level));
    await vi.waitFor(() => expect(seen).toEqual([0]));
    await d.close();
    expect(tools.calls).toContain('gpioget gpiochip0 4');
    expect(tools.calls).toContain('gpiomon gpiochip0 4');
    await vi.waitFor(() => expect(alive(tools.children, 'gpiomon', tools.calls)).toBe(0));
  });

  it('a pin beyond the chip is NOT_FOUND; missing tools are NOT_FOUND', async () => {
    tree = await makeTree({});
    const tools = await fakeTools(tree.root, 2);
    const clock = new ManualClock();
    await expect(chardevCliBackend({ clock, spawn: tools.run }).open({ bcm: 60, direction: 'in' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const none = chardevCliBackend({ clock, spawn: (c, a) => spawn(join(tree!.root, 'missing', c), a) });
    await expect(none.open({ bcm: 17, direction: 'in' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('parses gpiodetect output and versions', () => {
    expect(pickChipFromDetect('gpiochip0 [pinctrl-rp1] (54 lines)\ngpiochip10 [gpio-brcmstb@107d508500] (32 lines)\n')).toEqual({ chip: 'gpiochip0', label: 'pinctrl-rp1', lines: 54 });
    expect(() => pickChipFromDetect('gpiochip0 [foo] (8 lines)')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }) as Error);
    expect(parseToolVersion('gpiodetect (libgpiod) v1.6.3')).toBe(1);
    expect(parseToolVersion('gpiodetect (libgpiod) v2.1')).toBe(2);
  });
});
