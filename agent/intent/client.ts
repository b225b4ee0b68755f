/**
 * The client side of the endpoint: the CLI (`ip2 intent`, `ip2 pair`) and tests talk to a
 * device through these, over any `Address`. Responses are decoded as untrusted bytes.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { decodeCbor, encodeCbor } from '../cbor/index.ts';
import { MAX_FRAME_BYTES } from './constants.ts';
import { IntentClientError } from './errors.ts';
import { type Address, requestFrame } from './server.ts';

export type Reply = Readonly<Record<string, unknown>> & { readonly ok: boolean };

/** The file `ip2 run` writes into its state directory so other commands find it. */
export const ENDPOINT_FILE = 'endpoint.json';

export interface EndpointInfo {
  readonly did: string;
  readonly socket: string;
  readonly admin: string;
  readonly tcp?: { host: string; port: number };
  readonly pid: number;
}

export async function call(address: Address, request: Record<string, unknown>): Promise<Reply> {
  const bytes = await requestFrame(address, encodeCbor(request));
  let v: unknown;
  try {
    v = decodeCbor(bytes, { maxBytes: MAX_FRAME_BYTES, maxDepth: 16, maxItems: 4096 });
  } catch (cause) {
    throw new IntentClientError('BAD_RESPONSE', 'the device answered with bytes that are not CBOR', { cause });
  }
  if (typeof v !== 'object' || v === null || typeof (v as { ok?: unknown }).ok !== 'boolean') {
    throw new IntentClientError('BAD_RESPONSE', 'the device answered without ok');
  }
  return v as Reply;
}

export async function fetchChallenge(address: Address): Promise<Uint8Array | undefined> {
  const r = await call(address, { op: 'challenge' });
  return r.ok && r['chal'] instanceof Uint8Array ? r['chal'] : undefined;
}

export async function readEndpointInfo(dir: string): Promise<EndpointInfo> {
  let text: string;
  try {
    text = await readFile(join(dir, ENDPOINT_FILE), 'utf8');
  } catch (cause) {
    throw new IntentClientError('NOT_RUNNING', `no running device in ${dir} (start it with: ip2 run --dir ${dir})`, { cause });
  }
  return JSON.parse(text) as EndpointInfo;
}

/**
 * Reads `--connect`: `tcp:HOST:PORT`, `HOST:PORT`, a bare port (loopback), a Unix socket path,
 * or a device's state directory (its endpoint.json names the socket).
 */
export async function resolveAddress(spec: string, cwd: string): Promise<Address> {
  const tcp = /^(?:tcp:)?(?:([\w.-]+):)?(\d{1,5})$/.exec(spec);
  if (tcp !== null) return { host: tcp[1] ?? '127.0.0.1', port: Number(tcp[2]) };
  const path = isAbsolute(spec) ? spec : resolvePath(cwd, spec);
  if (path.endsWith('.sock')) return { path };
  const info = await readEndpointInfo(path);
  return { path: info.socket };
}
