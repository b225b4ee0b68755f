/**
 * The TPM 2.0 client: one serialised command queue over a transport, and the object commands
 * (TPM 2.0 Library Part 3). Policy, PCR, NV and capability commands live in policy.ts, nv.ts and
 * capability.ts as functions over `TpmClient.run`.
 */
import { NONCE_SIZE, TPM_ALG, TPM_CC, TPM_HT_PERSISTENT, TPM_RH_NULL, TPM_RH_OWNER, TPM_ST_HASHCHECK, TPM_SU_CLEAR } from './constants.ts';
import { buildCommand, EMPTY_PASSWORD, parseResponse, type CommandSpec } from './command.ts';
import { isTpmRc, TpmError } from './errors.ts';
import { Reader, Writer } from './marshal.ts';
import { createParams, readPublic, skipCreationTrailer, type PublicArea, type PublicTemplate } from './structures.ts';
import type { TpmTransport } from './transport-port.ts';

export interface LoadedObject {
  readonly handle: number;
  readonly public: PublicArea;
}

export interface CreatedObject {
  readonly private: Uint8Array;
  /** The marshalled TPMT_PUBLIC (body of the TPM2B_PUBLIC), as Load wants it back. */
  readonly public: Uint8Array;
}

export interface EcdsaSignature {
  readonly r: Uint8Array;
  readonly s: Uint8Array;
}

/**
 * Part 2 §6.6.3 warnings that mean "send the same command again": TPM_RC_RETRY (e.g. libtpms'
 * ECDSA when a nonce is unusable), TPM_RC_YIELDED, TPM_RC_TESTING. Bounded attempts.
 */
const RETRYABLE = ['TPM_RC_RETRY', 'TPM_RC_YIELDED', 'TPM_RC_TESTING'] as const;
const MAX_ATTEMPTS = 8;

export class TpmClient {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(readonly transport: TpmTransport) {}

  get address(): string {
    return this.transport.address;
  }

  /**
   * Sends one command after every earlier one has finished (a TPM runs one at a time; the
   * agent owns it through this queue) and parses the response with `parse`, which must consume
   * the parameters exactly.
   */
  run<T>(spec: CommandSpec, parse: (params: Reader, handles: readonly number[]) => T): Promise<T> {
    if (this.closed) return Promise.reject(new TpmError('TPM_CLOSED', `${this.address}: TPM client closed`));
    const command = buildCommand(spec);
    const result = this.tail.then(async () => {
      for (let attempt = 1; ; attempt++) {
        const bytes = await this.transport.transmit(command);
        try {
          const { handles, params } = parseResponse(bytes, spec);
          const value = parse(params, handles);
          params.end();
          return value;
        } catch (err) {
          if (attempt >= MAX_ATTEMPTS || !RETRYABLE.some((name) => isTpmRc(err, name))) throw err;
        }
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Part 3 §9.3 TPM2_Startup(CLEAR); TPM_RC_INITIALIZE (already started) is success. */
  async startup(): Promise<void> {
    try {
      await this.run({ name: 'Startup', code: TPM_CC.Startup, params: new Writer().u16(TPM_SU_CLEAR).finish() }, () => undefined);
    } catch (err) {
      if (!isTpmRc(err, 'TPM_RC_INITIALIZE')) throw err;
    }
  }

  /** Part 3 §16.1 TPM2_GetRandom. */
  getRandom(n: number): Promise<Uint8Array> {
    const params = new Writer().u16(n).finish();
    return this.run({ name: 'GetRandom', code: TPM_CC.GetRandom, params }, (r) => r.tpm2b(n));
  }

  /** Part 3 §24.1 TPM2_CreatePrimary under the owner hierarchy (empty owner auth). */
  createPrimary(template: PublicTemplate): Promise<LoadedObject> {
    const spec = {
      name: 'CreatePrimary', code: TPM_CC.CreatePrimary, handles: [TPM_RH_OWNER], auths: [EMPTY_PASSWORD],
      params: createParams(template), responseHandles: 1,
    };
    return this.run(spec, (r, [handle]) => {
      const pub = r.sized(readPublic, 'TPM2B_PUBLIC');
      skipCreationTrailer(r);
      r.tpm2b(); // name
      return { handle: handle ?? 0, public: pub };
    });
  }

  /** Part 3 §12.1 TPM2_Create: a child object under `parent` (empty parent auth). */
  create(parent: number, template: PublicTemplate, data?: Uint8Array): Promise<CreatedObject> {
    const spec = { name: 'Create', code: TPM_CC.Create, handles: [parent], auths: [EMPTY_PASSWORD], params: createParams(template, data) };
    return this.run(spec, (r) => {
      const priv = r.tpm2b();
      const pub = r.tpm2b();
      readPublic(new Reader(pub, 'TPM2B_PUBLIC'));
      skipCreationTrailer(r);
      return { private: priv, public: pub };
    });
  }

  /** Part 3 §12.2 TPM2_Load. The caller must flush the returned transient handle. */
  load(parent: number, obj: CreatedObject): Promise<number> {
    const params = new Writer().tpm2b(obj.private).tpm2b(obj.public).finish();
    const spec = { name: 'Load', code: TPM_CC.Load, handles: [parent], auths: [EMPTY_PASSWORD], params, responseHandles: 1 };
    return this.run(spec, (r, [handle]) => {
      r.tpm2b(); // name
      return handle ?? 0;
    });
  }

  /** Part 3 §12.4 TPM2_ReadPublic. */
  readPublic(handle: number): Promise<PublicArea> {
    return this.run({ name: 'ReadPublic', code: TPM_CC.ReadPublic, handles: [handle] }, (r) => {
      const pub = r.sized(readPublic, 'TPM2B_PUBLIC');
      r.tpm2b(); // name
      r.tpm2b(); // qualifiedName
      return pub;
    });
  }

  /** Part 3 §20.2 TPM2_Sign: ECDSA-SHA256 over a 32-byte digest with a NULL hash-check ticket. */
  sign(key: number, digest: Uint8Array): Promise<EcdsaSignature> {
    if (digest.length !== 32) throw new RangeError('digest must be 32 bytes (SHA-256)');
    const params = new Writer()
      .tpm2b(digest)
      .u16(TPM_ALG.ECDSA).u16(TPM_ALG.SHA256) // TPMT_SIG_SCHEME (Part 2 §11.2.1.5)
      .u16(TPM_ST_HASHCHECK).u32(TPM_RH_NULL).tpm2b(new Uint8Array(0)) // TPMT_TK_HASHCHECK (§10.7.6)
      .finish();
    return this.run({ name: 'Sign', code: TPM_CC.Sign, handles: [key], auths: [EMPTY_PASSWORD], params }, (r) => {
      // TPMT_SIGNATURE (Part 2 §11.3.4) with TPMS_SIGNATURE_ECDSA (§11.3.2).
      const alg = r.u16();
      if (alg !== TPM_ALG.ECDSA) throw new TpmError('TPM_UNEXPECTED_OBJECT', `signature algorithm 0x${alg.toString(16)}`);
      r.u16();
      return { r: r.tpm2b(66), s: r.tpm2b(66) };
    });
  }

  /** Part 3 §28.5 TPM2_EvictControl: persist `transient` at `persistent` (owner auth). */
  evictControl(transient: number, persistent: number): Promise<void> {
    if (persistent >>> 24 !== TPM_HT_PERSISTENT) throw new RangeError('not a persistent handle');
    const spec = {
      name: 'EvictControl', code: TPM_CC.EvictControl, handles: [TPM_RH_OWNER, transient], auths: [EMPTY_PASSWORD],
      params: new Writer().u32(persistent).finish(),
    };
    return this.run(spec, () => undefined);
  }

  /** Part 3 §28.4 TPM2_FlushContext: the handle is a parameter, not in the handle area. */
  flushContext(handle: number): Promise<void> {
    const params = new Writer().u32(handle).finish();
    return this.run({ name: 'FlushContext', code: TPM_CC.FlushContext, params }, () => undefined);
  }

  /** A 32-byte nonce from the TPM's own generator, for StartAuthSession. */
  nonce(): Promise<Uint8Array> {
    return this.getRandom(NONCE_SIZE);
  }

  /** Waits for queued commands, then closes the transport. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.transport.close();
  }
}

/**
 * Runs `body` with a transient handle and always flushes it afterwards, also when `body`
 * throws (a TPM without a resource manager has about three object slots).
 */
export async function withFlushed<T>(tpm: TpmClient, handle: Promise<number> | number, body: (h: number) => Promise<T>): Promise<T> {
  const h = await handle;
  let value: T;
  try {
    value = await body(h);
  } catch (err) {
    // The body's error is the one worth reporting; a flush failing after it would only hide it.
    await tpm.flushContext(h).catch(() => undefined);
    throw err;
  }
  await tpm.flushContext(h);
  return value;
}
