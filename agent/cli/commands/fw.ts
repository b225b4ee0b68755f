/** `ip2 fw diff`, `ip2 fw patch`, `ip2 fw inspect`: FWD1 delta patches (PROTOCOL.md "## Delta patch format"). */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyDelta, createDelta, inspectDelta } from '../../../firmware-update/delta/index.ts';
import { type Command, type Invocation, UsageError, flag, printJson, requireOption, stringOption } from '../command.ts';

const diff: Command = {
  path: ['fw', 'diff'],
  usage: 'OLD NEW',
  summary: 'make a delta patch from image OLD to image NEW (build machine)',
  options: {
    output: { type: 'string', short: 'o', arg: 'PATCH', description: 'where to write the patch (required)' },
    extent: { type: 'string', arg: 'BYTES', description: 'target bytes per operation (default and maximum 4194304)' },
    quality: { type: 'string', arg: 'N', description: 'brotli quality 0..11 (default 11)' },
    json: { type: 'boolean', description: 'print the patch statistics as JSON' },
  },
  details: `Holds both images and a suffix array of OLD in memory (about 10 bytes per OLD byte).
Each target extent becomes the cheapest of ZERO, SOURCE_COPY, BSDIFF and REPLACE.`,
  async run(inv) {
    const [oldPath, newPath] = positionals(inv, 2, 'OLD NEW') as [string, string];
    const out = path(inv, requireOption(inv, 'output'));
    const extentSize = intOption(inv, 'extent', 1, 4 * 1024 * 1024);
    const quality = intOption(inv, 'quality', 0, 11);
    const bar = progressBar(inv);
    const stats = await createDelta(oldPath, newPath, out, {
      ...(extentSize === undefined ? {} : { extentSize }),
      ...(quality === undefined ? {} : { quality }),
      onProgress: (p) => bar?.(p.phase === 'index' ? 'indexing' : 'diffing', p.done, p.total),
    });
    bar?.('done', 1, 1, true);
    if (flag(inv, 'json')) printJson(inv, { patch: out, ...stats });
    else inv.io.stdout.write(`${out}: ${stats.patchLength} bytes (${describeOps(stats.ops)})\n`);
  },
};

const patch: Command = {
  path: ['fw', 'patch'],
  usage: 'OLD PATCH',
  summary: 'apply a delta patch to image OLD, writing the new image (device side)',
  options: {
    output: { type: 'string', short: 'o', arg: 'NEW', description: 'where to write the new image (required)' },
    resume: { type: 'boolean', description: 'continue an interrupted apply from its journal' },
    journal: { type: 'string', arg: 'PATH', description: 'journal file (default NEW.journal)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  details: `Checks OLD against the patch's source SHA-256 first, verifies each operation's SHA-256
before writing it and the whole new image at the end. Memory does not grow with the image size.
After an interruption (power cut, kill -9), run again with --resume to continue at the next operation.`,
  async run(inv) {
    const [oldPath, patchPath] = positionals(inv, 2, 'OLD PATCH') as [string, string];
    const outPath = path(inv, requireOption(inv, 'output'));
    const journal = stringOption(inv, 'journal');
    const bar = progressBar(inv);
    const result = await applyDelta({
      oldPath, patch: patchPath, outPath, resume: flag(inv, 'resume'),
      ...(journal === undefined ? {} : { journalPath: path(inv, journal) }),
      onProgress: (p) => bar?.('applying', p.targetDone, p.targetLength),
    });
    bar?.('done', 1, 1, true);
    const summary = { output: outPath, targetLength: result.header.targetLength, targetSha256: hex(result.header.targetSha256), resumedAt: result.resumedAt, opsApplied: result.opsApplied };
    if (flag(inv, 'json')) printJson(inv, summary);
    else inv.io.stdout.write(`${outPath}: ${summary.targetLength} bytes, sha256 ${summary.targetSha256}${result.resumedAt > 0 ? ` (resumed at operation ${result.resumedAt})` : ''}\n`);
  },
};

const inspect: Command = {
  path: ['fw', 'inspect'],
  usage: 'PATCH',
  summary: 'print a delta patch\'s header and operation counts',
  options: { json: { type: 'boolean', description: 'print as JSON' } },
  async run(inv) {
    const [patchPath] = positionals(inv, 1, 'PATCH') as [string];
    const fh = await open(patchPath, 'r');
    try {
      const s = await inspectDelta(fh.createReadStream({ autoClose: false }));
      const out = {
        sourceLength: s.header.sourceLength, sourceSha256: hex(s.header.sourceSha256),
        targetLength: s.header.targetLength, targetSha256: hex(s.header.targetSha256),
        opCount: s.header.opCount, ops: s.ops,
      };
      if (flag(inv, 'json')) printJson(inv, out);
      else {
        inv.io.stdout.write(`source ${out.sourceLength} bytes sha256 ${out.sourceSha256}\ntarget ${out.targetLength} bytes sha256 ${out.targetSha256}\n`);
        for (const [kind, o] of Object.entries(s.ops)) inv.io.stdout.write(`  ${kind.padEnd(12)} ${o.count} ops, ${o.targetBytes} target bytes, ${o.patchBytes} patch bytes\n`);
      }
    } finally {
      await fh.close();
    }
  },
};

export const fwCommands: Command[] = [diff, patch, inspect];

function positionals(inv: Invocation, n: number, usage: string): string[] {
  if (inv.positionals.length !== n) throw new UsageError(`expected ${usage}`);
  return inv.positionals.map((p) => path(inv, p));
}

function path(inv: Invocation, p: string): string {
  return resolve(inv.io.cwd, p);
}

function intOption(inv: Invocation, name: string, min: number, max: number): number | undefined {
  const v = stringOption(inv, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in ${min}..${max}`);
  return n;
}

/** A one-line progress bar on stderr, only when stderr is a terminal. */
function progressBar(inv: Invocation): ((label: string, done: number, total: number, last?: boolean) => void) | undefined {
  if ((inv.io.stderr as { isTTY?: boolean }).isTTY !== true) return undefined;
  let shown = -1;
  return (label, done, total, last = false) => {
    const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
    if (pct === shown && !last) return;
    shown = pct;
    const width = 30;
    const fill = Math.round((pct / 100) * width);
    inv.io.stderr.write(`\r${label.padEnd(9)} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}%${last ? '\n' : ''}`);
  };
}

function describeOps(ops: Readonly<Record<string, number>>): string {
  return Object.entries(ops).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
