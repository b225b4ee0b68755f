/** `ip2 init`, `ip2 id`, `ip2 did resolve`, `ip2 sign`, `ip2 verify`. */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultCrypto } from '../../crypto/index.ts';
import { chooseAssurance, hardwareBackends } from '../../identity/hardware.ts';
import { initIdentity, openIdentity, readIdentityRecord } from '../../identity/store.ts';
import { resolveDidKey } from '../../identity/did-document.ts';
import { signCose1, verifyCose1 } from '../../identity/cose.ts';
import type { Assurance } from '../../identity/keystore-port.ts';
import { type Command, type Invocation, UsageError, flag, printJson, requireOption, stringOption } from '../command.ts';

const init: Command = {
  path: ['init'],
  summary: 'create this device\'s identity (a did:key) in the state directory',
  options: {
    force: { type: 'boolean', description: 'replace an existing identity (the old key is lost)' },
    keystore: { type: 'string', arg: 'KIND', description: 'auto (default: tpm when a TPM answers, else software), tpm, sealed, software' },
    tpm: { type: 'string', arg: 'ADDR', description: 'TPM to use: /dev/tpmrm0 (default, or $IP2_TPM) or tcp://HOST:PORT for swtpm' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  details: `Key stores, strongest first:
  tpm       a P-256 key created inside the TPM 2.0; it never leaves it (did:key:zDn…)
  sealed    an Ed25519 seed sealed to the TPM under PCR 7; unsealed at start (did:key:z6Mk…)
  software  an Ed25519 seed in keys/device.ed25519, mode 0600 (did:key:z6Mk…)
The assurance is recorded and shown by ip2 id. Refuses to overwrite an identity unless --force.`,
  async run(inv) {
    const crypto = defaultCrypto();
    const tpmAddress = tpmOption(inv);
    let kind = stringOption(inv, 'keystore') ?? 'auto';
    if (!['auto', 'software', 'tpm', 'sealed'].includes(kind)) throw new UsageError(`unknown key store: ${kind} (auto, tpm, sealed, software)`);
    if (kind === 'auto') {
      const { assurance, probe } = await chooseAssurance(tpmAddress);
      if (!probe.present) inv.io.stderr.write(`no TPM (${probe.reason}): using a software key\n`);
      kind = assurance;
    }
    const backends = hardwareBackends({ crypto, ...(tpmAddress === undefined ? {} : { tpmAddress }) });
    const { store, record } = await initIdentity(inv.dir, { crypto, backends, assurance: kind as Assurance, force: flag(inv, 'force') });
    await store.close();
    if (flag(inv, 'json')) printJson(inv, { ...record, dir: inv.dir });
    else inv.io.stdout.write(`created ${record.did}\n  algorithm ${record.algorithm}, assurance ${record.assurance}, in ${inv.dir}\n`);
  },
};

const id: Command = {
  path: ['id'],
  summary: 'print this device\'s DID, key algorithm and assurance level',
  options: { json: { type: 'boolean', description: 'print as JSON' } },
  async run(inv) {
    const record = await readIdentityRecord(inv.dir, defaultCrypto());
    if (flag(inv, 'json')) {
      printJson(inv, { did: record.did, algorithm: record.algorithm, assurance: record.assurance, created: record.created });
    } else {
      inv.io.stdout.write(`${record.did}\n  algorithm ${record.algorithm}, assurance ${record.assurance}, created ${record.created}\n`);
    }
  },
};

const didResolve: Command = {
  path: ['did', 'resolve'],
  usage: 'DID',
  summary: 'print the W3C DID document of a did:key (Ed25519 or P-256)',
  run(inv) {
    const did = onePositional(inv, 'DID');
    printJson(inv, resolveDidKey(did, defaultCrypto()));
    return Promise.resolve();
  },
};

const sign: Command = {
  path: ['sign'],
  summary: 'sign a file with this device\'s key as a COSE_Sign1 envelope',
  options: {
    in: { type: 'string', arg: 'FILE', description: 'the payload to sign' },
    out: { type: 'string', arg: 'FILE', description: 'where to write the COSE_Sign1 bytes' },
    'content-type': { type: 'string', arg: 'TYPE', description: 'content type to put in the protected header' },
    tpm: { type: 'string', arg: 'ADDR', description: 'TPM address when the identity is tpm or sealed (default: as recorded)' },
  },
  async run(inv) {
    const payload = await readInput(inv, requireOption(inv, 'in'));
    const out = resolve(inv.io.cwd, requireOption(inv, 'out'));
    const crypto = defaultCrypto();
    const tpmAddress = tpmOption(inv);
    const backends = hardwareBackends({ crypto, ...(tpmAddress === undefined ? {} : { tpmAddress }) });
    const { store } = await openIdentity(inv.dir, { crypto, backends });
    try {
      const contentType = stringOption(inv, 'content-type');
      const envelope = await signCose1(payload, store, contentType === undefined ? {} : { contentType });
      await writeFile(out, envelope);
      inv.io.stderr.write(`signed ${payload.length} bytes as ${store.did} → ${out} (${envelope.length} bytes)\n`);
    } finally {
      await store.close();
    }
  },
};

const verify: Command = {
  path: ['verify'],
  summary: 'verify a COSE_Sign1 envelope against the did:key in its kid',
  options: {
    in: { type: 'string', arg: 'FILE', description: 'the COSE_Sign1 file' },
    signer: { type: 'string', arg: 'DID', description: 'require this signer' },
    payload: { type: 'string', arg: 'FILE', description: 'write the verified payload here' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  details: 'Exit status 0 when the signature verifies, 2 when it does not or the envelope is malformed.',
  async run(inv) {
    const bytes = await readInput(inv, requireOption(inv, 'in'));
    const signer = stringOption(inv, 'signer');
    const v = verifyCose1(bytes, { crypto: defaultCrypto(), ...(signer === undefined ? {} : { kid: signer }) });
    const payloadOut = stringOption(inv, 'payload');
    if (payloadOut !== undefined) await writeFile(resolve(inv.io.cwd, payloadOut), v.payload);
    const result = { valid: true, signer: v.did, algorithm: v.algorithm, payloadBytes: v.payload.length, contentType: v.contentType };
    if (flag(inv, 'json')) printJson(inv, result);
    else inv.io.stdout.write(`valid signature by ${v.did} (${v.algorithm}), payload ${v.payload.length} bytes\n`);
  },
};

/** `--tpm`, else `$IP2_TPM`; undefined means the default (/dev/tpmrm0, or as recorded). */
function tpmOption(inv: Invocation): string | undefined {
  return stringOption(inv, 'tpm') ?? inv.io.env['IP2_TPM'];
}

function onePositional(inv: Invocation, name: string): string {
  if (inv.positionals.length !== 1) throw new UsageError(`expected one ${name}`);
  return inv.positionals[0]!;
}

async function readInput(inv: Invocation, path: string): Promise<Uint8Array> {
  const full = resolve(inv.io.cwd, path);
  return readFile(full).catch((cause: unknown) => {
    throw Object.assign(new UsageError(`cannot read ${full}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`), { cause });
  });
}

export const identityCommands: readonly Command[] = [init, id, didResolve, sign, verify];
