/**
 * `ip2 run` with a broker in its provisioning file, against real mosquitto: Home Assistant
 * discovery and states arrive, and a signed intent sent over MQTT 5 is answered on the response
 * topic through the same checks, policies and audit as the socket's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCbor } from '../../agent/cbor/index.ts';
import { createNodeCrypto } from '../../agent/crypto/index.ts';
import { openIdentity } from '../../agent/identity/store.ts';
import { createIntent, fetchChallenge } from '../../agent/intent/index.ts';
import { ip2 } from '../cli/helpers.ts';
import { requireMosquitto, startMosquitto, type Broker } from './support/mosquitto.ts';
import { watch } from './support/watcher.ts';

const run = requireMosquitto();
const havePub = spawnSync('mosquitto_pub', ['--help']).error === undefined;
if (run && !havePub && process.env['IP2_REAL'] === '1') throw new Error('IP2_REAL=1 but mosquitto_pub is missing (apt-get install mosquitto-clients)');

(run && havePub ? describe : describe.skip)('ip2 run publishes to the provisioned broker', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.dispose();
  });

  it('discovery, states, and an intent over MQTT 5 answered on the response topic', async () => {
    const work = await mkdtemp(join(tmpdir(), 'ip2-run-mqtt-'));
    const dev = join(work, 'dev');
    const owner = join(work, 'owner');
    const provision = join(work, 'p.json');
    await writeFile(provision, JSON.stringify({ v: 1, deviceName: 'garden', mqtt: { url: broker.url } }));
    const watcher = await watch(broker.url, ['homeassistant/device/+/config', 'ip2/#']);
    const child = spawn(process.execPath, ['--import', 'tsx', 'agent/cli/ip2.ts', 'run', '--dir', dev, '--provision', provision], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, IP2_TPM: 'tcp://127.0.0.1:1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      const config = await watcher.waitFor((m) => m.topic.startsWith('homeassistant/device/'));
      // retained: a client that subscribes afterwards still gets it, flagged as retained
      const late = await watch(broker.url, [config.topic]);
      expect((await late.waitFor(() => true)).retain).toBe(true);
      await late.end();
      const discovery = JSON.parse(config.text) as { device: { name: string }; components: Record<string, { device_class?: string }> };
      expect(discovery.device.name).toBe('garden');
      expect(Object.values(discovery.components).map((c) => c.device_class)).toContain('temperature');
      const state = await watcher.waitFor((m) => /^ip2\/[^/]+\/sim0\/state$/.test(m.topic));
      const values = (JSON.parse(state.text) as { values: { temperature: number; humidity: number } }).values;
      expect(values.temperature).toBeGreaterThan(-40);
      expect(values.temperature).toBeLessThan(60);

      // pair the owner over the socket, then send a signed intent over MQTT 5
      for (let i = 0; i < 300 && !/pairing code: \S+/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      const did = /ip2 device (did:key:\S+)/.exec(out)![1]!;
      const code = /pairing code: (\S+)/.exec(out)![1]!;
      await ip2(['init', '--dir', owner, '--keystore', 'software']);
      expect((await ip2(['pair', did, '--code', code, '--connect', join(dev, 'ip2.sock'), '--dir', owner])).code).toBe(0);
      const crypto = createNodeCrypto();
      const { store } = await openIdentity(owner, { crypto });
      const chal = await fetchChallenge({ path: join(dev, 'ip2.sock') });
      const now = Math.floor(Date.now() / 1000);
      const env = await createIntent(store, { aud: did, cmd: 'read_temperature', iat: now, exp: now + 60, ...(chal === undefined ? {} : { chal }) }, crypto);
      const intentTopic = config.topic.replace(/^homeassistant\/device\/([^/]+)\/config$/, 'ip2/$1/intent');
      const replyTopic = 'owner/replies/1';
      const replies = new Map<string, Record<string, unknown>>();
      watcher.client.on('message', (topic, payload, packet) => {
        const cd = packet.properties?.correlationData?.toString();
        if (topic === replyTopic && cd !== undefined) replies.set(cd, decodeCbor(new Uint8Array(payload)) as Record<string, unknown>);
      });
      await watcher.client.subscribeAsync(replyTopic, { qos: 1 });
      const ask = async (cd: string): Promise<Record<string, unknown>> => {
        await watcher.client.publishAsync(intentTopic, Buffer.from(env), { qos: 1, properties: { responseTopic: replyTopic, correlationData: Buffer.from(cd) } });
        for (let i = 0; i < 200 && !replies.has(cd); i++) await new Promise((r) => setTimeout(r, 50));
        return replies.get(cd) ?? {};
      };
      const first = await ask('c-1');
      expect(first, JSON.stringify(first)).toMatchObject({ ok: true });
      expect(JSON.stringify(first)).toMatch(/temperature/);
      // the same bytes again: refused by the same verifier as on the socket; its single-use
      // challenge is spent, which is checked before the nonce's replay cache
      const again = await ask('c-2');
      expect(again, JSON.stringify(again)).toMatchObject({ ok: false, reason: 'bad_challenge' });

      // as a user would: `ip2 intent --print` then mosquitto_pub with MQTT 5 properties
      const printed = join(work, 'intent.cose');
      const p = await ip2(['intent', 'read_humidity', '--to', did, '--dir', owner, '--connect', join(dev, 'ip2.sock'), '--print', printed]);
      expect(p.code, p.err).toBe(0);
      const pub = (file: string, cd: string): void => {
        const r = spawnSync('mosquitto_pub', ['-V', 'mqttv5', '-p', String(broker.port), '-h', '127.0.0.1', '-q', '1', '-t', intentTopic, '-f', file,
          '-D', 'publish', 'response-topic', replyTopic, '-D', 'publish', 'correlation-data', cd], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      };
      const waitReply = async (cd: string): Promise<Record<string, unknown>> => {
        for (let i = 0; i < 200 && !replies.has(cd); i++) await new Promise((r) => setTimeout(r, 50));
        return replies.get(cd) ?? {};
      };
      pub(printed, 'm-1');
      const viaPub = await waitReply('m-1');
      expect(viaPub, JSON.stringify(viaPub)).toMatchObject({ ok: true, result: { quantity: 'humidity' } });
      // a forged intent: a fresh one (its own unused challenge) with one byte of the signature changed
      const fresh = join(work, 'fresh.cose');
      expect((await ip2(['intent', 'read_humidity', '--to', did, '--dir', owner, '--connect', join(dev, 'ip2.sock'), '--print', fresh])).code).toBe(0);
      const forged = Buffer.from(await readFile(fresh));
      forged[forged.length - 1]! ^= 0x01;
      await writeFile(join(work, 'forged.cose'), forged);
      pub(join(work, 'forged.cose'), 'm-2');
      expect(await waitReply('m-2')).toMatchObject({ ok: false, reason: 'bad_signature' });

      const tail = await ip2(['audit', 'tail', '--dir', dev]);
      expect(tail.out).toMatch(/ALLOW read_temperature/);
      expect(tail.out).toMatch(/DENY read_temperature .*bad_challenge/);
      await store.close();
    } finally {
      child.kill('SIGTERM');
      await watcher.end();
    }
    expect(await exited).toBe(0);
  }, 120_000);
});
