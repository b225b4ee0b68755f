/**
 * Polls each configured driver at its interval and turns every measurement into a state record
 * in the outbox (so it is delivered in order, whether or not the broker is up right now).
 * Health changes are reported to the link, which publishes them retained.
 */
import type { Clock, Driver, HealthState, Quantity } from '../../drivers/port.ts';
import { isIp2Error } from '../errors.ts';
import type { Log } from '../overlay/log.ts';
import type { Outbox } from './outbox.ts';
import { encodeJson, type StatePayload, type Topics } from './topics.ts';

export interface PolledDriver {
  readonly driver: Driver;
  readonly intervalMs: number;
}

export interface PollerOptions {
  readonly drivers: readonly PolledDriver[];
  readonly topics: Topics;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly log: Log;
  readonly onHealth: (driverId: string, state: HealthState) => void;
  /** Called with each state payload after it was queued (the link keeps the latest for re-announce). */
  readonly onState?: (driverId: string, payload: Uint8Array) => void;
}

export interface Poller {
  /** Starts polling; resolves once the first reading of every driver is queued (or failed). */
  start(): Promise<void>;
  stop(): void;
  /** Takes one reading of every driver now (CLI `publish-once`, tests). */
  pollAll(): Promise<void>;
}

export function createPoller(o: PollerOptions): Poller {
  const timers = new Map<string, unknown>();
  const lastHealth = new Map<string, HealthState>();
  let running = false;

  const reportHealth = (d: Driver): void => {
    const state = d.health().state;
    if (lastHealth.get(d.id) === state) return;
    lastHealth.set(d.id, state);
    o.onHealth(d.id, state);
  };

  const pollOne = async (d: Driver): Promise<void> => {
    try {
      const readings = await d.readAll();
      const values: Partial<Record<Quantity, number>> = {};
      let at = 0;
      let stale = false;
      for (const r of readings) {
        values[r.quantity] = r.value;
        at = Math.max(at, r.at);
        stale ||= r.quality === 'stale';
      }
      const body: Omit<StatePayload, 'seq'> = { values, at: new Date(at).toISOString(), quality: stale ? 'stale' : 'good' };
      let payload: Uint8Array = new Uint8Array();
      await o.outbox.append((seq) => {
        payload = encodeJson({ ...body, seq });
        return { topic: o.topics.state(d.id), payload, qos: 1, retain: false };
      });
      o.onState?.(d.id, payload);
    } catch (err) {
      o.log.log('warn', 'driver.read_failed', { driver: d.id, code: isIp2Error(err) ? err.code : 'UNEXPECTED' });
    }
    reportHealth(d);
  };

  const schedule = (p: PolledDriver): void => {
    if (!running) return;
    timers.set(
      p.driver.id,
      o.clock.setTimeout(() => {
        void pollOne(p.driver).finally(() => schedule(p));
      }, p.intervalMs),
    );
  };

  return {
    async start() {
      if (running) return;
      running = true;
      await Promise.all(
        o.drivers.map(async (p) => {
          reportHealth(p.driver);
          await pollOne(p.driver);
          schedule(p);
        }),
      );
    },
    stop() {
      running = false;
      for (const t of timers.values()) o.clock.clearTimeout(t);
      timers.clear();
    },
    async pollAll() {
      await Promise.all(o.drivers.map((p) => pollOne(p.driver)));
    },
  };
}
