// A color: answers its COLOR, and fails with 500 on a FAIL_RATE share of requests (0–1, default 0).
// No dependencies.

import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const color = process.env.COLOR ?? 'blue';
const failRate = Number(process.env.FAIL_RATE ?? '0');

createServer((_req, res) => {
  if (Math.random() < failRate) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`${color} failed\n`);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`${color}\n`);
}).listen(port, '127.0.0.1', () =>
  console.log(`${color} listening on 127.0.0.1:${port} (fails ${failRate * 100}%)`),
);
