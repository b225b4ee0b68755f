/**
 * The `npm start` journey end to end, in its CI mode (`--once`): real router processes, the
 * device daemon, the owner, the delegate. The walk-through's own report is checked, and the
 * state it left on disk is checked independently (netDb files, the audit log's chain).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_FILE, KIND_RECORD, decodeRecord, splitEntries, verifyAuditBytes } from '../../agent/audit/index.ts';
import { defaultCrypto } from '../../agent/crypto/index.ts';
import { NETDB_FILE, NetDb, fileNetDbStore, routerHash, silentLog, systemClock } from '../../agent/overlay/index.ts';
import { DAILY_SWING_C, MEAN_TEMPERATURE_C } from '../../drivers/simulated/constants.ts';
import type { DemoReport } from '../../scripts/demo/run.ts';
import { REPORT_FILE } from '../../scripts/demo/run.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ip2-demo-test-'));
const crypto = defaultCrypto();
const mosquitto = existsSync(process.env['IP2_MOSQUITTO'] ?? '/usr/sbin/mosquitto');

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function runStart(): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--once'], {
      cwd: repo, env: { ...process.env, IP2_DEMO_DIR: root }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe('npm start -- --once', () => {
  it('walks through the network, first boot, pairing, delegation and revocation, firmware update and rollback, and stops everything', async () => {
    const run = await runStart();
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    const report = JSON.parse(readFileSync(join(root, REPORT_FILE), 'utf8')) as DemoReport;
    expect(report.completed).toBe(true);
    expect(report.error).toBeUndefined();

    // the network: 2 floodfills, 3 routers, the device's and the owner's routers, all known to both floodfills
    const routers = report.routers ?? [];
    expect(routers).toHaveLength(7);
    expect(routers.filter((r) => r.floodfill)).toHaveLength(2);
    for (const r of routers) expect(r.address).toMatch(/^127\.\d+\.0\.1:\d+$/);
    expect(new Set(routers.map((r) => r.address.split(':')[0])).size).toBe(7);
    for (const f of report.floodfills ?? []) expect(f.knownRouters).toBe(7);
    // independently: the netDb floodfill-1 saved when it stopped holds every router, verified on load
    const db = new NetDb({ crypto, clock: systemClock(), log: silentLog, netId: report.netId!, persistence: fileNetDbStore(join(root, 'floodfill-1', NETDB_FILE)) });
    expect(await db.load()).toBe(7);
    for (const r of routers) expect(db.get(routerHash(crypto, r.did))?.info.did).toBe(r.did);

    // first boot and pairing: the receipt is signed by the device (verified by ip2 pair) and names the owner
    const device = report.device!;
    const owner = report.owner!;
    expect(device.did).toMatch(/^did:key:z6Mk/);
    expect(device.assurance).toBe('software');
    expect(device.pairingCode).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4})+$/);
    expect(owner.receipt.deviceDid).toBe(device.did);
    expect(owner.receipt.ownerDid).toBe(owner.ownerDid);
    expect(owner.receipt.controllers).toContain(owner.ownerDid);
    expect(owner.lookup.ok).toBe(true);
    expect(owner.lookup.address).toBe(routers.find((r) => r.name === 'device')?.address);

    // the simulated sensor's temperature, within its daily swing (plus noise)
    const lo = MEAN_TEMPERATURE_C - DAILY_SWING_C - 1;
    const hi = MEAN_TEMPERATURE_C + DAILY_SWING_C + 1;
    expect(owner.temperature.unit).toBe('°C');
    expect(owner.temperature.value).toBeGreaterThanOrEqual(lo);
    expect(owner.temperature.value).toBeLessThanOrEqual(hi);

    // delegation: read with the grant, then refused as revoked
    const del = report.delegate!;
    expect(del.readBeforeRevoke).toBeGreaterThanOrEqual(lo);
    expect(del.readBeforeRevoke).toBeLessThanOrEqual(hi);
    expect(del.refusal.reason).toBe('revoked');
    expect(del.refusal.detail).toContain(del.grantHash.slice(0, 16));

    // independently: the device's audit log verifies and tells the same story
    const bytes = readFileSync(join(root, 'device', AUDIT_FILE));
    const audit = verifyAuditBytes(bytes, device.did, crypto);
    expect(audit.records).toBeGreaterThanOrEqual(5);
    const records = splitEntries(bytes).entries.filter((e) => e.kind === KIND_RECORD).map((e) => decodeRecord(e.body, e.offset));
    expect(records.map((r) => `${r.decision} ${r.cmd ?? ''}`)).toEqual([
      'allow pair', 'allow read_temperature', 'allow read_temperature', 'allow revoke', 'deny read_temperature',
    ]);
    expect(records[4]?.iss).toBe(del.delegateDid);
    expect(records[4]?.reason).toBe('revoked');

    // MQTT, when mosquitto is installed (CI has it): discovery and a reading reached an independent subscriber
    if (mosquitto) {
      // published by the device daemon itself (ip2 run --provision with the broker)
      expect(report.mqtt?.discoveryTopic).toMatch(/^homeassistant\/device\/ip2_\w+\/config$/);
      expect(report.mqtt?.stateTopic).toMatch(/^ip2\/ip2_\w+\/sim0\/state$/);
      expect(report.mqtt?.temperature).toBeGreaterThanOrEqual(lo);
      expect(report.mqtt?.temperature).toBeLessThanOrEqual(hi);
    } else {
      expect(run.out).toContain('skipped: no MQTT broker');
    }

    // firmware: 1.1.0 by delta and confirmed; 1.2.0 crashed at every start and was rolled back
    const fw = report.firmware!;
    expect(fw.updatedTo).toBe('1.1.0');
    expect(fw.deltaBytes).toBeLessThan(fw.imageBytes / 10);
    expect(fw.rolledBack).toMatch(/^crash loop/);
    expect(fw.runningAfterRollback).toBe('1.1.0');
    expect(fw.lastFailure?.version).toBe('1.2.0');
    const slots = JSON.parse(readFileSync(join(root, 'device', 'firmware', 'update-state.json'), 'utf8')) as { phase: string; committed: string };
    expect(slots.phase).toBe('idle');
    expect(JSON.parse(readFileSync(join(root, 'device', 'firmware', 'current', 'manifest.json'), 'utf8'))).toEqual({ version: '1.1.0' });

    // everything stopped: the daemon removed its endpoint file on a clean stop
    expect(existsSync(join(root, 'device', 'endpoint.json'))).toBe(false);
    expect(run.out).toContain(`all ${mosquitto ? 9 : 8} processes stopped`);
    expect(run.out).toContain('(coming: ');
  }, 180_000);
});
