/** Garlic: end-to-end messages to a destination's key carrying several cloves (issue 12). */
export { sealGarlic, GarlicReceiver, type Clove, type CloveDelivery } from './garlic.ts';
export { GarlicError, isGarlicError, type GarlicErrorCode } from './errors.ts';
export { CLOVE_TYPE, CLOVE_DELIVERY } from './constants.ts';
