/**
 * `npm run build`: one file, dist/ip2.js, runnable as `node dist/ip2.js` with Node ≥ 20 and
 * nothing else installed. Native addons (serialport's bindings, cbor-x's optional extractor)
 * stay external and are loaded only when a driver needs them. Fails above the size gate
 * (DESIGN.md §10: 1 MiB minified for the whole agent) and prints the size by package from
 * esbuild's metafile so that growth is visible in every build.
 */
import { build, type Metafile } from 'esbuild';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SIZE_GATE = 1024 * 1024;
/** Native or optional packages that must not be inlined. */
const EXTERNAL = ['serialport', '@serialport/*', 'cbor-extract', 'onoff', 'epoll', 'i2c-bus', '@cedar-policy/*', 'aedes'];

export interface BuildResult {
  readonly path: string;
  readonly bytes: number;
  readonly byPackage: ReadonlyMap<string, number>;
}

/** Builds dist/ip2.js, prints the size report, and throws above the size gate. */
export async function buildBundle(
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  outfile = 'dist/ip2.js',
): Promise<BuildResult> {
  const outDir = dirname(outfile);
  const result = await build({
    entryPoints: ['agent/cli/ip2.ts'],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    // CommonJS so that `node dist/ip2.js` runs wherever the file is copied, with no package.json
    // beside it; `import.meta.url` is mapped to the bundle's own file URL.
    format: 'cjs',
    define: { 'import.meta.url': '__ip2_import_meta_url' },
    sourcemap: false,
    metafile: true,
    legalComments: 'none',
    external: EXTERNAL,
    banner: { js: "const __ip2_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });

  await chmod(outfile, 0o755);
  const out = Object.entries(result.metafile.outputs).find(([k]) => resolve(k) === resolve(outfile))?.[1];
  if (out === undefined) throw new Error(`esbuild produced no ${outfile}`);
  const byPackage = sizeByPackage(result.metafile);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'meta.json'), JSON.stringify(result.metafile));
  // The bundle is CommonJS; say so, or a "type": "module" package.json above it would win.
  await writeFile(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');

  const rows = [...byPackage].sort((a, b) => b[1] - a[1]);
  log(`${outfile}: ${kib(out.bytes)} (gate ${kib(SIZE_GATE)})`);
  for (const [pkg, bytes] of rows) log(`  ${pkg.padEnd(32)} ${kib(bytes).padStart(10)}`);
  if (out.bytes > SIZE_GATE) {
    throw new Error(`the bundle is ${kib(out.bytes)}, over the ${kib(SIZE_GATE)} gate`);
  }
  return { path: outfile, bytes: out.bytes, byPackage };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildBundle().catch((err: unknown) => {
    process.stderr.write(`build: ${(err as Error).message}\n`);
    process.exit(1);
  });
}

/** Bytes in the output by source package (`ip2-agent/<top folder>` for our own code). */
function sizeByPackage(meta: Metafile): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m?.[1] ?? `ip2-agent/${input.split('/')[0] ?? input}`;
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return sizes;
}

function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}
