import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../agent/mqtt/backoff.ts';
import { systemDiagnostics } from '../../agent/mqtt/diagnostics.ts';
import { createMqttLink, isMqttError, type MqttLinkOptions, type Outbox } from '../../agent/mqtt/index.ts';
import { silentLog } from '../../agent/overlay/log.ts';
import { ManualClock } from '../drivers/support/clock.ts';
import { counterDriver } from './support/counter-driver.ts';

describe('reconnect backoff with jitter', () => {
  it('stays within [step/2, step], grows to the cap, is never zero', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const o = { baseMs: 1000, maxMs: 60_000 };
        const step = Math.min(o.maxMs, o.baseMs * 2 ** attempt);
        const d = reconnectDelay(attempt, o, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(step / 2));
        expect(d).toBeLessThanOrEqual(step);
        expect(d).toBeGreaterThan(0);
      }),
    );
  });
});

describe('system diagnostics', () => {
  it('reads the thermal zone and throttling flags from the kernel files; missing means null', async () => {
    const clock = new ManualClock();
    const files: Record<string, string> = {
      '/sys/class/thermal/thermal_zone0/temp': '48312\n',
      '/sys/devices/platform/soc/soc:firmware/get_throttled': '50005\n',
    };
    const read = (p: string): Promise<string> => (p in files ? Promise.resolve(files[p] ?? '') : Promise.reject(new Error('ENOENT')));
    const src = systemDiagnostics({ version: '1.2.3', assurance: 'tpm', clock, startedAt: clock.now() - 90_500, readFile: read });
    expect(await src()).toEqual({ cpu_temperature: 48.312, throttled: true, uptime: 90, version: '1.2.3', assurance: 'tpm' });
    const none = systemDiagnostics({ version: 'v', assurance: 'software', clock, startedAt: clock.now(), readFile: () => Promise.reject(new Error('ENOENT')) });
    expect(await none()).toMatchObject({ cpu_temperature: null, throttled: null, uptime: 0 });
  });
});

describe('createMqttLink refuses bad configuration at start-up', () => {
  const clock = new ManualClock();
  const base: MqttLinkOptions = {
    url: 'mqtt://127.0.0.1:1883',
    clientId: 'c',
    nodeId: 'n',
    device: { identifier: 'n', name: 'n', swVersion: '0' },
    drivers: [{ driver: counterDriver('d', clock), intervalMs: 10_000 }],
    outbox: {} as Outbox,
    clock,
    log: silentLog,
  };
  const cases: [string, Partial<MqttLinkOptions>][] = [
    ['http URL', { url: 'http://x' }],
    ['garbage URL', { url: 'not a url' }],
    ['empty client id', { clientId: '' }],
    ['bad node id', { nodeId: 'a/b' }],
    ['bad prefix', { discoveryPrefix: 'ha/#' }],
    ['will delay', { willDelaySeconds: -1 }],
    ['keepalive', { keepaliveSeconds: 1 }],
    ['cert without key', { tls: { cert: 'pem' } }],
    ['intents over 3.1.1', { protocolVersion: 4, intents: () => Promise.resolve(new Uint8Array()) }],
    ['interval', { drivers: [{ driver: counterDriver('d', clock), intervalMs: 10 }] }],
    ['duplicate drivers', { drivers: [{ driver: counterDriver('d', clock), intervalMs: 10_000 }, { driver: counterDriver('d', clock), intervalMs: 10_000 }] }],
  ];
  for (const [name, patch] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        createMqttLink({ ...base, ...patch });
      } catch (e) {
        err = e;
      }
      expect(isMqttError(err)).toBe(true);
      expect(['BAD_CONFIG', 'BAD_ID']).toContain((err as { code: string }).code);
    });
  }
  it('accepts a good configuration without connecting', () => {
    expect(createMqttLink(base).connected).toBe(false);
  });
});
