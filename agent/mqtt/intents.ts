/**
 * Intents over MQTT 5 (DESIGN.md §7): signed intent bytes arrive on the device's command topic;
 * the reply goes to the request's response topic with its correlation data (MQTT 5 §4.10).
 * Transport only: bytes in, the injected handler (the intents module: verify, policy, sign) gives
 * bytes out. The broker is not trusted, so everything here is bounded and nothing here trusts the
 * payload: a refusal of a forged or replayed intent is the handler's signed reply.
 */
import { isIp2Error } from '../errors.ts';
import type { Log } from '../overlay/log.ts';
import { MAX_CORRELATION_BYTES, MAX_INTENT_BYTES, MAX_INTENTS_IN_FLIGHT, REPLY_EXPIRY_S } from './constants.ts';
import type { BrokerSession, InboundMessage } from './port.ts';

/** Verifies and executes one intent envelope; resolves the signed reply envelope. */
export type IntentHandler = (request: Uint8Array) => Promise<Uint8Array>;

export interface IntentResponderOptions {
  readonly handler: IntentHandler;
  readonly session: () => BrokerSession | null;
  readonly log: Log;
  readonly maxBytes?: number;
  readonly maxInFlight?: number;
}

/** Why a message on the command topic was not handed to the handler (logged, never thrown). */
export type IntentDropReason = 'no-response-topic' | 'bad-response-topic' | 'too-large' | 'bad-correlation' | 'busy';

function dropReason(m: InboundMessage, maxBytes: number, inFlight: number, maxInFlight: number): IntentDropReason | null {
  if (m.responseTopic === undefined) return 'no-response-topic';
  // MQTT 5 §3.3.2.3.5: a response topic is a topic name, never a filter.
  if (m.responseTopic.length === 0 || /[#+]/.test(m.responseTopic)) return 'bad-response-topic';
  if (m.payload.length > maxBytes) return 'too-large';
  if (m.correlationData !== undefined && m.correlationData.length > MAX_CORRELATION_BYTES) return 'bad-correlation';
  if (inFlight >= maxInFlight) return 'busy';
  return null;
}

/** Returns the onMessage callback for the command topic. */
export function intentResponder(o: IntentResponderOptions): (m: InboundMessage) => void {
  const maxBytes = o.maxBytes ?? MAX_INTENT_BYTES;
  const maxInFlight = o.maxInFlight ?? MAX_INTENTS_IN_FLIGHT;
  let inFlight = 0;
  const handle = async (m: InboundMessage, responseTopic: string): Promise<void> => {
    const reply = await o.handler(m.payload);
    const session = o.session();
    if (session === null) throw new Error('link stopped before the reply');
    await session.publish(responseTopic, reply, {
      qos: 1,
      retain: false,
      messageExpirySeconds: REPLY_EXPIRY_S,
      contentType: 'application/cbor',
      ...(m.correlationData === undefined ? {} : { correlationData: m.correlationData }),
    });
    o.log.log('info', 'intent.replied', { bytes: reply.length });
  };
  return (m) => {
    const reason = dropReason(m, maxBytes, inFlight, maxInFlight);
    if (reason !== null || m.responseTopic === undefined) {
      o.log.log('warn', 'intent.dropped', { reason, bytes: m.payload.length });
      return;
    }
    inFlight += 1;
    handle(m, m.responseTopic)
      .catch((err: unknown) => o.log.log('warn', 'intent.failed', { code: isIp2Error(err) ? err.code : 'UNEXPECTED' }))
      .finally(() => {
        inFlight -= 1;
      });
  };
}
