/**
 * Test vectors of our own tunnel formats (test/vectors/overlay/, README entry): both crypto
 * adapters must reproduce them byte for byte. Regenerate (after a deliberate format change only)
 * with UPDATE_VECTORS=1 npx vitest run test/overlay/tunnel/vectors.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNobleCrypto, createNodeCrypto } from '../../../agent/crypto/index.ts';
import type { CryptoPort } from '../../../agent/crypto/port.ts';
import { LayerCipher } from '../../../agent/overlay/tunnel/layer.ts';
import { encodeRequest, openRecord, sealRecord, sealReply, xorRecord } from '../../../agent/overlay/tunnel/record.ts';

const path = new URL('../../vectors/overlay/tunnel.json', import.meta.url);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const seq = (n: number, start: number) => new Uint8Array(n).map((_, i) => (start + i) & 0xff);

function compute(crypto: CryptoPort) {
  const layerKey = seq(32, 0x10);
  const nonceKey = seq(32, 0x40);
  const nonce = seq(16, 0xa0);
  const body = seq(1008, 0);
  new LayerCipher(crypto).forward({ layerKey, nonceKey }, nonce, body);
  const hopPriv = seq(32, 0x70);
  const hopStatic = crypto.x25519.publicKey(hopPriv);
  const hopHash = crypto.sha256(hopStatic);
  const ePriv = seq(32, 0x90);
  const plaintext = encodeRequest({
    receiveTunnelId: 0x01020304, nextTunnelId: 0x05060708, nextRouter: seq(32, 0xc0), flags: 0x80, layerType: 1,
    requestTimeMin: 29_454_000, expirationSec: 600, nextMsgId: 0x0a0b0c0d,
  }, new Uint8Array(98));
  const { record, keys } = sealRecord(crypto, hopHash, hopStatic, plaintext, ePriv);
  return {
    layer: { layerKey: hex(layerKey), nonceKey: hex(nonceKey), nonceIn: hex(seq(16, 0xa0)), bodyIn: 'bytes 0..1007 = i & 0xff', nonceOut: hex(nonce), bodyOut: hex(body) },
    record: {
      hopPrivateKey: hex(hopPriv), hopStaticKey: hex(hopStatic), hopHash: hex(hopHash), ephemeralPrivateKey: hex(ePriv), plaintext: hex(plaintext),
      record: hex(record), replyKey: hex(keys.replyKey), layerKey: hex(keys.layerKey), nonceKey: hex(keys.nonceKey), h: hex(keys.h),
      replySlot2Accept: hex(sealReply(crypto, keys, 2, 0)), xorSlot3: hex(xorRecord(crypto, keys.replyKey, 3, seq(218, 0))),
    },
  };
}

describe('tunnel vectors (test/vectors/overlay/tunnel.json)', () => {
  if (process.env['UPDATE_VECTORS'] === '1') writeFileSync(path, `${JSON.stringify(compute(createNodeCrypto()), null, 2)}\n`);
  const stored = JSON.parse(readFileSync(path, 'utf8')) as ReturnType<typeof compute>;
  for (const crypto of [createNodeCrypto(), createNobleCrypto()]) {
    it(`${crypto.name} reproduces every byte`, () => {
      expect(compute(crypto)).toEqual(stored);
      const opened = openRecord(crypto, { privateKey: unhex(stored.record.hopPrivateKey), publicKey: unhex(stored.record.hopStaticKey) }, unhex(stored.record.record));
      expect(hex(opened.keys.layerKey)).toBe(stored.record.layerKey);
      expect(opened.request.nextMsgId).toBe(0x0a0b0c0d);
    });
  }
});
