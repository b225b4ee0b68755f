/**
 * sd_notify for `Type=notify` units. Node has no AF_UNIX datagram sockets (nodejs/node#30059),
 * so the messages go through `systemd-notify` children; the unit sets `NotifyAccess=all` and
 * each message names our PID. Outside systemd (no NOTIFY_SOCKET) everything here does nothing.
 */
import { spawn } from 'node:child_process';

export interface Notifier {
  ready(status: string): void;
  /** Pings the watchdog every half period, while `healthy()` says so. */
  startWatchdog(healthy: () => boolean): { stop(): void };
}

export function systemdNotifier(env: Readonly<Record<string, string | undefined>>, run = spawnNotify): Notifier {
  const active = env['NOTIFY_SOCKET'] !== undefined && env['NOTIFY_SOCKET'] !== '';
  const watchdogUs = Number(env['WATCHDOG_USEC'] ?? 0);
  return {
    ready(status) {
      if (active) run([`--pid=${process.pid}`, '--ready', `--status=${status}`]);
    },
    startWatchdog(healthy) {
      if (!active || !(watchdogUs > 0)) return { stop: () => undefined };
      const timer = setInterval(() => {
        if (healthy()) run([`--pid=${process.pid}`, 'WATCHDOG=1']);
      }, Math.max(1000, Math.floor(watchdogUs / 2000)));
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
  };
}

function spawnNotify(args: readonly string[]): void {
  const child = spawn('systemd-notify', args, { stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
