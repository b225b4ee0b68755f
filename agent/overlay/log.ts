/**
 * The structured logger the overlay writes to: a component name, an event, fields. No secrets
 * in fields (keys never, only router hashes and addresses). `silentLog` for tests.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  log(level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>): void;
}

export const silentLog: Log = { log: () => undefined };

/** Collects entries in memory (tests assert on typed reasons). */
export class MemoryLog implements Log {
  readonly entries: { level: LogLevel; event: string; fields: Readonly<Record<string, unknown>> }[] = [];
  log(level: LogLevel, event: string, fields: Readonly<Record<string, unknown>> = {}): void {
    this.entries.push({ level, event, fields });
    if (this.entries.length > 10_000) this.entries.shift();
  }
}

/** One JSON line per entry on a writable (stderr in the daemon). */
export function jsonLineLog(component: string, out: { write(s: string): unknown }, minLevel: LogLevel = 'info'): Log {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, event, fields = {}) {
      if (order[level] < order[minLevel]) return;
      out.write(`${JSON.stringify({ t: new Date().toISOString(), level, component, event, ...fields })}\n`);
    },
  };
}
