/**
 * `ip2 demo`: the local IP2 network and the walk-through that `npm start` runs, and
 * `ip2 demo node CONFIG`, one router of that network (the demo starts these itself).
 */
import { resolve } from 'node:path';
import { runDemo } from '../../../scripts/demo/run.ts';
import { parseNodeConfig, runDemoNode } from '../../../scripts/demo/node.ts';
import { type Command, UsageError, flag, stringOption } from '../command.ts';

const demo: Command = {
  path: ['demo'],
  summary: 'run a local IP2 network on this machine and walk through pairing, delegation and updates',
  options: {
    once: { type: 'boolean', description: 'walk through once, stop everything and exit (CI); also IP2_DEMO_EXIT=1' },
    root: { type: 'string', arg: 'DIR', description: 'keep the network\'s state in DIR (default: a temporary folder, removed at exit)' },
  },
  details: `Starts router processes on 127.x.0.1 addresses with a private network id and a signed seed
bundle, a device daemon (ip2 run) with the simulated sensor, and a homeowner; then narrates each
step. Without --once it keeps running so that you can try the ip2 lines it prints; Ctrl-C stops
every process it started.`,
  async run(inv) {
    const script = process.argv[1];
    if (script === undefined) throw new UsageError('cannot tell how this ip2 was started');
    const root = stringOption(inv, 'root');
    return runDemo({
      entry: { program: process.execPath, args: [...process.execArgv, resolve(script)], cwd: inv.io.cwd },
      once: flag(inv, 'once') || inv.io.env['IP2_DEMO_EXIT'] === '1',
      out: inv.io.stdout,
      env: process.env,
      ...(root === undefined ? {} : { root: resolve(inv.io.cwd, root) }),
    });
  },
};

const node: Command = {
  path: ['demo', 'node'],
  usage: 'CONFIG_JSON',
  summary: 'run one router of the demo network (ip2 demo starts these; JSON lines on stdin/stdout)',
  async run(inv) {
    const text = inv.positionals[0];
    if (text === undefined || inv.positionals.length !== 1) throw new UsageError('expected one CONFIG_JSON');
    let cfg;
    try {
      cfg = parseNodeConfig(text);
    } catch (err) {
      throw new UsageError(`bad node config: ${(err as Error).message}`);
    }
    await runDemoNode(cfg, { stdin: process.stdin, stdout: inv.io.stdout, stderr: process.stderr });
  },
};

export const demoCommands: Command[] = [demo, node];
