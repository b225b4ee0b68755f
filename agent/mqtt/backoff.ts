/**
 * Reconnect delay: exponential backoff with "equal jitter" (M. Brooker, "Exponential Backoff And
 * Jitter", AWS Architecture Blog, 2015): half the capped exponential step, plus a random half.
 * Never zero, so a flapping broker is not hammered; spread, so a fleet does not reconnect at once.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Delay before reconnect attempt `attempt` (0 for the first retry); `random` gives [0, 1). */
export function reconnectDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  const step = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(step / 2 + random() * (step / 2));
}
