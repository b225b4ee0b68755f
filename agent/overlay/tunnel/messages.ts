/**
 * Link messages of the tunnel layer, one per link `message` block (PROTOCOL.md § Tunnels):
 *
 *   type u8 = 18 TunnelData   ‖ cell 1028
 *   type u8 = 19 TunnelGateway ‖ tunnelId u32 ‖ message (1..16384)
 *   type u8 = 25 ShortTunnelBuild ‖ build message (build.ts)
 *
 * Messages inside a tunnel (after reassembly) start with their own type byte:
 *   20 Data ‖ payload · 11 Garlic ‖ garlic message · 26 BuildReply ‖ build message
 */
import { CELL_LEN, MAX_TUNNEL_MESSAGE, MSG } from './constants.ts';
import { TunnelError } from './errors.ts';

export type LinkMessage =
  | { readonly type: 'cell'; readonly frame: Uint8Array; readonly cell: Uint8Array }
  | { readonly type: 'gateway'; readonly tunnelId: number; readonly message: Uint8Array }
  | { readonly type: 'build'; readonly build: Uint8Array };

/** Total: any bytes → a message (views, no copies) or a TunnelError. */
export function decodeLinkMessage(b: Uint8Array): LinkMessage {
  const t = b[0];
  if (t === MSG.tunnelData) {
    if (b.length !== 1 + CELL_LEN) throw new TunnelError('CELL_MALFORMED', 'TunnelData must carry one 1028-byte cell');
    return { type: 'cell', frame: b, cell: b.subarray(1) };
  }
  if (t === MSG.tunnelGateway) {
    if (b.length < 6 || b.length > 5 + MAX_TUNNEL_MESSAGE) throw new TunnelError('CELL_MALFORMED', 'TunnelGateway length out of range');
    return { type: 'gateway', tunnelId: new DataView(b.buffer, b.byteOffset + 1, 4).getUint32(0), message: b.subarray(5) };
  }
  if (t === MSG.shortTunnelBuild) return { type: 'build', build: b.subarray(1) };
  throw new TunnelError('CELL_MALFORMED', 'unknown tunnel link message type');
}

export function encodeCellMessage(cell: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + CELL_LEN);
  out[0] = MSG.tunnelData;
  out.set(cell, 1);
  return out;
}

export function encodeGatewayMessage(tunnelId: number, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  out[0] = MSG.tunnelGateway;
  new DataView(out.buffer).setUint32(1, tunnelId >>> 0);
  out.set(message, 5);
  return out;
}

export function encodeBuildMessage(build: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + build.length);
  out[0] = MSG.shortTunnelBuild;
  out.set(build, 1);
  return out;
}

export function withType(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + body.length);
  out[0] = type;
  out.set(body, 1);
  return out;
}
