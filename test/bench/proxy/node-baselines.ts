// What Node.js itself costs as a proxy, to tell Tessera's overhead from the platform's: the smallest
// node:http + undici `Pool.dispatch` forwarder (no routing, no resilience, no telemetry), and a plain
// `net` TCP pipe that never parses HTTP.

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
