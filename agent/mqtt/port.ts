/**
 * The broker port: what the MQTT link needs from a broker client. Types only. The mqtt.js adapter
 * (broker-mqttjs.ts) is the real one; broker-fake.ts is an honest in-memory broker for tests.
 *
 * Contract:
 * - `connect(options, events)` returns at once and starts connecting. `events.onConnect` runs
 *   each time a session is up (after the CONNACK); `events.onClose` each time it goes down, or a
 *   connection attempt failed. The session never reconnects by itself: the owner calls
 *   `reconnect()` (the link schedules it with backoff and jitter).
 * - `publish` while disconnected rejects at once with MqttError `NOT_CONNECTED`: the outbox, not
 *   the client, is the queue. A QoS 1 publish resolves on PUBACK. If the connection drops while it
 *   is in flight, it resolves after the client redelivers it on the next session, or rejects; the
 *   owner must treat a rejection as "maybe not delivered" (delivery is at least once).
 * - Messages are delivered to `events.onMessage` in arrival order with MQTT 5 response topic and
 *   correlation data when present.
 * - The will is registered at every connect; it is published by the broker when the network
 *   connection is lost without a DISCONNECT, after `delaySeconds` (MQTT 5 only).
 * - `end()` closes without sending the will (a normal DISCONNECT) and is idempotent.
 * - `kill()` drops the network connection without a DISCONNECT (tests: the will fires).
 */
import type { MqttError } from './errors.ts';
import type { Qos } from './outbox-codec.ts';

export interface BrokerTls {
  /** PEM CA bundle used to verify the broker. */
  readonly ca?: string | Uint8Array;
  /** PEM client certificate and key, for brokers that authenticate clients by certificate. */
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
  /** Default true; false only for a test broker. */
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
}

export interface BrokerAuth {
  readonly username: string;
  readonly password?: string;
}

export interface Will {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: Qos;
  readonly retain: boolean;
  /** MQTT 5 §3.1.3.2.2 Will Delay Interval; ignored by MQTT 3.1.1. */
  readonly delaySeconds: number;
}

export interface BrokerConnectOptions {
  /** mqtt://, mqtts://, ws:// or wss:// */
  readonly url: string;
  readonly clientId: string;
  readonly protocolVersion: 4 | 5;
  readonly keepaliveSeconds: number;
  readonly connectTimeoutMs: number;
  readonly tls?: BrokerTls;
  readonly auth?: BrokerAuth;
  readonly will: Will;
}

export interface PublishOptions {
  readonly qos: Qos;
  readonly retain: boolean;
  /** MQTT 5 properties; dropped under 3.1.1. */
  readonly responseTopic?: string;
  readonly correlationData?: Uint8Array;
  readonly contentType?: string;
  readonly messageExpirySeconds?: number;
}

export interface InboundMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly retain: boolean;
  readonly responseTopic?: string;
  readonly correlationData?: Uint8Array;
}

export interface BrokerEvents {
  onConnect(): void;
  onClose(): void;
  onMessage(message: InboundMessage): void;
  /** Errors that do not end the session by themselves (a refused CONNACK is followed by onClose). */
  onError(error: MqttError): void;
}

export interface BrokerSession {
  readonly connected: boolean;
  publish(topic: string, payload: Uint8Array | string, options: PublishOptions): Promise<void>;
  subscribe(filters: readonly string[], qos: Qos): Promise<void>;
  reconnect(): void;
  end(): Promise<void>;
  kill(): void;
}

export type BrokerConnector = (options: BrokerConnectOptions, events: BrokerEvents) => BrokerSession;
