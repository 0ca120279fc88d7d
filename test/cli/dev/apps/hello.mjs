// Answers `GREETING, <what world.local said>`, calling world.local through its proxy (TESSERA_EGRESS).
import { createServer, request } from 'node:http';

const egress = new URL(process.env.TESSERA_EGRESS);
createServer((_req, res) => {
  const up = request(
    { host: egress.hostname, port: egress.port, path: '/', headers: { host: 'world.local' } },
    (upRes) => {
      let body = '';
      upRes.setEncoding('utf8');
      upRes.on('data', (chunk) => {
        body += chunk;
      });
      upRes.on('end', () => res.writeHead(upRes.statusCode ?? 502).end(`${process.env.GREETING}, ${body}`));
    },
  );
  up.on('error', (error) => res.writeHead(502).end(error.message));
  up.end();
}).listen(Number(process.env.PORT), '127.0.0.1');
