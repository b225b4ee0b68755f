/**
 * The broker port over mqtt.js 5 (research/drivers.md §4.4). mqtt.js' own reconnect timer is off
 * (`reconnectPeriod: 0`): the link owns reconnects, with backoff and jitter. Its offline queue is
 * not used either: publishing while disconnected is refused (port.ts), the outbox is the queue.
 * Publishes in flight when the connection drops are rejected at once and mqtt.js gets fresh
 * stores on reconnect, so a message is retransmitted by the outbox only, never by both.
 */
import { connect as mqttConnect, Store, type IClientOptions, type IClientPublishOptions } from 'mqtt';
import { MqttError } from './errors.ts';
import type { BrokerConnectOptions, BrokerConnector, BrokerEvents, BrokerSession, PublishOptions } from './port.ts';

const buf = (b: Uint8Array | string): Buffer => (typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function clientOptions(o: BrokerConnectOptions): IClientOptions {
  const v5 = o.protocolVersion === 5;
  const will = {
    topic: o.will.topic,
    payload: buf(o.will.payload),
    qos: o.will.qos,
    retain: o.will.retain,
    ...(v5 && o.will.delaySeconds > 0 ? { properties: { willDelayInterval: o.will.delaySeconds } } : {}),
  };
  return {
    clientId: o.clientId,
    protocolVersion: o.protocolVersion,
    clean: true,
    keepalive: o.keepaliveSeconds,
    connectTimeout: o.connectTimeoutMs,
    reconnectPeriod: 0,
    resubscribe: false, // the link subscribes on every connect itself
    queueQoSZero: false,
    will,
    // MQTT 5 §3.1.3.2.2: the will waits for min(will delay, session end); keep the session that long.
    ...(v5 && o.will.delaySeconds > 0 ? { properties: { sessionExpiryInterval: o.will.delaySeconds } } : {}),
    ...(o.auth === undefined ? {} : { username: o.auth.username, ...(o.auth.password === undefined ? {} : { password: o.auth.password }) }),
    ...(o.tls === undefined
      ? {}
      : {
          ...(o.tls.ca === undefined ? {} : { ca: buf(o.tls.ca) }),
          ...(o.tls.cert === undefined ? {} : { cert: buf(o.tls.cert) }),
          ...(o.tls.key === undefined ? {} : { key: buf(o.tls.key) }),
          ...(o.tls.servername === undefined ? {} : { servername: o.tls.servername }),
          rejectUnauthorized: o.tls.rejectUnauthorized ?? true,
        }),
  };
}

function publishOptions(o: PublishOptions, v5: boolean): IClientPublishOptions {
  const properties = {
    ...(o.responseTopic === undefined ? {} : { responseTopic: o.responseTopic }),
    ...(o.correlationData === undefined ? {} : { correlationData: buf(o.correlationData) }),
    ...(o.contentType === undefined ? {} : { contentType: o.contentType }),
    ...(o.messageExpirySeconds === undefined ? {} : { messageExpiryInterval: o.messageExpirySeconds }),
  };
  return { qos: o.qos, retain: o.retain, ...(v5 && Object.keys(properties).length > 0 ? { properties } : {}) };
}

export const mqttjsConnector: BrokerConnector = (o: BrokerConnectOptions, events: BrokerEvents): BrokerSession => {
  const v5 = o.protocolVersion === 5;
  const client = mqttConnect(o.url, clientOptions(o));
  let ended = false;
  const inFlight = new Set<(err: MqttError) => void>();
  client.on('connect', () => events.onConnect());
  client.on('close', () => {
    for (const reject of inFlight) reject(new MqttError('NOT_CONNECTED', 'connection lost before the acknowledgement'));
    inFlight.clear();
    // What mqtt.js' own flush does for clean sessions: forget in-flight ids, so neither a resend
    // nor end() waits for acknowledgements that can no longer come (`outgoing` is public).
    for (const id of Object.keys(client.outgoing)) {
      const entry = client.outgoing[Number(id)];
      delete client.outgoing[Number(id)];
      entry?.cb?.(new Error('connection lost'));
    }
    if (!ended) events.onClose();
  });
  client.on('error', (err) => events.onError(new MqttError('BROKER_ERROR', `broker client: ${err.message}`, { cause: err })));
  client.on('message', (topic, payload, packet) => {
    const p = packet.properties;
    events.onMessage({
      topic,
      payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
      retain: packet.retain,
      ...(p?.responseTopic === undefined ? {} : { responseTopic: p.responseTopic }),
      ...(p?.correlationData === undefined ? {} : { correlationData: new Uint8Array(p.correlationData) }),
    });
  });
  return {
    get connected() {
      return client.connected;
    },
    async publish(topic, payload, options) {
      if (!client.connected) throw new MqttError('NOT_CONNECTED', 'broker link is down');
      await new Promise<void>((resolve, reject) => {
        const fail = (err: MqttError): void => reject(err);
        inFlight.add(fail);
        client.publish(topic, buf(payload), publishOptions(options, v5), (err) => {
          if (!inFlight.delete(fail)) return; // already rejected by a close
          if (err === undefined || err === null) resolve();
          else reject(new MqttError('PUBLISH_FAILED', `publish to ${topic} failed`, { cause: err }));
        });
      });
    },
    async subscribe(filters, qos) {
      if (!client.connected) throw new MqttError('NOT_CONNECTED', 'broker link is down');
      try {
        await client.subscribeAsync([...filters], { qos });
      } catch (err) {
        throw new MqttError('PUBLISH_FAILED', `subscribe to ${filters.join(', ')} failed`, { cause: err });
      }
    },
    reconnect() {
      if (!ended && !client.connected) client.reconnect({ outgoingStore: new Store(), incomingStore: new Store() });
    },
    async end() {
      if (ended) return;
      ended = true;
      await client.endAsync(!client.connected);
    },
    kill() {
      ended = true;
      client.stream.destroy();
      client.end(true);
    },
  };
};
