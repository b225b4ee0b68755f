/** `ip2 run`: the device daemon (agent/main.ts wires it). */
import { jsonLineLog } from '../../overlay/log.ts';
import { startAgent } from '../../main.ts';
import { type Command, UsageError, stringOption } from '../command.ts';

const run: Command = {
  path: ['run'],
  summary: 'run the device daemon: verify intents, decide by policy, act, audit',
  options: {
    port: { type: 'string', arg: 'PORT', description: 'also listen on this loopback TCP port (0: any free port)' },
    clock: { type: 'string', arg: 'STATE', description: 'trusted (default) or floor-only (no RTC, no NTP yet)' },
    policies: { type: 'string', arg: 'DIR', description: 'policy directory (default: DIR/policies, else the shipped defaults)' },
  },
  details: `Listens on DIR/ip2.sock (intents, pairing) and DIR/admin.sock (pairing mode, mode 0600), and
writes DIR/endpoint.json so that ip2 pair start and other shells find it. Logs JSON lines on stderr.
Stops on SIGINT or SIGTERM, writing a final signed audit checkpoint.`,
  async run(inv) {
    const portText = stringOption(inv, 'port');
    const port = portText === undefined ? undefined : Number(portText);
    if (port !== undefined && !(Number.isSafeInteger(port) && port >= 0 && port < 65536)) throw new UsageError('--port takes 0..65535');
    const clock = stringOption(inv, 'clock') ?? 'trusted';
    if (clock !== 'trusted' && clock !== 'floor-only') throw new UsageError('--clock is trusted or floor-only');
    const log = jsonLineLog('agent', inv.io.stderr);
    const policyDir = stringOption(inv, 'policies');
    const agent = await startAgent({
      dir: inv.dir, log, clockState: clock, ...(port === undefined ? {} : { tcpPort: port }), ...(policyDir === undefined ? {} : { policyDir }),
    });
    inv.io.stdout.write(`ip2 device ${agent.did}\n  listening on ${agent.info.socket}${agent.info.tcp === undefined ? '' : ` and 127.0.0.1:${agent.info.tcp.port}`}\n  clock ${clock}; Ctrl-C stops\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await agent.close();
  },
};

export const runCommands: Command[] = [run];
