// Answers `world (pid N)`.
import { createServer } from 'node:http';

createServer((_req, res) => res.end(`world (pid ${process.pid})`)).listen(
  Number(process.env.PORT),
  '127.0.0.1',
);
