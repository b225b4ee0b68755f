import { createNobleCrypto } from '../../agent/crypto/noble-adapter.ts';
import { runCryptoContract } from './contract.ts';

runCryptoContract('noble', createNobleCrypto);
