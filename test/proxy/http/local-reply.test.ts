import { afterEach, describe, expect, it } from 'vitest';
import { httpLimits } from '../../../proxy/http/limits.js';
import { localReply } from '../../../proxy/http/local-reply.js';
import { type HttpServer, type RequestHandler, startHttpServer } from '../../../proxy/http/server/index.js';
import { get, rawExchange } from './raw-http.js';

let server: HttpServer | undefined;

afterEach(async () => {
  await server?.drain(0);
  server = undefined;
});

async function serve(handle: RequestHandler): Promise<number> {
  server = await startHttpServer({ host: '127.0.0.1', port: 0, limits: httpLimits(), handle });
  return server.port;
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
      res.writeHead(200, ['content-length', '100']);
      res.write(Buffer.from('partial'));
      setTimeout(() => localReply(res, 502, 'upstream reset'), 50);
    });
    const response = await rawExchange(port, get('/'));
    expect(response.status).toBe(200);
    expect(response.body).toBe('partial');
    expect(response.text).not.toContain('502');
    expect(response.closed).toBe(true);
  });
});
