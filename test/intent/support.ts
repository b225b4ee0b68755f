/**
 * A device under test: the real daemon wiring (agent/main.ts startAgent) on a Unix socket in a
 * temporary state directory, with an injected manual clock, plus software identities for the
 * owner and delegates. Every request goes through the socket as bytes.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCrypto } from '../../agent/crypto/index.ts';
import { initIdentity } from '../../agent/identity/store.ts';
import { softwareKeyStore } from '../../agent/identity/software-keystore.ts';
import type { KeyStore } from '../../agent/identity/keystore-port.ts';
import {
  type Address, type ClockStateName, type IntentFields, type Reply, call, createGrant, createIntent, fetchChallenge,
  type GrantFields,
} from '../../agent/intent/index.ts';
import { type RunningAgent, startAgent } from '../../agent/main.ts';
import { MemoryLog } from '../../agent/overlay/log.ts';

export const crypto = defaultCrypto();
export const T0_MS = 1_800_000_000_000;

export class ManualClock {
  wall = T0_MS;
  mono = 1_000;
  now = (): number => this.wall;
  monotonic = (): number => this.mono;
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
  nowS(): number {
    return Math.floor(this.wall / 1000);
  }
}

export function identity(n: number): KeyStore {
  const seed = new Uint8Array(32).fill(n);
  return softwareKeyStore(seed, crypto);
}

export interface DeviceOptions {
  readonly clockState?: ClockStateName;
  /** Controllers written before start (skips the pairing journey); default: the owner. */
  readonly controllers?: readonly string[];
  /** Advance past the post-restart warm-up so intents need no challenge (default true). */
  readonly warm?: boolean;
  readonly policyDir?: string;
}

export class TestDevice {
  agent!: RunningAgent;
  readonly log = new MemoryLog();
  constructor(
    readonly dir: string,
    readonly clock: ManualClock,
    readonly opts: DeviceOptions,
  ) {}

  get did(): string {
    return this.agent.did;
  }
  get address(): Address {
    return { path: this.agent.info.socket };
  }
  get admin(): Address {
    return { path: this.agent.info.admin };
  }

  async start(): Promise<void> {
    this.agent = await startAgent({
      dir: this.dir, clock: this.clock, crypto, log: this.log, clockState: this.opts.clockState ?? 'trusted', syncAudit: false,
      ...(this.opts.policyDir === undefined ? {} : { policyDir: this.opts.policyDir }),
    });
    if (this.opts.warm !== false) this.clock.advance(400_000);
  }

  /** Stops and starts again on the same state directory: a fresh (empty) replay cache. */
  async restart(): Promise<void> {
    await this.agent.close();
    await this.start();
  }

  send(env: Uint8Array): Promise<Reply> {
    return call(this.address, { op: 'intent', env });
  }

  /** Signs an intent without sending it; iat/exp default to now and now + 60 s. */
  async sign(signer: KeyStore, fields: Partial<IntentFields> & { withChallenge?: boolean } = {}): Promise<Uint8Array> {
    const chal = fields.withChallenge === true ? await fetchChallenge(this.address) : undefined;
    const iat = fields.iat ?? this.clock.nowS();
    const { withChallenge: _w, ...rest } = fields;
    return createIntent(signer, {
      aud: this.did, cmd: 'read_temperature', iat, exp: iat + 60, ...rest, ...(chal === undefined ? {} : { chal }),
    }, crypto);
  }

  /** Signs and sends an intent. */
  async intent(signer: KeyStore, fields: Partial<IntentFields> & { withChallenge?: boolean } = {}): Promise<{ env: Uint8Array; reply: Reply }> {
    const env = await this.sign(signer, fields);
    return { env, reply: await this.send(env) };
  }

  grant(signer: KeyStore, fields: Partial<GrantFields> & { aud: string }): Promise<Uint8Array> {
    const now = this.clock.nowS();
    return createGrant(signer, { sub: this.did, cmd: 'read_temperature', nbf: now - 10, exp: now + 86_400, ...fields }, crypto);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export async function startDevice(opts: DeviceOptions = {}, owner: KeyStore = identity(1)): Promise<TestDevice> {
  const dir = join(await mkdtemp(join(tmpdir(), 'ip2-intent-')), 'dev');
  await initIdentity(dir, { crypto });
  const controllers = opts.controllers ?? [owner.did];
  if (controllers.length > 0) await writeFile(join(dir, 'controllers.json'), JSON.stringify({ v: 1, controllers }));
  const d = new TestDevice(dir, new ManualClock(), opts);
  await d.start();
  return d;
}
