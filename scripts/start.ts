/**
 * `npm start`: the main job. Today it walks through what the foundation can do on this
 * machine, with throwaway state in a temporary directory: a device identity and an owner
 * identity are created, resolved to DID documents, and the device signs a message that the
 * owner verifies (and a tampered copy that it refuses). Later issues grow this into a local IP2
 * network with a simulated sensor (README "What runs today").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCbor } from '../agent/cbor/index.ts';
import { defaultCrypto } from '../agent/crypto/index.ts';
import { resolveDidKey } from '../agent/identity/did-document.ts';
import { signCose1, verifyCose1 } from '../agent/identity/cose.ts';
import { initIdentity } from '../agent/identity/store.ts';

const crypto = defaultCrypto();
const root = await mkdtemp(join(tmpdir(), 'ip2-start-'));
const step = (n: number, text: string): void => {
  process.stdout.write(`\n\x1b[1m${n}. ${text}\x1b[0m\n`);
};

try {
  step(1, 'First boot of a device: its identity is created');
  const device = await initIdentity(join(root, 'device'), { crypto });
  process.stdout.write(`   device  ${device.record.did}\n   key     ${device.record.algorithm}, assurance ${device.record.assurance} (no TPM used)\n`);

  step(2, 'The homeowner has an identity of their own');
  const owner = await initIdentity(join(root, 'owner'), { crypto });
  process.stdout.write(`   owner   ${owner.record.did}\n`);

  step(3, 'Anyone can resolve a did:key to its DID document, offline');
  const doc = resolveDidKey(device.record.did, crypto);
  process.stdout.write(`   ${JSON.stringify(doc.verificationMethod[0].publicKeyJwk)}\n`);

  step(4, 'The device signs a reading as a COSE_Sign1 envelope; the owner verifies it');
  const reading = encodeCbor({ quantity: 'temperature', unit: '°C', value: 21.5, at: Math.floor(Date.now() / 1000) });
  const envelope = await signCose1(reading, device.store);
  const verified = verifyCose1(envelope, { crypto, kid: device.record.did });
  process.stdout.write(`   ${envelope.length}-byte envelope, valid, signed by ${verified.did.slice(0, 24)}…\n`);

  step(5, 'A tampered envelope is refused with a typed reason');
  const tampered = Uint8Array.from(envelope);
  tampered[tampered.length - 70]! ^= 0x01;
  try {
    verifyCose1(tampered, { crypto });
    process.stdout.write('   unexpectedly accepted\n');
    process.exitCode = 1;
  } catch (err) {
    process.stdout.write(`   refused: ${(err as { code?: string }).code} — ${(err as Error).message}\n`);
  }
  await device.store.close();
  await owner.store.close();

  process.stdout.write(`\nDone. Try the same with the CLI:\n  npx tsx agent/cli/ip2.ts init --dir /tmp/my-device\n  npx tsx agent/cli/ip2.ts id --dir /tmp/my-device --json\n  npx tsx agent/cli/ip2.ts --help\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
