// What Node.js itself costs as a proxy, to tell Tessera's overhead from the platform's: the smallest
// node:http + undici `Pool.dispatch` forwarder (no routing, no resilience, no telemetry), a plain `net`
// TCP pipe that never parses HTTP, a `net` forwarder that parses HTTP/1.1 heads itself (what a data path
// without node:http could cost), and a node:http server with a minimal pooled `net` client (the shape of
// Tessera's data path without its features). The hand-written ones handle only what the bench sends:
// bodiless requests, Content-Length responses, one request at a time per connection.

import { type CpuPlan, pinned } from './machine.js';
import { type Started, startProcess } from './processes.js';

const DISPATCH_FORWARDER = `
const http = require('node:http');
const { Pool } = require('undici');
const pool = new Pool('http://127.0.0.1:' + process.env.BACKEND_PORT, { connections: 128, pipelining: 1 });
http.createServer((req, res) => {
  pool.dispatch({ path: req.url, method: req.method, headers: req.rawHeaders, body: null }, {
    onConnect() {},
    onHeaders(status, raw) {
      const headers = [];
      for (let i = 0; i < raw.length; i++) headers.push(raw[i].toString('latin1'));
      res.writeHead(status, headers);
      return true;
    },
    onData(chunk) { return res.write(chunk); },
    onComplete() { res.end(); },
    onError(err) { if (!res.headersSent) { res.statusCode = 502; } res.end(); },
  });
}).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });
`;

const TCP_PIPE = `
const net = require('node:net');
net.createServer((down) => {
  const up = net.connect(Number(process.env.BACKEND_PORT), '127.0.0.1');
  down.pipe(up).pipe(down);
  const close = () => { down.destroy(); up.destroy(); };
  down.on('error', close); up.on('error', close);
}).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });
`;

const HAND_PARSED = `
const net = require('node:net');
const BACKEND = Number(process.env.BACKEND_PORT);
const CRLF2 = Buffer.from('\\r\\n\\r\\n');
net.createServer((down) => {
  down.setNoDelay(true);
  const up = net.connect(BACKEND, '127.0.0.1');
  up.setNoDelay(true);
  let inbound = Buffer.alloc(0);
  let outbound = Buffer.alloc(0);
  let remaining = -1; // body bytes of the response in flight still to relay; -1: reading its head
  down.on('data', (chunk) => {
    inbound = inbound.length === 0 ? chunk : Buffer.concat([inbound, chunk]);
    for (let end; (end = inbound.indexOf(CRLF2)) !== -1; ) {
      const lines = inbound.toString('latin1', 0, end).split('\\r\\n');
      inbound = inbound.subarray(end + 4);
      const [method, target] = lines[0].split(' ');
      let head = method + ' ' + target + ' HTTP/1.1\\r\\n';
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        const name = lines[i].slice(0, colon).toLowerCase();
        if (name === 'connection' || name === 'x-forwarded-for') continue;
        head += lines[i] + '\\r\\n';
      }
      up.write(head + 'x-forwarded-for: ' + down.remoteAddress + '\\r\\n\\r\\n', 'latin1');
    }
  });
  up.on('data', (chunk) => {
    outbound = outbound.length === 0 ? chunk : Buffer.concat([outbound, chunk]);
    let sent = 0;
    for (;;) {
      if (remaining < 0) {
        const end = outbound.indexOf(CRLF2, sent);
        if (end === -1) break;
        const head = outbound.toString('latin1', sent, end).toLowerCase();
        const at = head.indexOf('content-length:');
        remaining = at === -1 ? 0 : parseInt(head.slice(at + 15), 10);
        const body = Math.min(remaining, outbound.length - end - 4);
        remaining -= body;
        const stop = end + 4 + body;
        down.write(outbound.subarray(sent, stop));
        sent = stop;
        if (remaining === 0) remaining = -1;
      } else {
        const body = Math.min(remaining, outbound.length - sent);
        down.write(outbound.subarray(sent, sent + body));
        sent += body;
        remaining -= body;
        if (remaining === 0) remaining = -1;
        else break;
      }
    }
    outbound = outbound.subarray(sent);
  });
  const close = () => { down.destroy(); up.destroy(); };
  down.on('error', close); up.on('error', close); down.on('close', close); up.on('close', close);
}).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });
`;

const HTTP_SERVER_RAW_CLIENT = `
const http = require('node:http');
const net = require('node:net');
const BACKEND = Number(process.env.BACKEND_PORT);
const CRLF2 = Buffer.from('\\r\\n\\r\\n');
const idle = new Set();
function connection() {
  const up = net.connect(BACKEND, '127.0.0.1');
  up.setNoDelay(true);
  up.buf = Buffer.alloc(0); up.remaining = -1; up.res = null;
  up.on('data', (chunk) => {
    const buf = up.buf.length === 0 ? chunk : Buffer.concat([up.buf, chunk]);
    let at = 0;
    for (;;) {
      if (up.remaining < 0) {
        const end = buf.indexOf(CRLF2, at);
        if (end === -1) break;
        const lines = buf.toString('latin1', at, end).split('\\r\\n');
        const headers = [];
        let length = 0;
        for (let i = 1; i < lines.length; i++) {
          const colon = lines[i].indexOf(':');
          const name = lines[i].slice(0, colon);
          const value = lines[i].slice(colon + 1).trim();
          const lower = name.toLowerCase();
          if (lower === 'content-length') length = Number(value);
          if (lower !== 'connection' && lower !== 'keep-alive') headers.push(name, value);
        }
        up.res.writeHead(Number(lines[0].slice(9, 12)), headers);
        up.remaining = length;
        at = end + 4;
      }
      const n = Math.min(up.remaining, buf.length - at);
      if (n > 0) up.res.write(buf.subarray(at, at + n));
      at += n;
      up.remaining -= n;
      if (up.remaining !== 0) break;
      up.remaining = -1;
      const res = up.res;
      up.res = null;
      idle.add(up);
      res.end();
    }
    up.buf = buf.subarray(at);
  });
  const gone = () => { idle.delete(up); if (up.res) up.res.destroy(); };
  up.on('error', gone);
  up.on('close', gone);
  return up;
}
http.createServer((req, res) => {
  let up;
  for (up of idle) break;
  if (up) idle.delete(up); else up = connection();
  up.res = res;
  const raw = req.rawHeaders;
  let head = req.method + ' ' + req.url + ' HTTP/1.1\\r\\n';
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== 'connection') head += raw[i] + ': ' + raw[i + 1] + '\\r\\n';
  }
  up.write(head + 'x-forwarded-for: ' + req.socket.remoteAddress + '\\r\\n\\r\\n', 'latin1');
}).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });
`;

async function start(
  plan: CpuPlan,
  source: string,
  backendPort: number,
): Promise<Started & { port: number }> {
  const started = await startProcess(
    pinned(plan, plan.systemCpu, [process.execPath, '-e', source]),
    /port (\d+)/,
    { BACKEND_PORT: String(backendPort), NODE_PATH: `${process.cwd()}/node_modules` },
  );
  return { ...started, port: Number(started.match[1]) };
}

export const startDispatchForwarder = (plan: CpuPlan, backendPort: number) =>
  start(plan, DISPATCH_FORWARDER, backendPort);
export const startTcpPipe = (plan: CpuPlan, backendPort: number) => start(plan, TCP_PIPE, backendPort);
export const startHandParsed = (plan: CpuPlan, backendPort: number) => start(plan, HAND_PARSED, backendPort);
export const startHttpServerRawClient = (plan: CpuPlan, backendPort: number) =>
  start(plan, HTTP_SERVER_RAW_CLIENT, backendPort);
