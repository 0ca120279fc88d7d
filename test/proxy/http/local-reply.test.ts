import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { localReply } from '../../../proxy/http/local-reply.js';
import { get, rawExchange } from './raw-http.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('localReply', () => {
  it('answers with a short JSON body marked as a local reply, keeping the connection', async () => {
    const port = await serve((_req, res) =>
      localReply(res, 404, 'no route matched "/x" of colors.demo.local'),
    );
    const response = await rawExchange(port, get('/x'));
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-tessera-local-reply']).toBe('true');
    expect(JSON.parse(response.body)).toEqual({
      message: 'no route matched "/x" of colors.demo.local',
      proxy: 'tessera',
    });
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
    expect(response.closed).toBe(false);
  });

  it('closes the connection when asked', async () => {
    const port = await serve((_req, res) => localReply(res, 503, 'no healthy upstream', { close: true }));
    const response = await rawExchange(port, get('/'));
    expect(response.status).toBe(503);
    expect(response.headers.connection).toBe('close');
    expect(response.closed).toBe(true);
  });

  it('aborts a response whose headers were already sent rather than append to it', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => localReply(res, 502, 'upstream reset'), 50);
    });
    const response = await rawExchange(port, get('/'));
    expect(response.status).toBe(200);
    expect(response.body).toBe('partial');
    expect(response.text).not.toContain('502');
    expect(response.closed).toBe(true);
  });
});
