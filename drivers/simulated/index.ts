export { createSimulatedDriver, seededRandom } from './simulated.ts';
export type { SimulatedDriver, SimulatedFaults, SimulatedOptions } from './simulated.ts';
