// front: for every request it gets, asks the `colors.local` virtual service for a color, through its
// proxy's egress port (TESSERA_EGRESS), and answers with what it got. No dependencies.

import { Agent, createServer, request } from 'node:http';

const port = Number(process.env.PORT);
const egress = new URL(process.env.TESSERA_EGRESS ?? 'http://127.0.0.1:15001');
const agent = new Agent({ keepAlive: true });

function paint(callback) {
  const req = request(
    { host: egress.hostname, port: egress.port, path: '/paint', headers: { host: 'colors.local' }, agent },
    (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => callback(res.statusCode ?? 502, body.trim()));
    },
  );
  req.on('error', (error) => callback(502, error.message));
  req.end();
}

createServer((_req, res) => {
  paint((status, color) => {
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`front -> ${color}\n`);
  });
}).listen(port, '127.0.0.1', () => console.log(`front listening on 127.0.0.1:${port}`));
