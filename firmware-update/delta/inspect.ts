/** Reads a patch's header and operation list without touching any image (`ip2 fw inspect`). */
import { HEADER_LENGTH } from './constants.ts';
import { DeltaError } from './errors.ts';
import type { Op, PatchHeader } from './format.ts';
import { decodeHeader, readOp } from './format.ts';
import { PatchReader } from './reader.ts';

export interface PatchSummary {
  readonly header: PatchHeader;
  readonly ops: Readonly<Record<Op['kind'], { count: number; targetBytes: number; patchBytes: number }>>;
}

/** Walks the whole patch; total and bounded like the apply (one operation in memory at a time). */
export async function inspectDelta(patch: AsyncIterable<Uint8Array>): Promise<PatchSummary> {
  const reader = new PatchReader(patch);
  try {
    const header = decodeHeader(await reader.readExact(HEADER_LENGTH));
    const ops = {
      zero: { count: 0, targetBytes: 0, patchBytes: 0 },
      source_copy: { count: 0, targetBytes: 0, patchBytes: 0 },
      replace: { count: 0, targetBytes: 0, patchBytes: 0 },
      bsdiff: { count: 0, targetBytes: 0, patchBytes: 0 },
    };
    let covered = 0;
    for (let i = 0; i < header.opCount; i++) {
      const before = reader.offset;
      const op = await readOp(reader, header);
      covered += op.targetLength;
      const o = ops[op.kind];
      o.count++;
      o.targetBytes += op.targetLength;
      o.patchBytes += reader.offset - before;
    }
    if (covered !== header.targetLength) throw new DeltaError('MALFORMED_PATCH', `operations cover ${covered} bytes, header says ${header.targetLength}`);
    if (!(await reader.atEnd())) throw new DeltaError('MALFORMED_PATCH', 'trailing bytes after the last operation');
    return { header, ops };
  } finally {
    await reader.close();
  }
}
