/**
 * The provisioning file `ip2 flash` writes to /etc/ip2-agent/provision.json (0600, root) and
 * systemd hands the agent as a credential. Checked in full at start-up: a bad file stops the
 * agent with the field named, never at first use.
 */
import { readFile } from 'node:fs/promises';
import { parseDidKey } from './identity/didkey.ts';
import type { CryptoPort } from './crypto/port.ts';
import { Ip2Error } from './errors.ts';

export interface Provision {
  readonly v: 1;
  readonly deviceName?: string;
  /** The homeowner DID that is expected to pair (shown at first boot). */
  readonly ownerDid?: string;
  readonly mqtt?: { readonly url: string; readonly username?: string; readonly password?: string; readonly protocolVersion?: 4 | 5 };
  readonly drivers?: readonly unknown[];
  /** Also leave the pairing code in a file (copied to the boot partition by the unit). */
  readonly pairingCodeFile?: boolean;
}

export class ProvisionError extends Ip2Error {
  override readonly name = 'ProvisionError';
  readonly code = 'PROVISION_INVALID';
}

const KNOWN = new Set(['v', 'deviceName', 'ownerDid', 'mqtt', 'drivers', 'pairingCodeFile']);

export async function readProvision(path: string, crypto: CryptoPort): Promise<Provision> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new ProvisionError(`cannot read the provisioning file ${path}`, { cause });
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ProvisionError(`${path} is not JSON`, { cause });
  }
  return checkProvision(raw, path, crypto);
}

export function checkProvision(raw: unknown, where: string, crypto: CryptoPort): Provision {
  const fail = (field: string, why: string): never => {
    throw new ProvisionError(`${where}: ${field}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('(top)', 'must be an object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) fail(k, 'unknown field');
  if (o['v'] !== 1) fail('v', 'must be 1');
  if (o['deviceName'] !== undefined && (typeof o['deviceName'] !== 'string' || !/^[\w.-]{1,64}$/.test(o['deviceName']))) fail('deviceName', 'letters, digits, . _ - (at most 64)');
  if (o['ownerDid'] !== undefined) {
    if (typeof o['ownerDid'] !== 'string') fail('ownerDid', 'must be a did:key');
    try {
      parseDidKey(o['ownerDid'] as string, crypto);
    } catch (cause) {
      throw new ProvisionError(`${where}: ownerDid: ${(cause as Error).message}`, { cause });
    }
  }
  const mqtt = o['mqtt'];
  if (mqtt !== undefined) {
    if (typeof mqtt !== 'object' || mqtt === null) fail('mqtt', 'must be an object');
    const url = (mqtt as Record<string, unknown>)['url'];
    if (typeof url !== 'string' || !/^mqtts?:\/\/[^\s]+$/.test(url)) fail('mqtt.url', 'must be mqtt://HOST[:PORT] or mqtts://…');
    const pv = (mqtt as Record<string, unknown>)['protocolVersion'];
    if (pv !== undefined && pv !== 4 && pv !== 5) fail('mqtt.protocolVersion', 'must be 4 (MQTT 3.1.1) or 5');
  }
  if (o['drivers'] !== undefined && !Array.isArray(o['drivers'])) fail('drivers', 'must be a list');
  if (o['pairingCodeFile'] !== undefined && typeof o['pairingCodeFile'] !== 'boolean') fail('pairingCodeFile', 'must be true or false');
  return o as unknown as Provision;
}
