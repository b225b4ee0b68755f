import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../agent/mqtt/embedded-broker.ts';
import { watch } from './support/watcher.ts';

describe('the embedded demo broker', () => {
  it('carries ip2 run\'s discovery (retained), states and availability on loopback (MQTT 3.1.1: aedes has no MQTT 5)', async () => {
    const broker = await startEmbeddedBroker();
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const work = await mkdtemp(join(tmpdir(), 'ip2-aedes-'));
    await writeFile(join(work, 'p.json'), JSON.stringify({ v: 1, deviceName: 'demo', mqtt: { url: broker.url, protocolVersion: 4 } }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'agent/cli/ip2.ts', 'run', '--dir', join(work, 'dev'), '--provision', join(work, 'p.json')], {
      stdio: 'ignore',
      env: { ...process.env, IP2_TPM: 'tcp://127.0.0.1:1' },
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const watcher = await watch(broker.url, ['ip2/+/sim0/state', 'ip2/+/availability'], { protocolVersion: 4 });
    try {
      const state = await watcher.waitFor((m) => m.topic.endsWith('/sim0/state'));
      expect((JSON.parse(state.text) as { values: { temperature: number } }).values.temperature).toEqual(expect.any(Number));
      await watcher.waitFor((m) => m.topic.endsWith('/availability') && m.text === 'online');
      const late = await watch(broker.url, ['homeassistant/device/+/config'], { protocolVersion: 4 });
      const config = await late.waitFor(() => true);
      expect(config.retain).toBe(true);
      expect((JSON.parse(config.text) as { device: { name: string } }).device.name).toBe('demo');
      await late.end();
    } finally {
      child.kill('SIGTERM');
      await watcher.end();
    }
    expect(await exited).toBe(0);
    await broker.close();
  }, 60_000);
});

describe('closing the embedded broker', () => {
  it('does not wait for clients that are still connected', async () => {
    const broker = await startEmbeddedBroker();
    const client = await watch(broker.url, ['x/#'], { protocolVersion: 4, reconnectPeriod: 0 });
    await broker.close();
    await client.end();
    expect(broker.url).toMatch(/^mqtt:/);
  });
});
