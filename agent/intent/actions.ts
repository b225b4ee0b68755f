/**
 * Acting on an allowed intent: read a sensor through its driver, or change the controller set
 * and the revocation list. Runs only after the verifier and the policies allowed the intent.
 */
import type { Driver } from '../../drivers/port.ts';
import type { Intent } from './envelope.ts';
import { IntentError } from './errors.ts';
import type { ControllerStore, RevocationStore } from './state.ts';

export interface ActionDeps {
  /** The driver behind the sensor commands (temperature and humidity). */
  readonly sensor: Driver | null;
  readonly controllers: ControllerStore;
  readonly revocations: RevocationStore;
}

export type Act = (intent: Intent) => Promise<unknown>;

const DID = /^did:key:z[1-9A-HJ-NP-Za-km-z]{40,120}$/;
const HASH = /^[0-9a-f]{64}$/;

function stringArg(intent: Intent, name: string, pattern: RegExp): string {
  const v = intent.args[name];
  if (typeof v !== 'string' || !pattern.test(v)) throw new IntentError('bad_request', `${intent.cmd} needs args.${name}`);
  return v;
}

export function createActions(deps: ActionDeps): Act {
  const read = async (quantity: 'temperature' | 'humidity'): Promise<unknown> => {
    if (deps.sensor === null) throw new IntentError('action_failed', 'no sensor driver is configured', { badInput: false });
    try {
      const r = await deps.sensor.read(quantity);
      return { quantity: r.quantity, unit: r.unit, value: r.value, at: r.at, quality: r.quality };
    } catch (cause) {
      throw new IntentError('action_failed', `the ${quantity} sensor failed`, { cause, badInput: false });
    }
  };
  return async (intent) => {
    switch (intent.cmd) {
      case 'read_temperature': return read('temperature');
      case 'read_humidity': return read('humidity');
      case 'add_controller': {
        const did = stringArg(intent, 'did', DID);
        await deps.controllers.add(did);
        return { controllers: deps.controllers.list() };
      }
      case 'remove_controller': {
        const did = stringArg(intent, 'did', DID);
        await deps.controllers.remove(did);
        return { controllers: deps.controllers.list() };
      }
      case 'revoke': {
        const hash = stringArg(intent, 'grant', HASH);
        await deps.revocations.add(hash);
        return { revoked: hash };
      }
      default:
        throw new IntentError('unknown_command', `no action for ${intent.cmd}`);
    }
  };
}
