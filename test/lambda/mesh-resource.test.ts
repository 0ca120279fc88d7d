import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  PRINCIPAL_BINDING_TYPE as CDK_PRINCIPAL_BINDING_TYPE,
  MESH_RESOURCE_TYPE,
} from '../../cdk/control-plane/mesh-resource-properties.js';
import { DynamoDbEndpointStore } from '../../control-plane/discovery/dynamodb-endpoint-store.js';
import type { EndpointRegistry } from '../../control-plane/discovery/endpoint-registry.js';
import type { ResourceKey } from '../../control-plane/model/kinds.js';
import { MeshService } from '../../control-plane/service/mesh-service.js';
import type {
  CustomResourceEvent,
  CustomResourceResponse,
} from '../../lambda/mesh-resource/cloudformation-response.js';
import { responseFor } from '../../lambda/mesh-resource/cloudformation-response.js';
import {
  createMeshResourceFunction,
  type MeshResourceHandler,
} from '../../lambda/mesh-resource/mesh-resource-function.js';
import { PRINCIPAL_BINDING_TYPE } from '../../lambda/mesh-resource/principal-binding.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';
import { nodeSpec } from '../support/fixtures.js';
import { uniqueMeshName } from '../support/records.js';

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const context = {
  functionName: 'tessera-mesh-resource',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:tessera-mesh-resource`,
  awsRequestId: 'req-1',
  logStreamName: '2026/11/27/[$LATEST]abc',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

/** A stand-in for CloudFormation's pre-signed S3 URL: records every PUT body by path. */
async function startResponseServer(): Promise<{
  url: string;
  received: Map<string, unknown>;
  close(): Promise<void>;
}> {
  const received = new Map<string, unknown>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.set(req.url ?? '', {
        method: req.method,
        contentType: req.headers['content-type'],
        body: JSON.parse(body),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('lambda/mesh-resource handler (the deployed entry point)', () => {
  let table: TestTable;
  let handler: MeshResourceHandler;
  let responses: Awaited<ReturnType<typeof startResponseServer>>;
  let service: MeshService;
  const mesh = uniqueMeshName('cfn');
  const meshArn = `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/${mesh}`;
  const stackId = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/app/${randomUUID()}`;

  beforeAll(async () => {
    table = await createTestTable();
    responses = await startResponseServer();
    service = new MeshService(table.store, { region: REGION, accountId: ACCOUNT });
    process.env.TESSERA_TABLE_NAME = table.tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    ({ handler } = await import('../../lambda/mesh-resource.js'));
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    await responses?.close();
    await table?.drop();
  });

  type Props = {
    Kind: string;
    Name: string;
    MeshName?: string;
    ParentName?: string;
    Spec?: unknown;
    Tags?: unknown;
  };
  const properties = ({ Spec, Tags, ...rest }: Props): Record<string, unknown> => ({
    ServiceToken: context.invokedFunctionArn,
    MeshName: mesh,
    ...rest,
    // A string is passed as is, so a test can send text that is not JSON.
    ...(Spec !== undefined ? { Spec: typeof Spec === 'string' ? Spec : JSON.stringify(Spec) } : {}),
    ...(Tags !== undefined ? { Tags: JSON.stringify(Tags) } : {}),
  });

  /** Sends one event as CloudFormation would; returns what the provider PUT to the response URL. */
  async function deliver(
    fields: Pick<CustomResourceEvent, 'RequestType' | 'ResourceType' | 'ResourceProperties'> &
      Partial<Pick<CustomResourceEvent, 'OldResourceProperties' | 'PhysicalResourceId' | 'RequestId'>>,
  ): Promise<CustomResourceResponse> {
    const requestId = fields.RequestId ?? randomUUID();
    const path = `/response/${requestId}`;
    const event: CustomResourceEvent = {
      ServiceToken: context.invokedFunctionArn,
      ResponseURL: `${responses.url}${path}`,
      StackId: stackId,
      LogicalResourceId: 'Resource',
      ...fields,
      RequestId: requestId,
    };
    const returned = await handler(event, context);
    const put = responses.received.get(path) as {
      method: string;
      contentType: string;
      body: CustomResourceResponse;
    };
    expect(put.method).toBe('PUT');
    expect(put.contentType).toBe('');
    expect(put.body).toEqual(returned);
    return put.body;
  }

  function send(
    requestType: CustomResourceEvent['RequestType'],
    props: Props,
    extra: { old?: Props; physicalResourceId?: string; requestId?: string } = {},
  ): Promise<CustomResourceResponse> {
    return deliver({
      RequestType: requestType,
      ResourceType: 'Custom::TesseraMeshResource',
      ResourceProperties: properties(props),
      ...(extra.old ? { OldResourceProperties: properties(extra.old) } : {}),
      ...(extra.physicalResourceId !== undefined ? { PhysicalResourceId: extra.physicalResourceId } : {}),
      ...(extra.requestId !== undefined ? { RequestId: extra.requestId } : {}),
    });
  }

  const node = (name: string): ResourceKey => ({ kind: 'virtualNode', meshName: mesh, name });
  const exists = async (key: ResourceKey) =>
    service.describe(key).then(
      () => true,
      (error: Error) => {
        if (error.name === 'NotFoundError') return false;
        throw error;
      },
    );

  it('answers the resource types the CDK constructs declare', () => {
    // The two sides of the contract live apart (cdk/ and lambda/ do not import each other).
    expect(PRINCIPAL_BINDING_TYPE).toBe(CDK_PRINCIPAL_BINDING_TYPE);
    expect(MESH_RESOURCE_TYPE).toBe('Custom::TesseraMeshResource');
  });

  it('creates a mesh and answers its ARN as PhysicalResourceId, with the attributes as Data', async () => {
    const response = await send('Create', {
      Kind: 'mesh',
      Name: mesh,
      Spec: { egressFilter: { type: 'ALLOW_ALL' } },
    });
    const stored = await service.describe({ kind: 'mesh', meshName: mesh, name: mesh });
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: meshArn,
      LogicalResourceId: 'Resource',
      Data: {
        Arn: meshArn,
        Uid: stored.uid,
        Name: mesh,
        MeshName: mesh,
        ResourceOwner: ACCOUNT,
        MeshOwner: ACCOUNT,
        Version: '1',
      },
    });
    expect(stored.spec).toEqual({ egressFilter: { type: 'ALLOW_ALL' } });
  });

  it('creates a virtual node with its tags, and a retried Create of the same request changes nothing', async () => {
    const props = {
      Kind: 'virtualNode',
      Name: 'blue',
      Spec: nodeSpec('blue.colors.local'),
      Tags: [{ key: 'team', value: 'paint' }],
    };
    const requestId = randomUUID();
    const first = await send('Create', props, { requestId });
    const retry = await send('Create', props, { requestId });
    expect(first.Status).toBe('SUCCESS');
    expect(first.PhysicalResourceId).toBe(`${meshArn}/virtualNode/blue`);
    expect(retry).toEqual(first);
    const stored = await service.describe(node('blue'));
    expect(stored.version).toBe(1);
    expect(stored.tags).toEqual({ team: 'paint' });
    expect(stored.spec).toEqual(nodeSpec('blue.colors.local'));
  });

  it('updates in place: new spec, tags changed by difference, same PhysicalResourceId', async () => {
    await service.tagResource(`${meshArn}/virtualNode/blue`, [{ key: 'owner', value: 'someone-else' }]);
    const old = {
      Kind: 'virtualNode',
      Name: 'blue',
      Spec: nodeSpec('blue.colors.local'),
      Tags: [{ key: 'team', value: 'paint' }],
    };
    const spec = nodeSpec('blue-v2.colors.local');
    const response = await send(
      'Update',
      { ...old, Spec: spec, Tags: [{ key: 'tier', value: 'gold' }] },
      { old, physicalResourceId: `${meshArn}/virtualNode/blue` },
    );
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `${meshArn}/virtualNode/blue`,
      Data: { Arn: `${meshArn}/virtualNode/blue`, Version: '2' },
    });
    const stored = await service.describe(node('blue'));
    expect(stored.spec).toEqual(spec);
    // `team` was removed from the template, `tier` added; a tag the stack never declared is left alone.
    expect(stored.tags).toEqual({ tier: 'gold', owner: 'someone-else' });
  });

  it('answers an Update that only changes tags without a new version of the spec', async () => {
    const spec = nodeSpec('blue-v2.colors.local');
    const old = { Kind: 'virtualNode', Name: 'blue', Spec: spec, Tags: [{ key: 'tier', value: 'gold' }] };
    const response = await send(
      'Update',
      { ...old, Tags: [{ key: 'tier', value: 'platinum' }] },
      { old, physicalResourceId: `${meshArn}/virtualNode/blue` },
    );
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { Version: '2' } });
    expect((await service.describe(node('blue'))).tags).toMatchObject({ tier: 'platinum' });
  });

  it('replaces on a changed name: creates the new resource, answers its ARN, then deletes the old one on Delete', async () => {
    const old = { Kind: 'virtualNode', Name: 'green', Spec: nodeSpec('green.colors.local') };
    const created = await send('Create', old);
    expect(created.Status).toBe('SUCCESS');
    const response = await send(
      'Update',
      { ...old, Name: 'green-2' },
      { old, physicalResourceId: created.PhysicalResourceId },
    );
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `${meshArn}/virtualNode/green-2`,
      Data: { Name: 'green-2', Version: '1' },
    });
    expect(await exists(node('green'))).toBe(true);
    expect(await exists(node('green-2'))).toBe(true);
    // CloudFormation's cleanup: Delete with the old properties and PhysicalResourceId.
    const deleted = await send('Delete', old, { physicalResourceId: created.PhysicalResourceId });
    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(await exists(node('green'))).toBe(false);
    expect(await exists(node('green-2'))).toBe(true);
  });

  it('fails a Create with a bad spec with the validation message, and creates nothing', async () => {
    const spec = nodeSpec('red.colors.local');
    spec.listeners[0]!.portMapping.port = 70000;
    const response = await send('Create', { Kind: 'virtualNode', Name: 'red', Spec: spec });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('BadRequestException');
    expect(response.Reason).toMatch(/spec\.listeners\[0\]\.portMapping\.port: must be .*65535, got 70000/);
    expect(response.PhysicalResourceId).not.toMatch(/^arn:/);
    expect(await exists(node('red'))).toBe(false);
    // Rolling back, CloudFormation deletes what the failed Create answered: nothing to do, and a success.
    const rollback = await send(
      'Delete',
      { Kind: 'virtualNode', Name: 'red', Spec: spec },
      { physicalResourceId: response.PhysicalResourceId },
    );
    expect(rollback.Status).toBe('SUCCESS');
  });

  it('fails a Create whose name is taken, and the rollback Delete leaves the existing resource alone', async () => {
    const response = await send('Create', { Kind: 'virtualNode', Name: 'blue', Spec: nodeSpec('x.local') });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('ConflictException');
    const rollback = await send(
      'Delete',
      { Kind: 'virtualNode', Name: 'blue', Spec: nodeSpec('x.local') },
      { physicalResourceId: response.PhysicalResourceId },
    );
    expect(rollback.Status).toBe('SUCCESS');
    expect(await exists(node('blue'))).toBe(true);
  });

  it('fails an Update with a bad spec and leaves the resource as it was', async () => {
    const old = { Kind: 'virtualNode', Name: 'blue', Spec: nodeSpec('blue-v2.colors.local') };
    const bad = nodeSpec('blue-v3.colors.local');
    bad.listeners[0]!.healthCheck.intervalMillis = 1;
    const response = await send(
      'Update',
      { ...old, Spec: bad },
      { old, physicalResourceId: `${meshArn}/virtualNode/blue` },
    );
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: `${meshArn}/virtualNode/blue` });
    expect(response.Reason).toContain('spec.listeners[0].healthCheck.intervalMillis');
    expect((await service.describe(node('blue'))).spec).toEqual(nodeSpec('blue-v2.colors.local'));
  });

  it('fails a Create whose parent does not exist, naming it', async () => {
    const response = await send('Create', {
      Kind: 'route',
      Name: 'paint',
      ParentName: 'no-such-router',
      Spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: { weightedTargets: [{ virtualNode: 'blue', weight: 1 }] },
        },
      },
    });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('NotFoundException');
    expect(response.Reason).toContain('no-such-router');
  });

  it('fails the Delete of a resource still in use, naming the referrer', async () => {
    const created = await send('Create', {
      Kind: 'virtualService',
      Name: 'blue.colors.local',
      Spec: { provider: { virtualNode: { virtualNodeName: 'blue' } } },
    });
    expect(created.Status).toBe('SUCCESS');
    const response = await send(
      'Delete',
      { Kind: 'virtualNode', Name: 'blue', Spec: nodeSpec('blue-v2.colors.local') },
      { physicalResourceId: `${meshArn}/virtualNode/blue` },
    );
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: `${meshArn}/virtualNode/blue` });
    expect(response.Reason).toContain('ResourceInUseException');
    expect(response.Reason).toContain('blue.colors.local');
    expect(await exists(node('blue'))).toBe(true);
  });

  it('treats the Delete of a resource that is already gone as a success', async () => {
    const response = await send(
      'Delete',
      { Kind: 'virtualNode', Name: 'gone', Spec: nodeSpec('gone.local') },
      { physicalResourceId: `${meshArn}/virtualNode/gone` },
    );
    expect(response.Status).toBe('SUCCESS');
  });

  it('fails properties that break the contract, naming each', async () => {
    const response = await send('Create', { Kind: 'virtualThing', Name: 'x', Spec: '{not json' } as Props);
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('Kind: must be one of mesh, virtualService');
    expect(response.Reason).toContain('Spec: must be the JSON text of an App Mesh spec object');
  });

  describe('Custom::TesseraPrincipalBinding', () => {
    const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
    const bound = (name: string) =>
      new DynamoDbEndpointStore({ client: table.client, tableName: table.tableName }).isBound(
        mesh,
        'blue',
        role(name),
      );
    const binding = (principal: string) => ({
      ServiceToken: context.invokedFunctionArn,
      MeshName: mesh,
      VirtualNodeName: 'blue',
      PrincipalArn: role(principal),
    });

    it('binds a task role to a node, rebinds on a change, and unbinds on Delete', async () => {
      const created = await deliver({
        RequestType: 'Create',
        ResourceType: 'Custom::TesseraPrincipalBinding',
        ResourceProperties: binding('blue-task'),
      });
      expect(created).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: `binding/${mesh}/blue/${role('blue-task')}`,
      });
      expect(await bound('blue-task')).toBe(true);

      const updated = await deliver({
        RequestType: 'Update',
        ResourceType: 'Custom::TesseraPrincipalBinding',
        ResourceProperties: binding('blue-task-2'),
        OldResourceProperties: binding('blue-task'),
        PhysicalResourceId: created.PhysicalResourceId,
      });
      expect(updated.PhysicalResourceId).toBe(`binding/${mesh}/blue/${role('blue-task-2')}`);
      expect(await bound('blue-task-2')).toBe(true);

      const deleted = await deliver({
        RequestType: 'Delete',
        ResourceType: 'Custom::TesseraPrincipalBinding',
        ResourceProperties: binding('blue-task'),
        PhysicalResourceId: created.PhysicalResourceId,
      });
      expect(deleted.Status).toBe('SUCCESS');
      expect(await bound('blue-task')).toBe(false);
      expect(await bound('blue-task-2')).toBe(true);
    });

    it('fails a binding without a principal, naming the property', async () => {
      const response = await deliver({
        RequestType: 'Create',
        ResourceType: 'Custom::TesseraPrincipalBinding',
        ResourceProperties: { ...binding('x'), PrincipalArn: 'not-an-arn' },
      });
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain('principalArn: must be an IAM or STS principal ARN');
      const rollback = await deliver({
        RequestType: 'Delete',
        ResourceType: 'Custom::TesseraPrincipalBinding',
        ResourceProperties: { ...binding('x'), PrincipalArn: 'not-an-arn' },
        PhysicalResourceId: response.PhysicalResourceId,
      });
      expect(rollback.Status).toBe('SUCCESS');
    });
  });
});

describe('createMeshResourceFunction', () => {
  const event: CustomResourceEvent = {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:f',
    ResponseURL: 'http://127.0.0.1:9/unused',
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/app/1',
    RequestId: 'r-1',
    LogicalResourceId: 'Node',
    ResourceType: 'Custom::TesseraMeshResource',
    ResourceProperties: { Kind: 'mesh', MeshName: 'm', Name: 'm' },
  };

  it('answers FAILED before the Lambda timeout when the work hangs', async () => {
    const sent: CustomResourceResponse[] = [];
    const hanging = {
      create: () => new Promise(() => {}),
      partition: { region: 'us-east-1', accountId: '1' },
    };
    const handler = createMeshResourceFunction({
      logger: new Logger({ serviceName: 'test' }),
      services: () => ({ mesh: hanging as unknown as MeshService, endpoints: {} as EndpointRegistry }),
      send: async (_url, response) => {
        sent.push(response);
      },
    });
    const started = performance.now();
    await handler(event, { ...context, getRemainingTimeInMillis: () => 6_200 } as Context);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'tessera-failed-create-r-1' });
    expect(sent[0]!.Reason).toMatch(/did not finish within 1 s/);
  });

  it('throws when the answer cannot be delivered, so Lambda retries the invocation', async () => {
    const handler = createMeshResourceFunction({
      logger: new Logger({ serviceName: 'test' }),
      services: () => {
        throw new Error('no table');
      },
      send: async () => {
        throw new Error('connection refused');
      },
    });
    await expect(handler(event, context)).rejects.toThrow('connection refused');
  });

  it('keeps the response under CloudFormation’s 4 KB limit however long the reason', () => {
    const response = responseFor(event, {
      status: 'FAILED',
      physicalResourceId: 'x',
      reason: `spec: ${'é"'.repeat(5000)}`,
    });
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(4096);
    expect(response.Reason).toMatch(/^spec: é/);
    expect(response.Reason).toMatch(/truncated\)$/);
  });
});
