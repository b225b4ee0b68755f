/** An independent MQTT client (mqtt.js, its own session) that records what the broker delivers. */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export interface Seen {
  readonly topic: string;
  readonly text: string;
  readonly retain: boolean;
  readonly correlationData?: Buffer;
}

export interface Watcher {
  readonly client: MqttClient;
  readonly seen: Seen[];
  /** Resolves with the first message (already seen or future) matching `pred`, after index `from`. */
  waitFor(pred: (m: Seen) => boolean, from?: number): Promise<Seen>;
  end(): Promise<void>;
}

export async function watch(url: string, filters: string[], opts: IClientOptions = {}): Promise<Watcher> {
  const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 200, ...opts });
  const seen: Seen[] = [];
  const waiters: (() => void)[] = [];
  client.on('message', (topic, payload, packet) => {
    const cd = packet.properties?.correlationData;
    seen.push({ topic, text: payload.toString('utf8'), retain: packet.retain, ...(cd === undefined ? {} : { correlationData: cd }) });
    for (const w of waiters.splice(0)) w();
  });
  if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
  return {
    client,
    seen,
    async waitFor(pred, from = 0) {
      for (;;) {
        const hit = seen.slice(from).find(pred);
        if (hit !== undefined) return hit;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    async end() {
      await client.endAsync(true);
    },
  };
}
