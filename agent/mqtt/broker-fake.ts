/**
 * An honest in-memory broker for tests and demos without mosquitto: the port contract of
 * port.ts, asynchronous like the real thing (every delivery on a later turn of the event loop),
 * instance-scoped, with fidelity knobs: `stop()`/`start()` (the broker goes away and comes
 * back, dropping every connection), `drop(clientId)` (a connection lost: the will fires).
 * Simplifications, stated: QoS is not downgraded, the will delay is not waited for, there are
 * no persistent sessions (every connect is a clean start).
 */
import { MqttError } from './errors.ts';
import type { BrokerConnectOptions, BrokerConnector, BrokerEvents, BrokerSession, InboundMessage, PublishOptions } from './port.ts';

const later = (): Promise<void> => new Promise((r) => setImmediate(r));

/** MQTT 3.1.1 §4.7 topic filter matching (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

interface Client {
  readonly id: string;
  readonly options: BrokerConnectOptions;
  readonly events: BrokerEvents;
  readonly filters: Set<string>;
  connected: boolean;
}

export class FakeBroker {
  readonly #clients = new Map<string, Client>();
  readonly #retained = new Map<string, InboundMessage>();
  #up = true;

  readonly connector: BrokerConnector = (options, events) => this.#session(options, events);

  get up(): boolean {
    return this.#up;
  }

  /** The broker goes away: every connection closes (no will: the broker itself is gone). */
  stop(): void {
    this.#up = false;
    for (const c of this.#clients.values()) this.#close(c);
    this.#clients.clear();
  }

  start(): void {
    this.#up = true;
  }

  /** The network drops one client's connection: the broker publishes its will. */
  drop(clientId: string): void {
    const c = this.#clients.get(clientId);
    if (c === undefined) return;
    this.#clients.delete(clientId);
    this.#close(c);
    this.#route({ topic: c.options.will.topic, payload: c.options.will.payload, retain: c.options.will.retain });
  }

  retained(topic: string): InboundMessage | undefined {
    return this.#retained.get(topic);
  }

  #close(c: Client): void {
    if (!c.connected) return;
    c.connected = false;
    void later().then(() => c.events.onClose());
  }

  #route(m: InboundMessage): void {
    if (m.retain) {
      if (m.payload.length === 0) this.#retained.delete(m.topic);
      else this.#retained.set(m.topic, m);
    }
    for (const c of this.#clients.values()) {
      if (![...c.filters].some((f) => topicMatches(f, m.topic))) continue;
      const live = { ...m, retain: false }; // MQTT 5 §3.3.1.3: live delivery clears retain
      void later().then(() => c.connected && c.events.onMessage(live));
    }
  }

  #attach(c: Client): void {
    void later().then(() => {
      if (!this.#up) {
        c.events.onClose();
        return;
      }
      const old = this.#clients.get(c.id);
      if (old !== undefined && old !== c) this.drop(old.id); // session takeover (§3.1.4)
      c.filters.clear(); // clean start
      c.connected = true;
      this.#clients.set(c.id, c);
      c.events.onConnect();
    });
  }

  #session(options: BrokerConnectOptions, events: BrokerEvents): BrokerSession {
    const c: Client = { id: options.clientId, options, events, filters: new Set(), connected: false };
    let ended = false;
    this.#attach(c);
    return {
      get connected() {
        return c.connected;
      },
      publish: async (topic: string, payload: Uint8Array | string, o: PublishOptions) => {
        if (!c.connected) throw new MqttError('NOT_CONNECTED', 'broker link is down');
        await later();
        if (!c.connected) throw new MqttError('NOT_CONNECTED', 'connection lost before the acknowledgement');
        const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload.slice();
        this.#route({
          topic,
          payload: bytes,
          retain: o.retain,
          ...(o.responseTopic === undefined ? {} : { responseTopic: o.responseTopic }),
          ...(o.correlationData === undefined ? {} : { correlationData: o.correlationData.slice() }),
        });
      },
      subscribe: async (filters) => {
        if (!c.connected) throw new MqttError('NOT_CONNECTED', 'broker link is down');
        await later();
        for (const f of filters) {
          c.filters.add(f);
          for (const m of this.#retained.values()) if (topicMatches(f, m.topic)) void later().then(() => c.connected && c.events.onMessage(m));
        }
      },
      reconnect: () => {
        if (!ended && !c.connected) this.#attach(c);
      },
      end: async () => {
        ended = true;
        if (this.#clients.get(c.id) === c) this.#clients.delete(c.id);
        c.connected = false;
        await later();
      },
      kill: () => {
        ended = true;
        this.drop(c.id);
      },
    };
  }
}
