export { createDht22Driver, type Dht22Options } from './dht22.ts';
