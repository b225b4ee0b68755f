import { createNodeCrypto } from '../../agent/crypto/node-adapter.ts';
import { runCryptoContract } from './contract.ts';

runCryptoContract('node', createNodeCrypto);
