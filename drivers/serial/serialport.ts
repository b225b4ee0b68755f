import type { SerialPort } from 'serialport';
import { DriverError } from '../errors.ts';
import type { ByteLink, LinkOpener, LinkOptions } from './port.ts';

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function openError(path: string, err: unknown): DriverError {
  const errno = errnoOf(err);
  const msg = err instanceof Error ? err.message : String(err);
  if (errno === 'ENOENT' || /No such file/i.test(msg)) return new DriverError('NOT_FOUND', `${path}: no such serial device`, { cause: err });
  // serialport reports a held lock only through its message ("Cannot lock port"); we keep the
  // original as `cause` and describe it for the user (research/drivers.md §2.3).
  const hint = /lock/i.test(msg) ? ' (another process holds it: a getty, ModemManager, gpsd or a second agent?)' : '';
  return new DriverError('IO', `${path}: cannot open${hint}`, { cause: err });
}

/**
 * The real adapter: serialport 13 over a UART or a socat pty. `lock` defaults to true so two
 * agents cannot read one sensor; tests opening both ends of a pty still lock each end once.
 * serialport (a native addon) is loaded on the first open, not at start-up, so every command
 * that reads no UART runs where its prebuilt binary is missing or does not fit.
 */
export function serialPortOpener(defaults: { lock?: boolean } = {}): LinkOpener {
  return async (path: string, options: LinkOptions): Promise<ByteLink> => {
    const { SerialPort: Port } = await import('serialport').catch((cause: unknown) => {
      throw new DriverError('IO', `${path}: the serial port support (serialport's native binding) cannot load here`, { cause });
    });
    return new Promise((resolve, reject) => {
      const port = new Port({ path, baudRate: options.baudRate, autoOpen: false, lock: defaults.lock ?? true });
      port.open((err) => {
        if (err) reject(openError(path, err));
        else resolve(wrap(path, port));
      });
    });
  };
}

function wrap(path: string, port: SerialPort): ByteLink {
  let listener: ((chunk: Uint8Array) => void) | undefined;
  let closed = false;
  port.on('data', (chunk: Buffer) => {
    if (!closed && chunk.length > 0) listener?.(new Uint8Array(chunk));
  });
  // Errors after open surface through reads timing out and health(); keep the process alive.
  port.on('error', () => undefined);
  return {
    path,
    onData(l) {
      listener = l;
    },
    write(bytes) {
      if (closed) return Promise.reject(new DriverError('CLOSED', `${path} is closed`));
      return new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (err) => {
          if (err) reject(new DriverError('IO', `${path}: write failed`, { cause: err }));
        });
        port.drain((err) => (err ? reject(new DriverError('IO', `${path}: drain failed`, { cause: err })) : resolve()));
      });
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      listener = undefined;
      return new Promise<void>((resolve) => {
        if (!port.isOpen) {
          resolve();
          return;
        }
        port.close(() => resolve());
      });
    },
  };
}
