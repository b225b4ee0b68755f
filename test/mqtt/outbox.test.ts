import fc from 'fast-check';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLog } from '../../agent/overlay/log.ts';
import { Outbox, type OutboxOptions } from '../../agent/mqtt/outbox.ts';
import { ManualClock } from '../drivers/support/clock.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'ip2-outbox-'));
  dirs.push(d);
  return d;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const msg = (i: number): { topic: string; payload: Uint8Array; qos: 1; retain: false } => ({ topic: `ip2/n/d/state`, payload: enc.encode(`{"i":${i}}`), qos: 1, retain: false });

function opts(dir: string, more: Partial<OutboxOptions> = {}): OutboxOptions {
  return { dir, clock: new ManualClock(), log: new MemoryLog(), fsync: 'always', ...more };
}

/** Takes every pending record in order, acking each (what the link's pump does). */
function drain(box: Outbox): number[] {
  const out: number[] = [];
  for (let r = box.peek(); r !== undefined; r = box.peek()) {
    out.push((JSON.parse(dec.decode(r.payload)) as { i: number }).i);
    box.ack(r.seq);
  }
  return out;
}

describe('durable outbox', () => {
  it('keeps records across a restart, in order, and forgets acknowledged ones once flushed', async () => {
    const dir = await tempDir();
    const a = await Outbox.open(opts(dir));
    for (let i = 0; i < 5; i += 1) await a.append(msg(i));
    const head = a.peek();
    expect(head?.seq).toBe(1);
    a.ack(1);
    a.ack(2);
    await a.close();
    const b = await Outbox.open(opts(dir));
    expect(drain(b)).toEqual([2, 3, 4]);
    for (let i = 5; i < 7; i += 1) await b.append(msg(i));
    expect(drain(b)).toEqual([5, 6]);
    await b.close();
    const c = await Outbox.open(opts(dir));
    expect(c.stats.pending).toBe(0);
    await c.append(msg(7));
    expect(c.peek()?.seq).toBe(8); // sequence numbers never go back
    await c.close();
  });

  it('a crash before the cursor is persisted redelivers (at least once), never loses', async () => {
    const dir = await tempDir();
    const a = await Outbox.open(opts(dir));
    for (let i = 0; i < 3; i += 1) await a.append(msg(i));
    a.ack(1); // not flushed: simulate a crash by not closing
    const b = await Outbox.open(opts(dir));
    expect(drain(b)).toEqual([0, 1, 2]);
    await b.close();
  });

  it('interval fsync policy syncs and persists the cursor on the clock, not per append', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const a = await Outbox.open(opts(dir, { fsync: 'interval', syncIntervalMs: 1000, clock }));
    await a.append(msg(0));
    a.ack(1);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(1000);
    await a.flush();
    expect(JSON.parse(await readFile(join(dir, 'cursor.json'), 'utf8'))).toEqual({ v: 1, acked: 1, dropped: 0 });
    await a.close();
  });

  it('a tail torn by power loss loses only the record being written', async () => {
    const dir = await tempDir();
    const a = await Outbox.open(opts(dir));
    for (let i = 0; i < 4; i += 1) await a.append(msg(i));
    await a.close();
    const [seg] = (await readdir(dir)).filter((n) => n.startsWith('seg-'));
    const path = join(dir, seg ?? '');
    await truncate(path, (await stat(path)).size - 3);
    const log = new MemoryLog();
    const b = await Outbox.open(opts(dir, { log }));
    expect(b.stats.corruptBytes).toBeGreaterThan(0);
    expect(log.entries.some((e) => e.event === 'outbox.segment_damaged')).toBe(true);
    await b.append(msg(9)); // goes to a fresh segment, never after the torn tail
    expect(drain(b)).toEqual([0, 1, 2, 9]);
    await b.close();
  });

  it('is bounded: when full it drops the oldest segment and counts what it dropped', async () => {
    const dir = await tempDir();
    const maxBytes = 4 * 17_500;
    const big = (i: number): ReturnType<typeof msg> => ({ ...msg(i), payload: enc.encode(`{"i":${i},"pad":"${'x'.repeat(3000)}"}`) });
    const a = await Outbox.open(opts(dir, { maxBytes, segmentBytes: 16_000 }));
    for (let i = 0; i < 60; i += 1) await a.append(big(i));
    const s = a.stats;
    expect(s.bytes).toBeLessThanOrEqual(maxBytes);
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.dropped + s.pending).toBe(60);
    await a.close();
    const b = await Outbox.open(opts(dir, { maxBytes, segmentBytes: 16_000 }));
    expect(b.stats.dropped).toBe(s.dropped);
    const got = drain(b);
    expect(got).toEqual(Array.from({ length: got.length }, (_, k) => 60 - got.length + k)); // the newest, in order
    await b.close();
  });

  it('damaged outbox files never throw at open and keep the valid prefix (property)', async () => {
    const dir = await tempDir();
    const a = await Outbox.open(opts(dir));
    for (let i = 0; i < 6; i += 1) await a.append(msg(i));
    await a.close();
    const [seg] = (await readdir(dir)).filter((n) => n.startsWith('seg-'));
    const original = await readFile(join(dir, seg ?? ''));
    const recordLen = original.length / 6;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: original.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.boolean(), fc.boolean(), async (pos, junk, cut, tornCursor) => {
        const d = await tempDir();
        const damaged = Buffer.from(original);
        if (cut) await writeFile(join(d, seg ?? ''), damaged.subarray(0, pos));
        else {
          damaged.set(junk.subarray(0, damaged.length - pos), pos);
          await writeFile(join(d, seg ?? ''), damaged);
        }
        if (tornCursor) await writeFile(join(d, 'cursor.json'), junk); // a torn cursor too
        const box = await Outbox.open(opts(d));
        const got = drain(box);
        const prefix = Math.floor(pos / recordLen);
        expect(got.slice(0, prefix)).toEqual(Array.from({ length: prefix }, (_, k) => k));
        expect([...got].sort((x, y) => x - y)).toEqual(got);
        await box.close();
      }),
      { numRuns: 60 },
    );
  });
});
