/**
 * `npm start`: the main job. Starts a local IP2 network on this machine (router processes on
 * loopback addresses, a device daemon with the simulated sensor, a homeowner) and walks through
 * the device's first boot, pairing, reading the temperature, a delegate granted and revoked,
 * and the audit log; then keeps the network running for `ip2` commands until Ctrl-C.
 *
 *   npm start                    walk through, then keep running (Ctrl-C stops everything)
 *   npm start -- --once          walk through, stop everything, exit 0 on success (CI)
 *   IP2_DEMO_EXIT=1 npm start    the same as --once
 *   IP2_DEMO_DIR=/some/dir       keep the run's state (and demo-report.json) there
 *
 * The walk-through is scripts/demo/run.ts; `ip2 demo` runs the same thing.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo/run.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--once');
if (unknown.length > 0) {
  process.stderr.write(`npm start: unknown option ${unknown[0] ?? ''} (only --once)\n`);
  process.exit(2);
}
const root = process.env['IP2_DEMO_DIR'];
process.exitCode = await runDemo({
  entry: { program: process.execPath, args: ['--import', 'tsx', resolve(repo, 'agent/cli/ip2.ts')], cwd: repo },
  once: args.includes('--once') || process.env['IP2_DEMO_EXIT'] === '1',
  out: process.stdout,
  env: process.env,
  ...(root === undefined || root === '' ? {} : { root: resolve(root) }),
});
