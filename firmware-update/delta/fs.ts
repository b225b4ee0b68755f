/**
 * The narrow file port the delta apply uses, so tests can inject faults (a write that stops
 * half-way, a crash before fsync) on a real file. `nodeFs` is the real adapter.
 */
import { open, rm } from 'node:fs/promises';

export interface DeltaFile {
  /** Reads up to `length` bytes at `position`; returns the count (0 at end of file). */
  read(buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Writes all `length` bytes at `position` or rejects. */
  write(buf: Uint8Array, offset: number, length: number, position: number): Promise<void>;
  /** Flushes data and metadata to stable storage (fsync). */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

/** `read`: existing file read-only; `create`: truncate or create for writing; `update`: read-write, created if missing. */
export type OpenMode = 'read' | 'create' | 'update';

export interface DeltaFs {
  open(path: string, mode: OpenMode): Promise<DeltaFile>;
  /** Removes a file if it exists. */
  remove(path: string): Promise<void>;
}

export const nodeFs: DeltaFs = {
  async open(path, mode) {
    const fh = mode === 'read' ? await open(path, 'r')
      : mode === 'create' ? await open(path, 'w+')
      : await open(path, 'a+').then((h) => h.close()).then(() => open(path, 'r+'));
    return {
      async read(buf, offset, length, position) {
        return (await fh.read(buf, offset, length, position)).bytesRead;
      },
      async write(buf, offset, length, position) {
        let done = 0;
        while (done < length) {
          const { bytesWritten } = await fh.write(buf, offset + done, length - done, position + done);
          done += bytesWritten;
        }
      },
      sync: () => fh.sync(),
      truncate: (length) => fh.truncate(length),
      size: async () => (await fh.stat()).size,
      close: () => fh.close(),
    };
  },
  async remove(path) {
    await rm(path, { force: true });
  },
};

/** Fills `into` from `position`; false if the file ends first. */
export async function readFully(file: DeltaFile, into: Uint8Array, position: number): Promise<boolean> {
  let done = 0;
  while (done < into.length) {
    const n = await file.read(into, done, into.length - done, position + done);
    if (n === 0) return false;
    done += n;
  }
  return true;
}
