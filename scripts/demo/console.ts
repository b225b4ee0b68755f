/**
 * The demo's web console on 127.0.0.1: one page (plain HTML and JS, no external requests) that
 * polls `/api/state`, built on each request from live sources only: the router processes'
 * status answers, the device's audit log (decoded and its chain verified), and the device's
 * firmware slot state on disk. Requests whose Host is not this loopback address are refused
 * (DNS rebinding). The per-agent console of the issue is still to come; this one is the demo's.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { AUDIT_FILE, KIND_RECORD, decodeRecord, splitEntries, verifyAuditBytes } from '../../agent/audit/index.ts';
import { defaultCrypto } from '../../agent/crypto/index.ts';
import type { Network } from './network.ts';

const AUDIT_SHOWN = 20;
const STATUS_TIMEOUT_MS = 5000;

export interface ConsoleSources {
  readonly net: Network;
  readonly deviceDir: string;
  readonly deviceDid: string;
  readonly summary: () => unknown;
}

async function state(src: ConsoleSources): Promise<unknown> {
  const routers = await Promise.all(src.net.nodes.map(async (x) => {
    const s = x.proc.running ? await x.proc.ask({ cmd: 'status' }, 'status', STATUS_TIMEOUT_MS).then((l) => l['status'] as Record<string, unknown>, () => undefined) : undefined;
    const peers = Array.isArray(s?.['peers']) ? (s['peers'] as unknown[]).map(String) : [];
    return {
      name: x.name, hash: x.hash, address: x.address, did: x.did, floodfill: x.floodfill, running: x.proc.running,
      knownRouters: s?.['knownRouters'] ?? null, links: s?.['links'] ?? null, peers,
    };
  }));
  const crypto = defaultCrypto();
  let audit: { intact: boolean; problem?: string; records: unknown[] };
  try {
    const bytes = new Uint8Array(await readFile(join(src.deviceDir, AUDIT_FILE)));
    const recs = splitEntries(bytes).entries.filter((e) => e.kind === KIND_RECORD).slice(-AUDIT_SHOWN).map((e) => decodeRecord(e.body, e.offset));
    let problem: string | undefined;
    try {
      verifyAuditBytes(bytes, src.deviceDid, crypto);
    } catch (err) {
      problem = (err as { code?: string }).code ?? 'ERROR';
    }
    audit = {
      intact: problem === undefined, ...(problem === undefined ? {} : { problem }),
      records: recs.map((r) => ({ seq: r.seq, t: r.t, decision: r.decision, cmd: r.cmd, iss: r.iss, why: r.reason ?? r.determining.join(', ') })),
    };
  } catch {
    audit = { intact: false, problem: 'no audit log yet', records: [] };
  }
  const fw = join(src.deviceDir, 'firmware');
  const firmware = await readFile(join(fw, 'update-state.json'), 'utf8').then((t) => JSON.parse(t) as unknown, () => null);
  const running = await readFile(join(fw, 'current', 'manifest.json'), 'utf8').then((t) => (JSON.parse(t) as { version: string }).version, () => null);
  return { at: new Date().toISOString(), netId: src.net.netId, routers, audit, firmware: { running, state: firmware }, walkthrough: src.summary() };
}

export async function startConsole(src: ConsoleSources): Promise<{ url: string; close(): Promise<void> }> {
  let port = 0;
  const server: Server = createServer((req, res) => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(421).end('wrong host\n');
      return;
    }
    const headers = { 'cache-control': 'no-store', 'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'", 'x-content-type-options': 'nosniff' };
    if (req.method === 'GET' && req.url === '/') res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else if (req.method === 'GET' && req.url === '/api/state') {
      state(src).then(
        (s) => res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(s)),
        (err: unknown) => res.writeHead(500, headers).end(`${String(err)}\n`),
      );
    } else res.writeHead(404, headers).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const a = server.address();
  port = typeof a === 'object' && a !== null ? a.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ip2 demo console</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse}td,th{padding:.2em .7em;border-bottom:1px solid #ddd;text-align:left;font-family:ui-monospace,monospace;font-size:12px}
.allow{color:#176b2c}.deny{color:#a32020}#err{color:#a32020}</style></head><body>
<h1>ip2 demo console</h1><div id="err"></div><div>updated <span id="at">…</span> · network <span id="net"></span></div>
<h2>Routers (live status from each process; lines are open Noise links)</h2><svg id="map" width="420" height="300" viewBox="0 0 420 300"></svg><table id="routers"></table>
<h2>Device audit log (last decisions, chain <span id="intact"></span>)</h2><table id="audit"></table>
<h2>Firmware slots</h2><pre id="fw"></pre>
<script>
const esc=(s)=>String(s).replace(/[&<>"']/g,(c)=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const row=(cells,cls)=>'<tr'+(cls?' class="'+cls+'"':'')+'>'+cells.map((c)=>'<td>'+esc(c)+'</td>').join('')+'</tr>';
async function tick(){try{const s=await (await fetch('/api/state')).json();
document.getElementById('err').textContent='';document.getElementById('at').textContent=s.at;document.getElementById('net').textContent=s.netId;
document.getElementById('routers').innerHTML='<tr><th>name</th><th>address</th><th>role</th><th>knows</th><th>links</th><th>did</th></tr>'+s.routers.map((r)=>row([r.name,r.address,r.floodfill?'floodfill':'router',r.running?r.knownRouters:'stopped',r.links??'',r.did])).join('');
const n=s.routers.length,pos={};s.routers.forEach((r,i)=>{const a=2*Math.PI*i/n-Math.PI/2;pos[r.hash]=[210+120*Math.cos(a),150+110*Math.sin(a)]});
let g='';const drawn=new Set();s.routers.forEach((r)=>r.peers.forEach((p)=>{const k=[r.hash,p].sort().join();if(pos[p]&&!drawn.has(k)){drawn.add(k);g+='<line x1="'+pos[r.hash][0]+'" y1="'+pos[r.hash][1]+'" x2="'+pos[p][0]+'" y2="'+pos[p][1]+'" stroke="#9ab"/>'}}));
s.routers.forEach((r)=>{const [x,y]=pos[r.hash];g+='<circle cx="'+x+'" cy="'+y+'" r="9" fill="'+(!r.running?'#ccc':r.floodfill?'#2a6':'#36c')+'"/><text x="'+x+'" y="'+(y+22)+'" font-size="11" text-anchor="middle">'+esc(r.name)+'</text>'});
document.getElementById('map').innerHTML=g;
document.getElementById('intact').textContent=s.audit.intact?'verified':'NOT verified: '+s.audit.problem;
document.getElementById('audit').innerHTML='<tr><th>#</th><th>time</th><th>decision</th><th>command</th><th>from</th><th>why</th></tr>'+s.audit.records.map((r)=>row([r.seq,new Date(r.t*1000).toISOString(),r.decision,r.cmd??'',r.iss??'',r.why],r.decision)).join('');
document.getElementById('fw').textContent=JSON.stringify(s.firmware,null,2);
}catch(e){document.getElementById('err').textContent='console: '+e}}
tick();setInterval(tick,2000);
</script></body></html>`;
