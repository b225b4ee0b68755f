/**
 * Acting on an allowed intent: read a sensor through its driver, or change the controller set
 * and the revocation list. Runs only after the verifier and the policies allowed the intent.
 */
import type { Driver } from '../../drivers/port.ts';
import type { Intent } from './envelope.ts';
import { IntentError } from './errors.ts';
import type { ControllerStore, RevocationStore } from './state.ts';

export interface ActionDeps {
  /**
   * The drivers behind the sensor commands. A read goes to the driver named in `args.sensor`,
   * else to the first driver that measures the quantity.
   */
  readonly sensors: readonly Driver[];
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
  const read = async (intent: Intent, quantity: 'temperature' | 'humidity'): Promise<unknown> => {
    const named = intent.args['sensor'];
    const sensor = typeof named === 'string'
      ? deps.sensors.find((d) => d.id === named)
      : deps.sensors.find((d) => d.quantities.includes(quantity));
    if (sensor === undefined) {
      throw new IntentError('action_failed', typeof named === 'string' ? `no sensor ${named.slice(0, 64)}` : `no ${quantity} sensor is configured`, { badInput: false });
    }
    try {
      const r = await sensor.read(quantity);
      return { sensor: sensor.id, quantity: r.quantity, unit: r.unit, value: r.value, at: r.at, quality: r.quality };
    } catch (cause) {
      throw new IntentError('action_failed', `the ${quantity} sensor failed`, { cause, badInput: false });
    }
  };
  return async (intent) => {
    switch (intent.cmd) {
      case 'read_temperature': return read(intent, 'temperature');
      case 'read_humidity': return read(intent, 'humidity');
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
