/** Loads the JSON vectors in test/vectors/ (sources: test/vectors/README.md) and hex helpers. */
import { readFileSync } from 'node:fs';

export function loadVectors<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8')) as T;
}

export function hex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(s)) throw new Error(`bad hex in vector: ${s.slice(0, 16)}`);
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function toHex(u: Uint8Array): string {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('hex');
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export interface Ed25519Vectors {
  vectors: { name: string; secretKey: string; publicKey: string; message: string; signature: string }[];
}
export interface X25519Vectors {
  scalarMult: { scalar: string; u: string; output: string }[];
  iterated: { start: string; after1: string; after1000: string };
  dh: { alicePrivate: string; alicePublic: string; bobPrivate: string; bobPublic: string; shared: string };
}
export interface ChaChaVectors {
  chacha20: { name: string; key: string; nonce: string; counter: number; plaintext: string; ciphertext: string }[];
  aead: { name: string; key: string; nonce: string; aad: string; plaintext: string; ciphertext: string; tag: string }[];
}
export interface HkdfVectors {
  vectors: { name: string; ikm: string; salt: string; info: string; length: number; prk: string; okm: string }[];
}
export interface HashVectors {
  sha256: { name: string; messageUtf8: string; digest: string }[];
  hmac: { name: string; key: string; data: string; mac: string }[];
}
export interface P256Vectors {
  privateKey: string;
  ux: string;
  uy: string;
  signatures: { messageUtf8: string; r: string; s: string }[];
}
