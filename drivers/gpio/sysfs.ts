import { join } from 'node:path';
import { DriverError } from '../errors.ts';
import type { Clock } from '../port.ts';
import { fsError, nodeFileOps, readAttribute, type FileOps } from '../sysfs/files.ts';
import { SYSFS_EDGE_POLL_MS, SYSFS_GPIO_ROOT } from './constants.ts';
import { EdgeFilter } from './edges.ts';
import type { GpioBackend, GpioLine, Level, LineRequest } from './port.ts';
import { resolveSysfsLine } from './resolve.ts';

export interface SysfsOptions {
  readonly root?: string;
  readonly clock: Clock;
  readonly files?: FileOps;
  readonly pollMs?: number;
}

async function write(files: FileOps, path: string, text: string): Promise<void> {
  try {
    await files.writeText(path, text);
  } catch (err) {
    throw fsError(path, err);
  }
}

async function exists(files: FileOps, path: string): Promise<boolean> {
  try {
    await files.list(path);
    return true;
  } catch {
    return false;
  }
}

function levelOf(path: string, text: string): Level {
  const t = text.trim();
  if (t === '0') return 0;
  if (t === '1') return 1;
  throw new DriverError('BAD_FRAME', `${path}: expected 0 or 1, got ${JSON.stringify(t.slice(0, 10))}`);
}

/**
 * The legacy sysfs backend (what onoff drives), with the global number computed from the header
 * chip's `base`, so BCM numbers work on kernels ≥ 6.6. Edges are sampled every `pollMs` on the
 * injected clock (onoff uses epoll, which needs a native addon that cannot be bundled).
 */
export function sysfsBackend(opts: SysfsOptions): GpioBackend {
  const root = opts.root ?? SYSFS_GPIO_ROOT;
  const files = opts.files ?? nodeFileOps;
  return {
    name: 'sysfs',
    async open(req: LineRequest): Promise<GpioLine> {
      const resolved = await resolveSysfsLine(root, req.bcm, files);
      const dir = join(root, `gpio${resolved.number}`);
      const exported = !(await exists(files, dir));
      if (exported) await write(files, join(root, 'export'), String(resolved.number));
      await write(files, join(dir, 'active_low'), req.activeLow === true ? '1' : '0');
      await write(files, join(dir, 'direction'), req.direction === 'out' ? (req.initial === 1 ? 'high' : 'low') : 'in');
      return sysfsLine(req, dir, exported, files, opts, root, resolved.number);
    },
  };
}

function sysfsLine(req: LineRequest, dir: string, exported: boolean, files: FileOps, opts: SysfsOptions, root: string, number: number): GpioLine {
  const filter = new EdgeFilter(opts.clock, req.edge, req.debounceMs ?? 0);
  const valuePath = join(dir, 'value');
  let released = false;
  let timer: unknown;
  const read = async (): Promise<Level> => levelOf(valuePath, await readAttribute(files, valuePath));
  const poll = (): void => {
    timer = opts.clock.setTimeout(() => {
      read().then((l) => filter.observe(l), () => undefined).finally(() => {
        if (!released) poll();
      });
    }, opts.pollMs ?? SYSFS_EDGE_POLL_MS);
  };
  return {
    bcm: req.bcm,
    read,
    async write(level: Level): Promise<void> {
      if (released) throw new DriverError('CLOSED', `GPIO ${req.bcm} was released`);
      if (req.direction !== 'out') throw new DriverError('UNSUPPORTED', `GPIO ${req.bcm} is an input`);
      await write(files, valuePath, String(level));
    },
    onEdge(listener): void {
      filter.add(listener);
      if (timer === undefined && req.edge !== undefined) {
        void read().then((l) => filter.observe(l), () => undefined);
        poll();
      }
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      if (timer !== undefined) opts.clock.clearTimeout(timer);
      if (exported) await write(files, join(root, 'unexport'), String(number));
    },
  };
}
