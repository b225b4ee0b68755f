/**
 * The commands a device understands and how each reaches the policy engine (DESIGN.md §5):
 * a Cedar action and resource, and which args are sensitive (masked in the audit log).
 * The Cedar request carries the grant facts as context so a policy can say "delegates of the
 * owner may read sensors" (policies/defaults/00-sensors.cedar).
 */
import type { ChainFacts } from './chain.ts';
import type { ClockStateName } from './clock.ts';
import type { Intent } from './envelope.ts';

export interface CommandSpec {
  readonly action: string;
  /** The Cedar resource, given this device's DID. */
  resource(deviceDid: string): { type: string; id: string };
  readonly sensitiveArgs?: readonly string[];
}

const sensor = (id: string) => (): { type: string; id: string } => ({ type: 'Sensor', id });
const device = (deviceDid: string): { type: string; id: string } => ({ type: 'Device', id: deviceDid });

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  read_temperature: { action: 'read_sensor', resource: sensor('temperature') },
  read_humidity: { action: 'read_sensor', resource: sensor('humidity') },
  add_controller: { action: 'change_policy', resource: device },
  remove_controller: { action: 'change_policy', resource: device },
  revoke: { action: 'change_policy', resource: device },
};

/** Arg names masked in the audit log whatever the command (secrets never reach the log). */
export const SENSITIVE_ARG = /secret|code|pass|token|key|mac|pin/i;

export function maskArgs(cmd: string, args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const extra = new Set(COMMANDS[cmd]?.sensitiveArgs ?? []);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = SENSITIVE_ARG.test(k) || extra.has(k) ? '***' : v;
  return out;
}

export interface PolicyFacts {
  readonly intent: Intent;
  readonly chain: ChainFacts;
  readonly controllers: readonly string[];
  readonly deviceDid: string;
  readonly nowS: number;
  readonly clockState: ClockStateName;
}

/** The Cedar JSON request for an intent (principal User::"<did>", in its roles). */
export function policyRequest(spec: CommandSpec, f: PolicyFacts): unknown {
  const { intent, chain } = f;
  const roles: string[] = [];
  if (f.controllers[0] === intent.iss) roles.push('owner');
  if (f.controllers.includes(intent.iss)) roles.push('controller');
  if (chain.depth > 0) roles.push('delegate');
  const context: Record<string, unknown> = {
    now: f.nowS,
    clock_state: f.clockState,
    intent_age_seconds: Math.max(0, f.nowS - intent.iat),
    delegated: chain.depth > 0,
    delegation_depth: chain.depth,
    // Cedar has no floats: only exact values reach the policy.
    args: Object.fromEntries(Object.entries(intent.args).filter(([, v]) => typeof v !== 'number' || Number.isSafeInteger(v))),
  };
  if (chain.expires !== null) context['delegation_expires'] = chain.expires;
  if (chain.root !== null) context['delegation_root'] = chain.root;
  return {
    principal: { type: 'User', id: intent.iss },
    action: { type: 'Action', id: spec.action },
    resource: spec.resource(f.deviceDid),
    context,
    entities: [
      { uid: { type: 'User', id: intent.iss }, attrs: {}, parents: roles.map((id) => ({ type: 'Role', id })) },
    ],
  };
}
