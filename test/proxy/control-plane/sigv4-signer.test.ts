import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localProxyConfig, type ProxyConfig } from '../../../proxy/config/index.js';
import {
  endpointsReadUrl,
  endpointUrl,
  snapshotUrl,
} from '../../../proxy/control-plane/control-plane-urls.js';
import { call } from '../../../proxy/control-plane/private/http.js';
import { createSigV4Signer } from '../../../proxy/control-plane/sigv4-signer.js';
import { type RunningProxy, startProxy } from '../../../proxy/proxy.js';
import { createColorMesh } from '../../support/color-mesh.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const REGION = 'eu-west-1';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * Checks a received request as API Gateway would: recomputes the signature over the headers it names
 * with the same credentials and date, and compares.
 */
async function verify(
  request: Received,
  credentials = CREDENTIALS,
  service = 'execute-api',
): Promise<boolean> {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return false;
  // The signer states the body's hash in x-amz-content-sha256; the body received must have that hash.
  const contentHash = request.headers['x-amz-content-sha256'];
  if (contentHash !== undefined && contentHash !== createHash('sha256').update(request.body).digest('hex')) {
    return false;
  }
  const [, , , region, , signedHeaders] = match;
  const url = new URL(request.url, `http://${request.headers.host}`);
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) headers[name] = String(request.headers[name]);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : ([] as string[]).concat(seen, value);
  }
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const expected = await new SignatureV4({ service, region: region!, credentials, sha256: Sha256 }).sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers,
      ...(request.body !== '' ? { body: request.body } : {}),
    },
    { signingDate },
  );
  return expected.headers.authorization === authorization;
}

describe('createSigV4Signer, through the proxy’s control-plane calls', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    received.length = 0;
    delete process.env.AWS_SESSION_TOKEN;
  });

  const signer = createSigV4Signer({ region: REGION, credentials: CREDENTIALS });

  it('signs a snapshot poll for execute-api in the region, with a signature API Gateway would accept', async () => {
    const url = snapshotUrl(base, 'colors', { kind: 'virtualNode', name: 'front' });
    await call(url, { headers: { 'if-none-match': '"v1"' }, timeoutMs: 5_000 }, { signer });
    const [request] = received;
    expect(request!.url).toBe('/tessera/v1/meshes/colors/virtualNodes/front/snapshot');
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request!.headers.authorization).toContain('if-none-match');
    expect(request!.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request!.headers['if-none-match']).toBe('"v1"');
    expect(request!.headers['x-amz-security-token']).toBeUndefined();
    expect(await verify(request!)).toBe(true);
    // The check can fail: other credentials or another service name do not verify.
    expect(await verify(request!, { ...CREDENTIALS, secretAccessKey: 'other' })).toBe(false);
    expect(await verify(request!, CREDENTIALS, 'lambda')).toBe(false);
  });

  it('signs a registration PUT with its body, and an endpoints read with repeated query parameters', async () => {
    const body = JSON.stringify({ address: '10.0.0.1', ports: [{ listenerPort: 8080, port: 15000 }] });
    await call(
      endpointUrl(base, 'colors', 'blue', 'task-1'),
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body,
        timeoutMs: 5_000,
      },
      { signer },
    );
    await call(endpointsReadUrl(base, 'colors', ['red', 'blue']), { timeoutMs: 5_000 }, { signer });
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT /tessera/v1/meshes/colors/virtualNodes/blue/endpoints/task-1',
      'GET /tessera/v1/meshes/colors/endpoints?virtualNode=red&virtualNode=blue',
    ]);
    expect(received[0]!.body).toBe(body);
    for (const request of received) expect(await verify(request)).toBe(true);
    // A body changed after signing no longer verifies.
    expect(await verify({ ...received[0]!, body: body.replace('10.0.0.1', '10.0.0.2') })).toBe(false);
  });

  it('takes credentials from the default chain, and sends the session token of temporary ones', async () => {
    // The environment is the chain's first source (vitest sets AWS_ACCESS_KEY_ID=test, …): no network.
    process.env.AWS_SESSION_TOKEN = 'session-token-from-the-task-role';
    const fromChain = createSigV4Signer({ region: REGION });
    await call(
      snapshotUrl(base, 'colors', { kind: 'virtualGateway', name: 'gw' }),
      {
        timeoutMs: 5_000,
      },
      { signer: fromChain },
    );
    const [request] = received;
    expect(request!.headers['x-amz-security-token']).toBe('session-token-from-the-task-role');
    expect(request!.headers.authorization).toMatch(
      /Credential=test\/\d{8}\/eu-west-1\/execute-api\/aws4_request/,
    );
    expect(request!.headers.authorization).toContain('x-amz-security-token');
    expect(
      await verify(request!, {
        accessKeyId: 'test',
        secretAccessKey: 'test',
        sessionToken: 'session-token-from-the-task-role',
      } as typeof CREDENTIALS),
    ).toBe(true);
  });
});

describe('a proxy with controlPlaneAuth iam, behind a front door that checks signatures', () => {
  const MESH = 'signed';
  let cp: TestControlPlane;
  let front: Server;
  let frontUrl: string;
  let app: Server;
  let appPort: number;
  const refused: string[] = [];
  const proxies: RunningProxy[] = [];

  beforeAll(async () => {
    cp = await startTestControlPlane();
    await createColorMesh(cp, MESH);
    // Like API Gateway with IAM auth: 403 unless the signature verifies, else forwarded as is.
    front = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', async () => {
        const request = { method: req.method!, url: req.url!, headers: req.headers, body };
        if (!(await verify(request, { accessKeyId: 'test', secretAccessKey: 'test' }))) {
          refused.push(`${req.method} ${req.url}`);
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Forbidden"}');
          return;
        }
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'if-none-match']) {
          if (req.headers[name] !== undefined) headers[name] = String(req.headers[name]);
        }
        // A keep-alive socket the control plane closes as it is reused fails the fetch: answer 502
        // as a front door would (the proxy retries), never an unhandled rejection in the test run.
        const answer = await fetch(`${cp.url}${req.url}`, {
          method: req.method!,
          headers,
          ...(body !== '' ? { body } : {}),
        }).catch(() => undefined);
        if (answer === undefined) {
          res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Bad Gateway"}');
          return;
        }
        const etag = answer.headers.get('etag');
        res
          .writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
            ...(etag !== null ? { etag } : {}),
          })
          .end(await answer.text());
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    app = createServer((_req, res) => res.writeHead(200).end('blue'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appPort = (app.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await new Promise<void>((resolve) => front?.close(() => resolve()));
    await new Promise<void>((resolve) => app?.close(() => resolve()));
    await cp?.stop();
  });

  const ready = async (proxy: RunningProxy) => (await fetch(`${proxy.adminUrl}/ready`)).status;
  const registered = async () => {
    const set = (await (
      await fetch(`${cp.url}/tessera/v1/meshes/${MESH}/endpoints?virtualNode=blue`)
    ).json()) as {
      endpoints: Record<string, Array<{ id: string }>>;
    };
    return (set.endpoints.blue ?? []).map((endpoint) => endpoint.id);
  };

  async function start(extra: Partial<ProxyConfig>): Promise<RunningProxy> {
    const proxy = await startProxy(
      localProxyConfig({
        controlPlaneUrl: frontUrl,
        mesh: MESH,
        proxy: { kind: 'virtualNode', name: 'blue' },
        appPorts: { kind: 'single', port: appPort },
        pollIntervalMs: 1_000,
        ...extra,
      }),
      { log: () => {} },
    );
    proxies.push(proxy);
    return proxy;
  }

  it('gets its snapshot, its endpoints and its registration through, every request signed', async () => {
    const proxy = await start({
      instanceId: 'blue-signed',
      controlPlaneAuth: { mode: 'iam', region: REGION },
    });
    await until(async () => (await ready(proxy)) === 200, 10_000);
    await until(async () => (await registered()).includes('blue-signed'), 10_000);
    expect(refused).toEqual([]);
  });

  it('stays not ready when it sends unsigned requests to that front door', async () => {
    const proxy = await start({ instanceId: 'blue-unsigned' });
    await until(async () => refused.length >= 2, 10_000);
    expect(await ready(proxy)).toBe(503);
    expect(refused[0]).toBe(`GET /tessera/v1/meshes/${MESH}/virtualNodes/blue/snapshot`);
    expect(await registered()).not.toContain('blue-unsigned');
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
