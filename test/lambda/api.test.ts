import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HttpHandler } from '../../lambda/api-handler.js';
import { createTestTable } from '../support/dynamodb.js';

const context = {
  functionName: 'tessera-api',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:tessera-api',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

function event(
  method: string,
  rawPath: string,
  body?: unknown,
  options: { base64?: boolean; query?: string } = {},
) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: options.query ?? '',
    headers: { 'Content-Type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example',
      domainPrefix: 'example',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `id-${Math.random()}`,
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: text === undefined ? undefined : options.base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: options.base64 ?? false,
  } as APIGatewayProxyEventV2;
}

describe('lambda/api handler (the deployed entry point)', () => {
  let handler: HttpHandler;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const table = await createTestTable();
    drop = table.drop;
    process.env.TESSERA_TABLE_NAME = table.tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    ({ handler } = await import('../../lambda/api.js'));
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    await drop?.();
  });

  it('serves a create from a base64 body and names resources with the function’s region and account', async () => {
    const result = await handler(
      event('PUT', '/v20190125/meshes', { meshName: 'lambda-mesh' }, { base64: true }),
      context,
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json');
    const body = JSON.parse(result.body!) as { metadata: { arn: string; meshOwner: string } };
    expect(body.metadata.arn).toBe('arn:aws:appmesh:eu-west-1:123456789012:mesh/lambda-mesh');
    expect(body.metadata.meshOwner).toBe('123456789012');
  });

  it('serves reads with query strings, as Function URLs deliver them', async () => {
    const result = await handler(event('GET', '/v20190125/meshes', undefined, { query: 'limit=1' }), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!)).toEqual({
      meshes: [expect.objectContaining({ meshName: 'lambda-mesh' })],
    });
  });

  it('answers errors in App Mesh’s wire format', async () => {
    const result = await handler(event('GET', '/v20190125/meshes/missing'), context);
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['x-amzn-errortype']).toBe('NotFoundException');
    expect(JSON.parse(result.body!)).toEqual({ message: 'Mesh "missing" does not exist' });
  });
});
