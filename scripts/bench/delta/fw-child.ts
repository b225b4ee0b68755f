/**
 * Process measured by the delta benchmark (under /usr/bin/time):
 *   fw-child.ts diff OLD NEW PATCH   our diff
 *   fw-child.ts apply OLD PATCH OUT  our streaming apply
 *   fw-child.ts idle                 loads the same modules and exits (the RSS baseline)
 */
import { applyDelta, createDelta } from '../../../firmware-update/delta/index.ts';

const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'diff' && a && b && c) {
  await createDelta(a, b, c);
} else if (mode === 'apply' && a && b && c) {
  await applyDelta({ oldPath: a, patch: b, outPath: c, resume: false });
} else if (mode !== 'idle') {
  process.stderr.write('usage: fw-child.ts diff OLD NEW PATCH | apply OLD PATCH OUT | idle\n');
  process.exit(2);
}
