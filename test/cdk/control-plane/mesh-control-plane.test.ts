import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Cluster } from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeshControlPlane } from '../../../cdk/control-plane/index.js';
import { lambdaEntry } from '../../../cdk/control-plane/private/lambda-entry.js';
import { EXPIRES_AT_ATTRIBUTE, PARTITION_KEY, SORT_KEY } from '../../../control-plane/store/table.js';

const ENV = { account: '111122223333', region: 'eu-west-1' };

/** A CloudFormation value as text: `Fn::Join` joined, `Ref`/`Fn::GetAtt` as `${Name}`, so ARNs can be compared. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join(',');
  const object = value as Record<string, unknown>;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(text).join(separator);
  }
  if ('Ref' in object) return `\${${object.Ref as string}}`;
  if ('Fn::GetAtt' in object) return `\${${(object['Fn::GetAtt'] as string[]).join('.')}}`;
  return JSON.stringify(value);
}

function logicalIdOf(template: Template, type: string, props: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The policy statements attached to `roleLogicalId`, with resources as text. */
function statementsOf(template: Template, roleLogicalId: string) {
  const policies = Object.values(
    template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) },
    }),
  );
  return policies.flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).map((s) => ({
      ...s,
      Action: s.Action as string | string[],
      Resource: ([] as unknown[]).concat(s.Resource).map(text),
    })),
  );
}

describe('MeshControlPlane', () => {
  let template: Template;
  let kmsTemplate: Template;
  let controlPlane: MeshControlPlane;
  let stack: Stack;

  beforeAll(() => {
    // Bundling skipped: template assertions need no esbuild run.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new Stack(app, 'Mesh', { env: ENV });
    const apps = Cluster.fromClusterArn(stack, 'Apps', 'arn:aws:ecs:eu-west-1:111122223333:cluster/apps');
    controlPlane = new MeshControlPlane(stack, 'ControlPlane', {
      ecsClusters: [apps],
      logRetention: RetentionDays.ONE_WEEK,
      reconcileInterval: Duration.minutes(10),
    });
    controlPlane.addEcsCluster(
      Cluster.fromClusterArn(stack, 'More', 'arn:aws:ecs:eu-west-1:111122223333:cluster/more'),
    );
    const taskRole = new iam.Role(stack, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    controlPlane.grantProxy(taskRole, { meshName: 'colors' });
    controlPlane.bindPrincipal(stack, 'BlueBinding', {
      meshName: 'colors',
      virtualNodeName: 'blue',
      principal: taskRole,
    });
    const anyMeshRole = new iam.Role(stack, 'AnyMeshRole', { assumedBy: new iam.AccountRootPrincipal() });
    controlPlane.grantProxy(anyMeshRole);
    const adminRole = new iam.Role(stack, 'AdminRole', { assumedBy: new iam.AccountRootPrincipal() });
    controlPlane.grantAdmin(adminRole);

    // Both stacks are built before the first synthesis: the tree is frozen after it.
    const kmsStack = new Stack(app, 'Kms', { env: ENV });
    new MeshControlPlane(kmsStack, 'ControlPlane', {
      encryptionKey: new Key(kmsStack, 'Key'),
      removalPolicy: RemovalPolicy.DESTROY,
      tableName: 'tessera',
    });
    template = Template.fromStack(stack);
    kmsTemplate = Template.fromStack(kmsStack);
  }, 60_000);

  it('makes one on-demand table with the store’s key schema, PITR, encryption, TTL, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
  });

  it('names the keys and the TTL attribute exactly as the store reads and writes them', () => {
    // cdk/ mirrors the store's names rather than importing the store: this keeps the two equal.
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(table!.Properties.KeySchema.map((k: { AttributeName: string }) => k.AttributeName)).toEqual([
      PARTITION_KEY.name,
      SORT_KEY.name,
    ]);
    expect(table!.Properties.AttributeDefinitions).toEqual([
      { AttributeName: PARTITION_KEY.name, AttributeType: PARTITION_KEY.type },
      { AttributeName: SORT_KEY.name, AttributeType: SORT_KEY.type },
    ]);
    expect(table!.Properties.TimeToLiveSpecification.AttributeName).toBe(EXPIRES_AT_ATTRIBUTE);
  });

  it('encrypts with a customer key and honours the removal policy when asked', () => {
    kmsTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: {
        TableName: 'tessera',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      },
    });
  });

  it('runs every function on arm64 Node.js 24 with the table, Powertools settings and a log group', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: Match.anyValue() } } },
    });
    const services = Object.values(functions).map(
      (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
    );
    expect(services.sort()).toEqual([
      'tessera-control-plane',
      'tessera-ecs-reconcile',
      'tessera-ecs-task-events',
      'tessera-mesh-resource',
    ]);
    const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table', {});
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: {
          Variables: {
            TESSERA_TABLE_NAME: { Ref: tableId },
            POWERTOOLS_METRICS_NAMESPACE: 'Tessera',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        },
      });
    }
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 7 }, 5);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { POWERTOOLS_SERVICE_NAME: 'tessera-control-plane' },
      },
      Timeout: 29,
      MemorySize: 1024,
    });
  });

  it('tells the reconcile every cluster, including those added later, and lets it read their tasks only', () => {
    const reconcile = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'tessera-ecs-reconcile' } } },
      }),
    )[0]!;
    expect(reconcile.Properties.Environment.Variables.TESSERA_ECS_CLUSTERS).toBe('apps,more');
    const roleId = reconcile.Properties.Role['Fn::GetAtt'][0] as string;
    const ecs = statementsOf(template, roleId).filter((s) => String(s.Action).startsWith('ecs:'));
    expect(ecs).toEqual([
      {
        Effect: 'Allow',
        Action: 'ecs:ListTasks',
        Resource: [
          'arn:aws:ecs:eu-west-1:111122223333:cluster/apps',
          'arn:aws:ecs:eu-west-1:111122223333:cluster/more',
        ],
      },
      {
        Effect: 'Allow',
        Action: 'ecs:DescribeTasks',
        Resource: [
          expect.stringMatching(/:ecs:eu-west-1:111122223333:task\/apps\/\*$/),
          expect.stringMatching(/:ecs:eu-west-1:111122223333:task\/more\/\*$/),
        ],
      },
    ]);
  });

  it('fronts the API function with an HTTP API whose only route requires IAM (SigV4) auth', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /{proxy+}',
      AuthorizationType: 'AWS_IAM',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('userArn') },
    });
    template.resourceCountIs('AWS::Lambda::Url', 0);
  });

  it('sends ECS task state changes of the given clusters to the task-events function', () => {
    const eventsFn = logicalIdOf(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'tessera-ecs-task-events' }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          clusterArn: [
            'arn:aws:ecs:eu-west-1:111122223333:cluster/apps',
            'arn:aws:ecs:eu-west-1:111122223333:cluster/more',
          ],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [eventsFn, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
  });

  it('runs the reconcile on the schedule', () => {
    const reconcileFn = logicalIdOf(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'tessera-ecs-reconcile' }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconcileFn, 'Arn'] } })],
    });
  });

  it('makes no ECS rule, schedule or functions without a cluster', () => {
    kmsTemplate.resourceCountIs('AWS::Events::Rule', 0);
    kmsTemplate.resourceCountIs('AWS::Lambda::Function', 2);
    kmsTemplate.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  it('alarms on errors and throttles of every function', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    for (const metricName of ['Errors', 'Throttles']) {
      template.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        {
          Namespace: 'AWS/Lambda',
          MetricName: metricName,
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        },
        4,
      );
    }
  });

  it('grants a proxy exactly its snapshot and endpoint routes, and nothing on the table', () => {
    const apiId = logicalIdOf(template, 'AWS::ApiGatewayV2::Api', {});
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })],
      }),
    });
    const prefix = `arn:\${AWS::Partition}:execute-api:eu-west-1:111122223333:\${${apiId}}/*`;
    const statements = statementsOf(template, roleId);
    expect(
      statements.map((s) => ({
        ...s,
        // The partition is a literal or a Ref depending on feature flags; compare as the Ref.
        Resource: s.Resource.map((r) => r.replace(/^arn:aws:/, `arn:\${AWS::Partition}:`)),
      })),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: [
          `${prefix}/GET/tessera/v1/meshes/colors/virtualNodes/*/snapshot`,
          `${prefix}/GET/tessera/v1/meshes/colors/virtualGateways/*/snapshot`,
          `${prefix}/GET/tessera/v1/meshes/colors/endpoints`,
          `${prefix}/PUT/tessera/v1/meshes/colors/virtualNodes/*/endpoints/*`,
          `${prefix}/DELETE/tessera/v1/meshes/colors/virtualNodes/*/endpoints/*`,
        ],
      },
    ]);
    // Without a mesh name, the same routes in every mesh.
    const anyMeshRole = Object.keys(template.findResources('AWS::IAM::Role')).find((id) =>
      id.startsWith('AnyMeshRole'),
    )!;
    expect(statementsOf(template, anyMeshRole)[0]!.Resource).toHaveLength(5);
    expect(statementsOf(template, anyMeshRole)[0]!.Resource[0]).toMatch(
      /\/\*\/GET\/tessera\/v1\/meshes\/\*\/virtualNodes\/\*\/snapshot$/,
    );
  });

  it('grants an admin every route of the API', () => {
    const apiId = logicalIdOf(template, 'AWS::ApiGatewayV2::Api', {});
    const admin = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) =>
      id.startsWith('AdminRole'),
    )!;
    const statements = statementsOf(template, admin[0]);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe('execute-api:Invoke');
    expect(statements[0]!.Resource).toHaveLength(1);
    expect(statements[0]!.Resource[0]).toMatch(
      new RegExp(`:execute-api:eu-west-1:111122223333:\\$\\{${apiId}\\}/\\*/\\*/\\*$`),
    );
  });

  it('exposes the endpoint URL as an attribute and a stack output, and the provider as the service token', () => {
    const apiId = logicalIdOf(template, 'AWS::ApiGatewayV2::Api', {});
    expect(text(stack.resolve(controlPlane.endpointUrl))).toBe(`\${${apiId}.ApiEndpoint}`);
    const outputs = template.findOutputs('*', { Value: { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] } });
    expect(Object.keys(outputs)).toHaveLength(1);
    expect(Object.keys(outputs)[0]).toMatch(/EndpointUrl/);
    const provider = logicalIdOf(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'tessera-mesh-resource' }) },
    });
    expect(stack.resolve(controlPlane.resourceServiceToken)).toEqual({ 'Fn::GetAtt': [provider, 'Arn'] });
  });

  it('binds a sidecar role to its node through the provider', () => {
    const provider = logicalIdOf(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'tessera-mesh-resource' }) },
    });
    const taskRole = Object.keys(template.findResources('AWS::IAM::Role')).find((id) =>
      id.startsWith('TaskRole'),
    )!;
    template.hasResourceProperties('Custom::TesseraPrincipalBinding', {
      ServiceToken: { 'Fn::GetAtt': [provider, 'Arn'] },
      MeshName: 'colors',
      VirtualNodeName: 'blue',
      PrincipalArn: { 'Fn::GetAtt': [taskRole, 'Arn'] },
    });
  });

  it('returns CloudWatch metrics for the API and the functions', () => {
    expect(controlPlane.metricRequests().namespace).toBe('AWS/ApiGateway');
    expect(controlPlane.metricServerErrors().metricName).toBe('5xx');
    expect(controlPlane.metricErrors().namespace).toBe('AWS/Lambda');
    const latency = controlPlane.metricOperation('Latency', 'GetSnapshot');
    expect(latency).toMatchObject({ namespace: 'Tessera', metricName: 'Latency', statistic: 'Average' });
    expect(latency.dimensions).toEqual({ service: 'tessera-control-plane', Operation: 'GetSnapshot' });
  });

  it('imports a control plane by its API id, for grants in another stack', () => {
    const other = new Stack(new App(), 'Other', { env: ENV });
    const imported = MeshControlPlane.fromAttributes(other, 'Imported', {
      apiId: 'abc123',
      resourceServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
    });
    const role = new iam.Role(other, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantProxy(role);
    expect(other.resolve(imported.endpointUrl)).toEqual({
      'Fn::Join': ['', ['https://abc123.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }]],
    });
    const statements = statementsOf(
      Template.fromStack(other),
      logicalIdOf(Template.fromStack(other), 'AWS::IAM::Role', {}),
    );
    expect(statements[0]!.Resource[0]).toMatch(
      /:execute-api:eu-west-1:111122223333:abc123\/\*\/GET\/tessera\/v1\/meshes\/\*\/virtualNodes\/\*\/snapshot$/,
    );
  });
});

describe('lambdaEntry', () => {
  it('takes the TypeScript source when nothing is compiled beside it', () => {
    expect(lambdaEntry('api')).toMatch(/\/lambda\/api\.ts$/);
  });

  it('prefers the compiled JavaScript when it exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-entry-'));
    mkdirSync(join(dir, 'lambda'));
    writeFileSync(join(dir, 'lambda', 'api.ts'), '');
    writeFileSync(join(dir, 'lambda', 'api.js'), '');
    expect(lambdaEntry('api', join(dir, 'lambda'))).toBe(join(dir, 'lambda', 'api.js'));
    expect(() => lambdaEntry('nope', join(dir, 'lambda'))).toThrow(/no Lambda entry for "nope"/);
  });
});
