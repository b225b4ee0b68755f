/** `ip2 run`: the device daemon (agent/main.ts wires it). */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCrypto } from '../../crypto/index.ts';
import { writeFileAtomic } from '../../fs/atomic.ts';
import { chooseAssurance, hardwareBackends } from '../../identity/hardware.ts';
import { IDENTITY_FILE, initIdentity } from '../../identity/store.ts';
import { call, encodeQr, renderQr } from '../../intent/index.ts';
import { jsonLineLog } from '../../overlay/log.ts';
import type { Log } from '../../overlay/log.ts';
import { startAgent } from '../../main.ts';
import { readProvision, type Provision } from '../../provision.ts';
import { systemdNotifier } from '../../systemd.ts';
import { type Command, type Invocation, UsageError, stringOption } from '../command.ts';
import { validateConfig } from '../../../drivers/config/index.ts';
import { DRIVER_OPTION, loadSpecs } from './drivers.ts';
import { pairingUri } from './pair.ts';

/** Where first boot leaves the pairing code for the unit's ExecStartPost to copy (0600). */
export const PAIRING_CODE_FILE = 'pairing-code.txt';

const run: Command = {
  path: ['run'],
  summary: 'run the device daemon: verify intents, decide by policy, act, audit',
  options: {
    port: { type: 'string', arg: 'PORT', description: 'also listen on this loopback TCP port (0: any free port)' },
    clock: { type: 'string', arg: 'STATE', description: 'trusted (default) or floor-only (no RTC, no NTP yet)' },
    policies: { type: 'string', arg: 'DIR', description: 'policy directory (default: DIR/policies, else the shipped defaults)' },
    provision: { type: 'string', arg: 'FILE', description: 'provisioning JSON written by ip2 flash (checked at start)' },
    tpm: { type: 'string', arg: 'ADDR', description: 'TPM address (default /dev/tpmrm0 or $IP2_TPM; tcp://HOST:PORT for swtpm)' },
    driver: DRIVER_OPTION,
  },
  details: `Listens on DIR/ip2.sock (intents, pairing) and DIR/admin.sock (pairing mode, mode 0600), and
writes DIR/endpoint.json so that ip2 pair start and other shells find it. Logs JSON lines on stderr.
Stops on SIGINT or SIGTERM, writing a final signed audit checkpoint.

Sensors: the drivers in DIR/drivers.json and --driver flags, else those of the provisioning
file, else one simulated sensor (sim0).

First boot: with no identity in DIR it creates one (in the TPM when one answers, else software),
and while the device is unpaired it enters pairing mode by itself and shows the code on the
console and in the log (and in DIR/pairing-code.txt when the provisioning asks for it). Under
systemd it reports READY and pings the watchdog.`,
  async run(inv) {
    const portText = stringOption(inv, 'port');
    const port = portText === undefined ? undefined : Number(portText);
    if (port !== undefined && !(Number.isSafeInteger(port) && port >= 0 && port < 65536)) throw new UsageError('--port takes 0..65535');
    const clock = stringOption(inv, 'clock') ?? 'trusted';
    if (clock !== 'trusted' && clock !== 'floor-only') throw new UsageError('--clock is trusted or floor-only');
    // Listen for a stop first, so that Ctrl-C or SIGTERM during start-up still stops cleanly.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const log = jsonLineLog('agent', inv.io.stderr);
    const crypto = defaultCrypto();
    const provisionPath = stringOption(inv, 'provision');
    const provision = provisionPath === undefined ? undefined : await readProvision(provisionPath, crypto);
    const tpmAddress = stringOption(inv, 'tpm') ?? inv.io.env['IP2_TPM'];
    await firstBootIdentity(inv, log, tpmAddress);
    const fileDrivers = await loadSpecs(inv);
    const drivers = fileDrivers.length > 0 || provision?.drivers === undefined ? fileDrivers : validateConfig({ drivers: provision.drivers }, 'provision.json');
    const policyDir = stringOption(inv, 'policies');
    const agent = await startAgent({
      dir: inv.dir, log, clockState: clock, crypto, drivers, ...(port === undefined ? {} : { tcpPort: port }), ...(policyDir === undefined ? {} : { policyDir }),
      ...(tpmAddress === undefined ? {} : { tpmAddress }),
      ...(provision?.mqtt === undefined ? {} : { mqtt: { ...provision.mqtt, ...(provision.deviceName === undefined ? {} : { deviceName: provision.deviceName }) } }),
    });
    inv.io.stdout.write(`ip2 device ${agent.did}\n  listening on ${agent.info.socket}${agent.info.tcp === undefined ? '' : ` and 127.0.0.1:${agent.info.tcp.port}`}\n  clock ${clock}; Ctrl-C stops\n`);
    const pairingWatch = await enterPairingIfUnpaired(inv, log, agent.info, provision);
    const notifier = systemdNotifier(inv.io.env);
    notifier.ready(`serving ${agent.did}`);
    const watchdog = notifier.startWatchdog(() => existsSync(agent.info.socket));
    await stopped;
    watchdog.stop();
    pairingWatch.stop();
    await agent.close();
  },
};

/** First boot: no identity yet, so make one, in the TPM when one answers. */
async function firstBootIdentity(inv: Invocation, log: Log, tpmAddress: string | undefined): Promise<void> {
  if (existsSync(join(inv.dir, IDENTITY_FILE))) return;
  const crypto = defaultCrypto();
  const { assurance, probe } = await chooseAssurance(tpmAddress);
  const backends = hardwareBackends({ crypto, ...(tpmAddress === undefined ? {} : { tpmAddress }) });
  const { store, record } = await initIdentity(inv.dir, { crypto, assurance, backends });
  await store.close();
  log.log('info', 'firstboot.identity', { did: record.did, assurance: record.assurance, tpm: probe.present ? probe.manufacturer : probe.reason });
  inv.io.stdout.write(`first boot: created ${record.did}\n  assurance ${record.assurance}${probe.present ? ` (TPM ${probe.manufacturer})` : ` (no TPM: ${probe.reason})`}\n`);
}

/** While nobody is paired, pairing mode is on and its code is shown where the owner can see it. */
async function enterPairingIfUnpaired(
  inv: Invocation,
  log: Log,
  info: { did: string; admin: string; socket: string; tcp?: { port: number } },
  provision: Provision | undefined,
): Promise<{ stop(): void }> {
  const none = { stop: () => undefined };
  const hello = await call({ path: info.admin }, { op: 'hello' });
  if (hello['paired'] === true) return none;
  const r = await call({ path: info.admin }, { op: 'pair_start' });
  if (!r.ok) {
    log.log('warn', 'firstboot.pairing_refused', { reason: String(r['reason']) });
    return none;
  }
  const code = String(r['code']);
  const expiresInS = Number(r['expiresInS']);
  log.log('info', 'firstboot.pairing', { did: info.did, code, expiresInS, expectedOwner: provision?.ownerDid ?? null });
  const codeFile = join(inv.dir, PAIRING_CODE_FILE);
  if (provision?.pairingCodeFile === true) await writeFileAtomic(codeFile, `${info.did}\n${code}\n`, 0o600);
  const connect = info.tcp === undefined ? info.socket : String(info.tcp.port);
  inv.io.stdout.write(`pairing mode for ${expiresInS} s${provision?.ownerDid === undefined ? '' : `, expecting ${provision.ownerDid}`}
  pairing code: ${code}
  owner: ip2 pair ${info.did} --code ${code} --connect ${connect}
${renderQr(encodeQr(new TextEncoder().encode(pairingUri(info.did, code)), 'M'))}`);
  return watchPairing(info.admin, codeFile, expiresInS, log);
}

/** Removes the code file once the device is paired or the pairing window has closed. */
function watchPairing(admin: string, codeFile: string, expiresInS: number, log: Log): { stop(): void } {
  const until = Date.now() + expiresInS * 1000;
  const timer = setInterval(() => {
    void call({ path: admin }, { op: 'hello' })
      .then(async (h) => {
        if (h['paired'] !== true && Date.now() < until) return;
        clearInterval(timer);
        await rm(codeFile, { force: true });
        log.log('info', h['paired'] === true ? 'firstboot.paired' : 'firstboot.pairing_window_closed', {});
      })
      .catch(() => undefined);
  }, 2000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

export const runCommands: Command[] = [run];
