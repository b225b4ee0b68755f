import { afterEach, describe, expect, it } from 'vitest';
import { createDht22Driver } from '../../drivers/dht22/index.ts';
import { nodeFileOps, type FileOps } from '../../drivers/sysfs/files.ts';
import { ManualClock } from './support/clock.ts';
import { makeTree, type Tree } from './support/tree.ts';

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.cleanup();
  tree = undefined;
});

/** FileOps that fail reads of `in_*` files with the given errno while `remaining` > 0. */
function flaky(errno: string, times: number): FileOps & { failures: number; remaining: number } {
  const ops = {
    ...nodeFileOps,
    failures: 0,
    remaining: times,
    readText: (p: string): Promise<string> => {
      if (p.includes('/in_') && ops.remaining > 0) {
        ops.remaining -= 1;
        ops.failures += 1;
        return Promise.reject(Object.assign(new Error(`${errno}: simulated`), { code: errno }));
      }
      return nodeFileOps.readText(p);
    },
  };
  return ops;
}

const FIXTURE = {
  'iio:device0/name': 'mcp3008\n',
  'iio:device1/name': 'dht11\n',
  'iio:device1/in_temp_input': '22300\n',
  'iio:device1/in_humidityrelative_input': '51200\n',
};

describe('DHT22 through the dht11 IIO driver (fixture tree)', () => {
  it('reads temperature and humidity', async () => {
    tree = await makeTree(FIXTURE);
    const clock = new ManualClock();
    const d = await createDht22Driver({ id: 'dht', root: tree.root, clock });
    expect(await d.readAll()).toEqual([
      { quantity: 'temperature', unit: '°C', value: 22.3, at: clock.now(), quality: 'good' },
      { quantity: 'humidity', unit: '%', value: 51.2, at: clock.now(), quality: 'good' },
    ]);
  });

  it('retries the kernel driver EIO and ETIMEDOUT, counting them', async () => {
    tree = await makeTree(FIXTURE);
    const files = flaky('EIO', 2);
    const d = await createDht22Driver({ id: 'dht', root: tree.root, clock: new ManualClock(), files, retryDelayMs: 0 });
    expect((await d.read()).value).toBe(22.3);
    expect(files.failures).toBe(2);
    expect(d.health()).toMatchObject({ state: 'ok', errors: 2, lastErrorCode: 'IO' });
    const always = flaky('ETIMEDOUT', 99);
    const d2 = await createDht22Driver({ id: 'dht', root: tree.root, clock: new ManualClock(), files: always, retryDelayMs: 0 });
    await expect(d2.read()).rejects.toMatchObject({ code: 'IO' });
    expect(always.failures).toBe(5); // one try and four retries
  });

  it('keeps the last value through failures, stale once too old', async () => {
    tree = await makeTree(FIXTURE);
    const clock = new ManualClock();
    const files = flaky('EIO', 0);
    const d = await createDht22Driver({ id: 'dht', root: tree.root, clock, files, retryDelayMs: 0, staleAfterMs: 30_000 });
    const first = await d.read();
    files.remaining = 1000; // the sensor stops answering
    await clock.advance(31_000);
    expect(await d.read()).toEqual({ ...first, quality: 'stale' });
  });

  it('rejects implausible values and garbage in the file', async () => {
    tree = await makeTree({ ...FIXTURE, 'iio:device1/in_temp_input': '95000\n' });
    const d = await createDht22Driver({ id: 'dht', root: tree.root, clock: new ManualClock(), retryDelayMs: 0 });
    await expect(d.read()).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    await tree.write('iio:device1/in_temp_input', 'abc');
    await expect(d.read()).rejects.toMatchObject({ code: 'BAD_FRAME' });
  });
});
