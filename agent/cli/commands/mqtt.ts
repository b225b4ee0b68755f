/** `ip2 mqtt publish-once`, `ip2 mqtt outbox`: the MQTT link from the command line (issue 8). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../../../drivers/clock.ts';
import { createSimulatedDriver } from '../../../drivers/simulated/index.ts';
import { jsonLineLog } from '../../overlay/log.ts';
import { createMqttLink, Outbox, systemDiagnostics, type BrokerTls } from '../../mqtt/index.ts';
import { type Command, type Invocation, UsageError, flag, printJson, requireOption, stringOption } from '../command.ts';

import { AGENT_VERSION as VERSION } from '../../version.ts';
const outboxDir = (inv: Invocation): string => join(inv.dir, 'mqtt-outbox');

function intOption(inv: Invocation, name: string, fallback: number): number {
  const v = stringOption(inv, name);
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(v)) throw new UsageError(`--${name} must be a whole number`);
  return Number(v);
}

async function tlsOptions(inv: Invocation): Promise<BrokerTls | undefined> {
  const [ca, cert, key] = ['ca', 'cert', 'key'].map((n) => stringOption(inv, n));
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  const read = (p: string | undefined): Promise<string | undefined> => (p === undefined ? Promise.resolve(undefined) : readFile(p, 'utf8'));
  const [caPem, certPem, keyPem] = await Promise.all([read(ca), read(cert), read(key)]);
  return { ...(caPem === undefined ? {} : { ca: caPem }), ...(certPem === undefined ? {} : { cert: certPem }), ...(keyPem === undefined ? {} : { key: keyPem }) };
}

const publishOnce: Command = {
  path: ['mqtt', 'publish-once'],
  summary: 'announce Home Assistant discovery and publish one reading of the simulated driver',
  options: {
    broker: { type: 'string', arg: 'URL', description: 'mqtt://host:1883, mqtts://host:8883, ws:// or wss://' },
    node: { type: 'string', arg: 'ID', description: 'node id in topics and discovery (default ip2-demo)' },
    prefix: { type: 'string', arg: 'PREFIX', description: 'discovery prefix (default homeassistant)' },
    username: { type: 'string', arg: 'NAME', description: 'broker user name (password from $IP2_MQTT_PASSWORD)' },
    ca: { type: 'string', arg: 'FILE', description: 'PEM CA bundle for mqtts://' },
    cert: { type: 'string', arg: 'FILE', description: 'PEM client certificate' },
    key: { type: 'string', arg: 'FILE', description: 'PEM client key' },
    seed: { type: 'string', arg: 'N', description: 'simulated driver seed (default 1)' },
    timeout: { type: 'string', arg: 'S', description: 'give up after S seconds (default 15); readings stay in the outbox' },
    'mqtt-version': { type: 'string', arg: '4|5', description: 'MQTT protocol: 5 (default) or 4 for 3.1.1-only brokers' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  details: `Readings go through the durable outbox in <dir>/mqtt-outbox: what cannot be delivered
before the timeout is delivered by the next run (or by \`ip2 run\`), in order.`,
  async run(inv) {
    const url = requireOption(inv, 'broker');
    const node = stringOption(inv, 'node') ?? 'ip2-demo';
    const timeoutS = intOption(inv, 'timeout', 15);
    const username = stringOption(inv, 'username');
    const password = inv.io.env['IP2_MQTT_PASSWORD'];
    const tls = await tlsOptions(inv);
    const log = jsonLineLog('mqtt', inv.io.stderr, 'warn');
    const outbox = await Outbox.open({ dir: outboxDir(inv), clock: systemClock, log });
    try {
      const link = createMqttLink({
        url,
        clientId: `ip2-${node}-cli`,
        nodeId: node,
        ...(stringOption(inv, 'mqtt-version') === '4' ? { protocolVersion: 4 as const } : {}),
        ...(stringOption(inv, 'prefix') === undefined ? {} : { discoveryPrefix: stringOption(inv, 'prefix') }),
        ...(username === undefined ? {} : { auth: { username, ...(password === undefined ? {} : { password }) } }),
        ...(tls === undefined ? {} : { tls }),
        device: { identifier: node, name: `ip2 ${node}`, swVersion: VERSION },
        drivers: [{ driver: createSimulatedDriver({ id: 'sim', seed: intOption(inv, 'seed', 1), clock: systemClock }), intervalMs: 3_600_000 }],
        outbox,
        clock: systemClock,
        log,
        diagnostics: systemDiagnostics({ version: VERSION, assurance: 'software', clock: systemClock, startedAt: Date.now() }),
      });
      link.start();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        link.idle().then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutS * 1000))),
      ]);
      clearTimeout(timer);
      await link.stop();
      const result = { delivered: !timedOut, broker: url, node, outbox: outbox.stats };
      if (flag(inv, 'json')) printJson(inv, result);
      else inv.io.stdout.write(timedOut ? `broker not reached in ${timeoutS} s; ${result.outbox.pending} reading(s) kept in the outbox\n` : `announced ${node} and delivered; outbox empty\n`);
      return timedOut ? 1 : 0;
    } finally {
      await outbox.close();
    }
  },
};

const outboxCmd: Command = {
  path: ['mqtt', 'outbox'],
  summary: 'show the durable MQTT outbox: pending, dropped and damaged counts',
  options: { json: { type: 'boolean', description: 'print as JSON' } },
  async run(inv) {
    const outbox = await Outbox.open({ dir: outboxDir(inv), clock: systemClock, log: jsonLineLog('mqtt', inv.io.stderr, 'warn') });
    const stats = outbox.stats;
    const head = outbox.peek();
    await outbox.close();
    if (flag(inv, 'json')) printJson(inv, { ...stats, next: head === undefined ? null : { seq: head.seq, topic: head.topic } });
    else inv.io.stdout.write(`pending ${stats.pending}, dropped ${stats.dropped}, damaged bytes ${stats.corruptBytes}, on disk ${stats.bytes} B\n`);
  },
};

export const mqttCommands: Command[] = [publishOnce, outboxCmd];
