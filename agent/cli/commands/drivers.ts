/**
 * `ip2 drivers list|read`: the sensor and actuator drivers configured in `<dir>/drivers.json`
 * (format: drivers/config/spec.ts), plus any given with `--driver [ID=]KIND[:ARG]`.
 * The whole configuration is validated before anything is opened.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfigError, createDriver, parseConfigText, parseDriverFlag, serialPortOpener, systemClock,
  type Driver, type DriverDeps, type DriverSpec, type Reading,
} from '../../../drivers/index.ts';
import { type Command, type Invocation, UsageError, flag, printJson } from '../command.ts';

export const DRIVER_OPTION = {
  type: 'string',
  multiple: true,
  arg: '[ID=]KIND[:ARG]',
  description: 'add a driver, e.g. ds18b20:/sys/bus/w1/devices, sim=simulated:42, relay=gpio-out:17',
} as const;

/** Reads and validates drivers.json (absent file: no drivers) and the --driver flags. */
export async function loadSpecs(inv: Invocation): Promise<DriverSpec[]> {
  const file = join(inv.dir, 'drivers.json');
  let specs: DriverSpec[] = [];
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text !== null) specs = parseConfigText(text, file);
  const flags = inv.options['driver'];
  for (const f of Array.isArray(flags) ? flags : typeof flags === 'string' ? [flags] : []) {
    const spec = parseDriverFlag(f, inv.io.cwd);
    if (specs.some((s) => s.id === spec.id)) throw new ConfigError('DUPLICATE_ID', `--driver ${f}`, `id "${spec.id}" is already configured`);
    specs.push(spec);
  }
  return specs;
}

function deps(): DriverDeps {
  return { clock: systemClock, openLink: serialPortOpener() };
}

function formatReading(r: Reading): string {
  return `${r.quantity.padEnd(12)} ${String(r.value).padStart(9)} ${r.unit.padEnd(6)} ${r.quality.padEnd(5)} ${new Date(r.at).toISOString()}`;
}

async function withDriver<T>(spec: DriverSpec, use: (d: Driver) => Promise<T>): Promise<T> {
  const d = await createDriver(spec, deps());
  try {
    return await use(d);
  } finally {
    await d.close();
  }
}

async function probe(spec: DriverSpec): Promise<{ state: string; error?: string }> {
  try {
    return await withDriver(spec, async (d) => {
      await d.readAll({ timeoutMs: 3_000 }).catch(() => undefined);
      const h = d.health();
      return { state: h.state, ...(h.lastErrorCode === null ? {} : { error: h.lastErrorCode }) };
    });
  } catch (err) {
    const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'IO';
    return { state: 'failing', error: code };
  }
}

const list: Command = {
  path: ['drivers', 'list'],
  summary: 'list configured drivers (and, with --health, read each once to show its health)',
  options: {
    driver: DRIVER_OPTION,
    health: { type: 'boolean', description: 'open and read each driver once' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(inv) {
    const specs = await loadSpecs(inv);
    const rows = [];
    for (const s of specs) rows.push({ id: s.id, kind: s.kind, pollIntervalMs: s.pollIntervalMs, ...(flag(inv, 'health') ? await probe(s) : {}) });
    if (flag(inv, 'json')) {
      printJson(inv, rows);
      return 0;
    }
    if (rows.length === 0) inv.io.stdout.write(`no drivers configured (${join(inv.dir, 'drivers.json')} or --driver)\n`);
    for (const r of rows) inv.io.stdout.write(`${r.id.padEnd(20)} ${r.kind.padEnd(11)} every ${r.pollIntervalMs} ms${'state' in r ? `  ${r.state}${r.error === undefined ? '' : ` (${r.error})`}` : ''}\n`);
    return 0;
  },
};

const read: Command = {
  path: ['drivers', 'read'],
  summary: 'read a configured driver once',
  usage: 'ID',
  options: { driver: DRIVER_OPTION, json: { type: 'boolean', description: 'print JSON' } },
  async run(inv) {
    const id = inv.positionals[0];
    if (id === undefined || inv.positionals.length > 1) throw new UsageError('usage: ip2 drivers read ID');
    const specs = await loadSpecs(inv);
    const spec = specs.find((s) => s.id === id);
    if (spec === undefined) throw new ConfigError('UNKNOWN_DRIVER', id, `no such driver (configured: ${specs.map((s) => s.id).join(', ') || 'none'})`);
    const readings = await withDriver(spec, (d) => d.readAll());
    if (flag(inv, 'json')) printJson(inv, { id: spec.id, kind: spec.kind, readings });
    else for (const r of readings) inv.io.stdout.write(`${formatReading(r)}\n`);
    return 0;
  },
};

export const driversCommands: Command[] = [list, read];
