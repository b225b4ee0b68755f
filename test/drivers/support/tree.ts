import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary directory tree built from `{ 'a/b/file': 'contents' }`; `cleanup()` removes it. */
export interface Tree {
  readonly root: string;
  write(rel: string, text: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function makeTree(files: Readonly<Record<string, string>>): Promise<Tree> {
  const root = await mkdtemp(join(tmpdir(), 'ip2-drivers-'));
  const write = async (rel: string, text: string): Promise<void> => {
    const p = join(root, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, text);
  };
  for (const [rel, text] of Object.entries(files)) await write(rel, text);
  return { root, write, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** w1_slave text as w1_therm prints it. */
export function w1Slave(milliC: number, crcOk = true): string {
  const bytes = '6c 01 55 00 7f ff 0c 10 16';
  return `${bytes} : crc=16 ${crcOk ? 'YES' : 'NO'}\n${bytes} t=${milliC}\n`;
}
