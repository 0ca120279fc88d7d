import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../../control-plane/api/api-handler.js';
import type { ApiRequest } from '../../../control-plane/api/http.js';
import type { ApiServices } from '../../../control-plane/api/operation.js';
import {
  createMesh,
  dnsNodeSpec,
  FakeClock,
  meshService,
  registryOn,
} from '../../support/discovery-fixtures.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { uniqueMeshName } from '../../support/records.js';

const ROLE = 'arn:aws:iam::111122223333:role/blue-task';
const FOREIGN = 'arn:aws:sts::111122223333:assumed-role/red-task/session-1';

let requestCount = 0;
function request(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; principal?: string } = {},
): ApiRequest {
  const [rawPath, query = ''] = path.split('?');
  return {
    method,
    path: rawPath!,
    query: new URLSearchParams(query),
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    requestId: `req-${++requestCount}`,
    ...(options.principal !== undefined ? { principal: options.principal } : {}),
  };
}

describe('discovery operations', () => {
  let table: TestTable;
  let mesh: string;
  let clock: FakeClock;
  let handle: ReturnType<typeof createApiHandler>;
  beforeAll(async () => {
    table = await createTestTable();
    mesh = uniqueMeshName('api');
    await createMesh(table.store, mesh, { blue: dnsNodeSpec('blue.local'), red: dnsNodeSpec('red.local') });
    clock = new FakeClock();
    const endpoints = registryOn(table, { requirePrincipal: true, now: clock.now });
    await endpoints.bindPrincipal(mesh, 'blue', ROLE);
    handle = createApiHandler({ mesh: meshService(table.store), endpoints } as unknown as ApiServices);
  });
  afterAll(async () => {
    await table?.drop();
  });

  const endpointPath = (node: string, id: string) =>
    `/tessera/v1/meshes/${mesh}/virtualNodes/${node}/endpoints/${id}`;
  const body = { address: '10.1.0.7', ports: [{ listenerPort: 8080, port: 15000 }], zone: 'us-east-1b' };

  it('registers with PUT and answers the stored endpoint and its expiry', async () => {
    const { response, operation } = await handle(
      request('PUT', endpointPath('blue', 'proxy-1'), { body, principal: ROLE }),
    );
    expect(operation).toBe('RegisterEndpoint');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      meshName: mesh,
      virtualNodeName: 'blue',
      endpoint: { id: 'proxy-1', ...body, source: 'proxy' },
      ttlSeconds: 30,
      expiresAt: clock.ms / 1000 + 30,
      heartbeat: false,
    });
  });

  it('reads endpoints with an ETag, and answers 304 to If-None-Match with it', async () => {
    await handle(request('PUT', endpointPath('blue', 'proxy-1'), { body, principal: ROLE }));
    const path = `/tessera/v1/meshes/${mesh}/endpoints?virtualNode=blue&virtualNode=red`;
    const first = await handle(request('GET', path));
    expect(first.operation).toBe('GetEndpoints');
    expect(first.response.statusCode).toBe(200);
    const set = JSON.parse(first.response.body);
    expect(first.response.headers.etag).toBe(`"${set.version}"`);
    expect(set.endpoints.blue.map((e: { id: string }) => e.id)).toEqual(['proxy-1']);
    expect(set.endpoints.red).toEqual([]);

    const again = await handle(
      request('GET', path, { headers: { 'if-none-match': first.response.headers.etag! } }),
    );
    expect(again.response.statusCode).toBe(304);
    expect(again.response.body).toBe('');
    expect(again.response.headers.etag).toBe(first.response.headers.etag);

    const weak = await handle(
      request('GET', path, { headers: { 'if-none-match': `"other", W/${first.response.headers.etag}` } }),
    );
    expect(weak.response.statusCode).toBe(304);

    const stale = await handle(request('GET', path, { headers: { 'if-none-match': '"stale"' } }));
    expect(stale.response.statusCode).toBe(200);
  });

  it('refuses a foreign principal with 403 ForbiddenException', async () => {
    const { response } = await handle(
      request('PUT', endpointPath('blue', 'intruder'), {
        body: { ...body, address: '10.6.6.6' },
        principal: FOREIGN,
      }),
    );
    expect(response.statusCode).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('ForbiddenException');
    expect(JSON.parse(response.body).message).toContain(`principal ${FOREIGN}`);
    const read = await handle(request('GET', `/tessera/v1/meshes/${mesh}/endpoints?virtualNode=blue`));
    expect(JSON.parse(read.response.body).endpoints.blue.map((e: { id: string }) => e.id)).not.toContain(
      'intruder',
    );
  });

  it('refuses an unauthenticated registration with 403 behind the Lambda front door', async () => {
    const { response } = await handle(request('PUT', endpointPath('blue', 'anon'), { body }));
    expect(response.statusCode).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('ForbiddenException');
  });

  it('reports validation problems as 400 BadRequestException with every problem', async () => {
    const { response } = await handle(
      request('PUT', endpointPath('blue', 'proxy-1'), {
        body: { address: 'not-an-ip', ports: [{ listenerPort: 8080, port: 70000 }] },
        principal: ROLE,
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('BadRequestException');
    const { message, problems } = JSON.parse(response.body);
    expect(message).toBe(
      'address: must be an IPv4 or IPv6 address, got "not-an-ip"; ports[0].port: must be between 1 and 65535, got 70000',
    );
    expect(problems).toHaveLength(2);
  });

  it('answers 404 NotFoundException for an unknown node', async () => {
    const endpoints = registryOn(table, { requirePrincipal: false });
    const local = createApiHandler({ mesh: meshService(table.store), endpoints } as unknown as ApiServices);
    const { response } = await local(request('PUT', endpointPath('green', 'proxy-1'), { body }));
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-amzn-errortype']).toBe('NotFoundException');
  });

  it('deregisters with DELETE, idempotently', async () => {
    await handle(request('PUT', endpointPath('blue', 'proxy-2'), { body, principal: ROLE }));
    const first = await handle(request('DELETE', endpointPath('blue', 'proxy-2'), { principal: ROLE }));
    expect(first.operation).toBe('DeregisterEndpoint');
    expect(first.response.statusCode).toBe(200);
    expect(JSON.parse(first.response.body)).toMatchObject({ removed: true });
    const second = await handle(request('DELETE', endpointPath('blue', 'proxy-2'), { principal: ROLE }));
    expect(second.response.statusCode).toBe(200);
    expect(JSON.parse(second.response.body)).toMatchObject({ removed: false });
  });

  it('limits a read to 100 nodes', async () => {
    const query = Array.from({ length: 101 }, (_, i) => `virtualNode=n${i}`).join('&');
    const { response } = await handle(request('GET', `/tessera/v1/meshes/${mesh}/endpoints?${query}`));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).message).toBe(
      'virtualNode: must name at most 100 virtual nodes, got 101',
    );
  });
});
