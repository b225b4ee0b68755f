/**
 * `npm run bench`: runs every benchmark section in one process, one after another, and writes
 * BENCHMARKS.md. Each section measures against a peer or a ceiling in the same run and reports
 * ratios, because absolute times drift on shared machines. Sections live beside this file and
 * export `section: BenchSection`; list each once below.
 *
 *   npm run bench                 all sections
 *   npm run bench -- crypto       only the named sections (the others keep their last text)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, platform, totalmem } from 'node:os';
import type { BenchSection } from './harness.ts';
import { section as crypto } from './crypto.ts';
import { section as release } from './release.ts';
import { section as overlay } from './overlay.ts';
import { section as delta } from './delta.ts';
import { section as policy } from './policy.ts';
import { section as intent } from './intent.ts';
import { section as tunnel } from './tunnel.ts';

const sections: readonly BenchSection[] = [crypto, delta, policy, overlay, release, intent, tunnel];

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const path = new URL('../../BENCHMARKS.md', import.meta.url);
const previous = await readFile(path, 'utf8').catch(() => '');

const parts: string[] = [];
for (const s of sections) {
  if (only.length > 0 && !only.includes(s.id)) {
    parts.push(extractSection(previous, s.id) ?? `## ${s.title}\n\n_Not run yet._\n`);
    continue;
  }
  process.stderr.write(`bench: ${s.id} …\n`);
  const body = await s.run();
  parts.push(`<!-- section:${s.id} -->\n## ${s.title}\n\n${body.trim()}\n<!-- /section:${s.id} -->\n`);
}

const cpu = cpus()[0]?.model ?? 'unknown';
const header = `# Benchmarks

Written by \`npm run bench\` (scripts/bench/). Every figure is compared with a peer or a ceiling
measured in the same run; read the ratios, not the absolute numbers, which drift on shared machines.

Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()}/${arch()} ·
Node ${process.versions.node} · OpenSSL ${process.versions.openssl} · last full or partial run ${new Date().toISOString()}

`;
await writeFile(path, header + parts.join('\n'));
process.stderr.write(`bench: wrote BENCHMARKS.md\n`);

function extractSection(text: string, id: string): string | undefined {
  const start = text.indexOf(`<!-- section:${id} -->`);
  const endTag = `<!-- /section:${id} -->`;
  const end = text.indexOf(endTag);
  return start >= 0 && end > start ? text.slice(start, end + endTag.length) + '\n' : undefined;
}
