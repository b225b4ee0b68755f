/**
 * The release-counter high-water mark mirrored into a TPM NV counter (agent/identity/tpm
 * `tpmNvCounter`), against swtpm: wiping the file cannot lower it, and it never goes down.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTpm, tpmNvCounter } from '../../../agent/identity/tpm/index.ts';
import { fileCounterStore, mirroredCounterStore } from '../../../firmware-update/client/index.ts';
import { requireSwtpm, startSwtpm, type Swtpm } from '../../identity/tpm/swtpm.ts';
import { withTmp } from './helpers.ts';

const run = requireSwtpm();

describe.runIf(run)('release counter in a TPM NV counter (swtpm)', () => {
  let sw: Swtpm;
  beforeAll(async () => {
    sw = await startSwtpm();
  });
  afterAll(async () => {
    await sw?.stop();
  });

  it('raises the NV counter to the mark; the TPM wins over a wiped or restored file', async () => {
    await withTmp(async (dir) => {
      const tpm = await openTpm({ tcp: { host: sw.host, port: sw.port } });
      try {
        const nv = await tpmNvCounter(tpm, 0x01000ea7);
        const store = mirroredCounterStore(fileCounterStore(dir), nv);
        expect(await store.read()).toBe(0);
        await store.raise(3);
        expect(await nv.read()).toBe(3n);
        await store.raise(2); // lower: no-op
        expect(await nv.read()).toBe(3n);
        await rm(join(dir, 'release-counter.json'));
        expect(await fileCounterStore(dir).read()).toBe(0);
        expect(await store.read()).toBe(3);
      } finally {
        await tpm.close();
      }
    });
  });
});
