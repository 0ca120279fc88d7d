import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeGatewayRouteCommand,
  DescribeMeshCommand,
  DescribeRouteCommand,
  DescribeVirtualGatewayCommand,
  DescribeVirtualNodeCommand,
  DescribeVirtualServiceCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyResources } from '../../../cli/resources/apply-resources.js';
import { ResourceFileError } from '../../../cli/resources/errors.js';
import { readResourceFile } from '../../../cli/resources/parse-resource-file.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/cloudformation');
const COLOR_APP = 'color-app.yaml';
const INGRESS = 'ingress-gateway.json';
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** The problems of a file that does not read, as the lines a user sees. */
function problemsOf(text: string, fileName: string, parameters?: Record<string, string>): string[] {
  try {
    readResourceFile(text, fileName, parameters);
  } catch (error) {
    if (error instanceof ResourceFileError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the file to be refused');
}

const template = (resources: string) => `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n${resources}`;

describe('CloudFormation templates', () => {
  it('reads the App Mesh resources with intrinsics evaluated and skips the rest in one line', () => {
    const file = readResourceFile(fixture(COLOR_APP), COLOR_APP);
    expect(file.notes).toEqual([
      'skipped 9 non-App Mesh resources: AWS::ECS::Service ×3, AWS::IAM::Role ×2, AWS::ECS::TaskDefinition ×1, AWS::Logs::LogGroup ×1, AWS::ServiceDiscovery::PrivateDnsNamespace ×1, AWS::ServiceDiscovery::Service ×1',
    ]);
    const byId = new Map(file.resources.map((r) => [r.id, r]));
    expect(file.resources).toHaveLength(9);
    expect(byId.get('ColorTellerBlueNode')?.input).toMatchObject({
      meshName: 'colors',
      virtualNodeName: 'colorteller-blue',
      spec: { serviceDiscovery: { dns: { hostname: 'colorteller-blue.colors.local' } } },
    });
    expect(byId.get('ColorTellerGreenNode')?.input.spec).toMatchObject({
      serviceDiscovery: { dns: { hostname: 'colorteller-green.colors.local' } },
      listeners: [{ outlierDetection: { interval: { unit: 's', value: 10 } } }],
    });
    // GetAtt of a skipped resource's plain property; Sub with a parameter.
    expect(byId.get('ColorTellerRedNode')?.input.spec).toMatchObject({
      serviceDiscovery: {
        awsCloudMap: {
          namespaceName: 'colors.local',
          serviceName: 'colorteller-red',
          attributes: [{ key: 'ECS_TASK_DEFINITION_FAMILY', value: 'colors-colorteller-red' }],
        },
      },
    });
    // Number parameters become numbers, as CloudFormation coerces them.
    expect(byId.get('ColorTellerRoute')?.input.spec).toMatchObject({
      httpRoute: {
        action: {
          weightedTargets: [
            { virtualNode: 'colorteller-blue', weight: 80 },
            { virtualNode: 'colorteller-green', weight: 20 },
          ],
        },
        retryPolicy: { maxRetries: 3, perRetryTimeout: { unit: 'ms', value: 2000 } },
      },
    });
    expect(byId.get('Mesh')?.input.tags).toEqual([{ key: 'environment', value: 'colors' }]);
    expect(byId.get('ColorTellerBlueNode')?.source).toBe(`${COLOR_APP}:37:3: Resources.ColorTellerBlueNode`);
  });

  it('orders resources after what they depend on, explicitly or by reference', () => {
    const ids = readResourceFile(fixture(COLOR_APP), COLOR_APP).resources.map((r) => r.id!);
    const comesBefore = (a: string, b: string) => expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b));
    comesBefore('Mesh', 'ColorTellerBlueNode');
    comesBefore('ColorTellerRouter', 'ColorTellerRoute');
    comesBefore('ColorTellerVirtualService', 'ColorGatewayNode');
    comesBefore('ColorGatewayNode', 'ColorGatewayVirtualService');
  });

  it('names a parameter without a value once, with where it is used', () => {
    expect(problemsOf(fixture(INGRESS), INGRESS)).toEqual([
      `${INGRESS}:20:23: Resources.Mesh.Properties.MeshName.Ref: parameter MeshName has no value: pass --parameter MeshName=VALUE (it has no Default)`,
    ]);
  });

  it('takes --parameter values, checks them, and refuses ones the template does not declare', () => {
    const file = readResourceFile(fixture(INGRESS), INGRESS, { MeshName: 'yelb' });
    const gateway = file.resources.find((r) => r.kind === 'virtualGateway')!;
    expect(gateway.input).toMatchObject({ meshName: 'yelb', virtualGatewayName: 'yelb-ingress' });
    expect(gateway.input.spec).toMatchObject({ logging: { accessLog: { file: { path: '/dev/stdout' } } } });
    expect(gateway.input.tags).toEqual([{ key: 'stack', value: 'ingress-gateway' }]);
    expect(file.notes).toEqual([
      'skipped 1 non-App Mesh resource: AWS::ElasticLoadBalancingV2::TargetGroup ×1',
    ]);

    const off = readResourceFile(fixture(INGRESS), INGRESS, { MeshName: 'yelb', EnableAccessLogs: 'false' });
    expect(off.resources.find((r) => r.kind === 'virtualGateway')!.input.spec).not.toHaveProperty('logging');

    expect(problemsOf(fixture(INGRESS), INGRESS, { MeshName: 'Bad_Name' })[0]).toContain(
      'parameter MeshName: "Bad_Name" does not match the AllowedPattern [a-z][a-z0-9-]*',
    );
    expect(problemsOf(fixture(INGRESS), INGRESS, { MeshName: 'yelb', Colour: 'red' })).toEqual([
      `${INGRESS}:4:3: Parameters: --parameter Colour: the template has no parameter Colour (it has MeshName, Namespace, EnableAccessLogs)`,
    ]);
  });

  it('reports a DependsOn cycle by its resources', () => {
    const text = template(`  Mesh:
    Type: AWS::AppMesh::Mesh
    Properties: { MeshName: m }
  A:
    Type: AWS::AppMesh::VirtualRouter
    DependsOn: B
    Properties: { MeshName: m, Spec: { Listeners: [ { PortMapping: { Port: 80, Protocol: http } } ] } }
  B:
    Type: AWS::AppMesh::VirtualRouter
    DependsOn: [A]
    Properties: { MeshName: m, Spec: { Listeners: [ { PortMapping: { Port: 80, Protocol: http } } ] } }
`);
    expect(problemsOf(text, 'cycle.yaml')).toEqual([
      'cycle.yaml:6:3: Resources.A: resources depend on each other in a cycle: A → B → A',
    ]);
  });

  it('reports unknown properties, unknown attributes and values it cannot know, with their lines', () => {
    const text = template(`  Mesh:
    Type: AWS::AppMesh::Mesh
    Properties:
      MeshName: m
  Node:
    Type: AWS::AppMesh::VirtualNode
    Properties:
      MeshName: !GetAtt Mesh.MeshName
      Spec:
        Listeners:
          - PortMaping: { Port: 80, Protocol: http }
  Service:
    Type: AWS::AppMesh::VirtualService
    Properties:
      MeshName: !GetAtt Mesh.Uid
      VirtualServiceName: s
  Router:
    Type: AWS::AppMesh::VirtualRouter
    Properties:
      MeshName: !ImportValue shared-mesh
`);
    expect(problemsOf(text, 'bad.yaml')).toEqual([
      'bad.yaml:13:13: Resources.Node.Properties.Spec.Listeners[0].PortMaping: unknown property (did you mean PortMapping?)',
      'bad.yaml:17:7: Resources.Service.Properties.MeshName.Fn::GetAtt: Mesh.Uid is assigned by the control plane when the resource is created; tessera apply cannot know it beforehand',
      "bad.yaml:22:7: Resources.Router.Properties.MeshName.Fn::ImportValue: Fn::ImportValue needs another stack's exports; pass the value with --parameter instead",
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('Resources:\n  Mesh:\n    Type: [AWS::AppMesh::Mesh\n', 'broken.yaml')[0]).toMatch(
      /^broken\.yaml:\d+:\d+: not valid YAML\/JSON: /,
    );
  });

  it('gives GetAtt Arn and pseudo parameters local values, and Ref of a mesh resource its name', () => {
    const text = template(`  Mesh:
    Type: AWS::AppMesh::Mesh
    Properties: { MeshName: !Sub '\${AWS::StackName}-mesh' }
  Node:
    Type: AWS::AppMesh::VirtualNode
    Properties:
      MeshName: !Ref Mesh
      VirtualNodeName: !Select [1, !Split ['/', !GetAtt Mesh.Arn]]
      Tags: [ { Key: region, Value: !Sub '\${AWS::Region}/\${AWS::AccountId}' } ]
      Spec: {}
`);
    const [, node] = readResourceFile(text, 'demo.yaml', { 'AWS::Region': 'eu-west-1' }).resources;
    expect(node!.input).toMatchObject({
      meshName: 'demo-mesh',
      virtualNodeName: 'demo-mesh',
      tags: [{ key: 'region', value: 'eu-west-1/000000000000' }],
    });
  });
});

describe('applying CloudFormation templates', () => {
  let controlPlane: TestControlPlane;
  beforeAll(async () => {
    controlPlane = await startTestControlPlane();
  });
  afterAll(async () => {
    await controlPlane.stop();
  });

  it('creates every App Mesh resource of the color app, then finds nothing to change', async () => {
    const { client } = controlPlane;
    const first = await applyResources(client, readResourceFile(fixture(COLOR_APP), COLOR_APP).resources);
    expect(first.map((c) => c.action)).toEqual(new Array(9).fill('create'));

    const mesh = await client.send(new DescribeMeshCommand({ meshName: 'colors' }));
    expect(mesh.mesh?.spec?.egressFilter?.type).toBe('ALLOW_ALL');
    const tags = await client.send(
      new ListTagsForResourceCommand({ resourceArn: mesh.mesh!.metadata!.arn! }),
    );
    expect(tags.tags).toEqual([{ key: 'environment', value: 'colors' }]);
    const route = await client.send(
      new DescribeRouteCommand({
        meshName: 'colors',
        virtualRouterName: 'colorteller-router',
        routeName: 'colorteller-route',
      }),
    );
    expect(route.route?.spec?.httpRoute?.retryPolicy).toEqual({
      maxRetries: 3,
      perRetryTimeout: { unit: 'ms', value: 2000 },
      httpRetryEvents: ['server-error', 'gateway-error'],
      tcpRetryEvents: ['connection-error'],
    });
    const gateway = await client.send(
      new DescribeVirtualNodeCommand({ meshName: 'colors', virtualNodeName: 'colorgateway' }),
    );
    expect(gateway.virtualNode?.spec?.backends).toEqual([
      { virtualService: { virtualServiceName: 'colorteller.colors.local' } },
    ]);
    const service = await client.send(
      new DescribeVirtualServiceCommand({
        meshName: 'colors',
        virtualServiceName: 'colorteller.colors.local',
      }),
    );
    expect(service.virtualService?.spec?.provider?.virtualRouter?.virtualRouterName).toBe(
      'colorteller-router',
    );

    const again = await applyResources(client, readResourceFile(fixture(COLOR_APP), COLOR_APP).resources);
    expect(again.map((c) => c.action)).toEqual(new Array(9).fill('unchanged'));
  });

  it('updates exactly the route when a weight changes in the file', async () => {
    const changed = fixture(COLOR_APP)
      .replace('Default: 80', 'Default: 60')
      .replace('Default: 20', 'Default: 40');
    const changes = await applyResources(controlPlane.client, readResourceFile(changed, COLOR_APP).resources);
    const updated = changes.filter((c) => c.action !== 'unchanged');
    expect(updated.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['update route colorteller-route']);
    expect(updated[0]!.diff).toContain('+           weight: 60');
    const route = await controlPlane.client.send(
      new DescribeRouteCommand({
        meshName: 'colors',
        virtualRouterName: 'colorteller-router',
        routeName: 'colorteller-route',
      }),
    );
    expect(route.route?.spec?.httpRoute?.action?.weightedTargets?.map((t) => t.weight)).toEqual([60, 40]);
    expect(route.route?.metadata?.version).toBe(2);
  });

  it('creates the JSON ingress gateway template with its parameter, gateway route and tags', async () => {
    const { client } = controlPlane;
    const file = readResourceFile(fixture(INGRESS), INGRESS, { MeshName: 'yelb' });
    const changes = await applyResources(client, file.resources);
    expect(changes.map((c) => `${c.action} ${c.kind}`)).toEqual([
      'create mesh',
      'create virtualNode',
      'create virtualService',
      'create virtualGateway',
      'create gatewayRoute',
    ]);
    const route = await client.send(
      new DescribeGatewayRouteCommand({
        meshName: 'yelb',
        virtualGatewayName: 'yelb-ingress',
        gatewayRouteName: 'ui',
      }),
    );
    expect(route.gatewayRoute?.spec).toEqual({
      priority: 10,
      httpRoute: {
        match: { prefix: '/ui/' },
        action: {
          target: { virtualService: { virtualServiceName: 'yelb-ui.yelb.local' } },
          rewrite: { prefix: { value: '/' } },
        },
      },
    });
    const gateway = await client.send(
      new DescribeVirtualGatewayCommand({ meshName: 'yelb', virtualGatewayName: 'yelb-ingress' }),
    );
    const tags = await client.send(
      new ListTagsForResourceCommand({ resourceArn: gateway.virtualGateway!.metadata!.arn! }),
    );
    expect(tags.tags).toEqual([{ key: 'stack', value: 'ingress-gateway' }]);

    // A changed tag is an update of tags alone.
    const retagged = readResourceFile(fixture(INGRESS).replace('"AWS::StackName"', '"Namespace"'), INGRESS, {
      MeshName: 'yelb',
    });
    const again = await applyResources(client, retagged.resources);
    expect(again.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.kind}`)).toEqual([
      'update virtualGateway',
    ]);
    const after = await client.send(
      new ListTagsForResourceCommand({ resourceArn: gateway.virtualGateway!.metadata!.arn! }),
    );
    expect(after.tags).toEqual([{ key: 'stack', value: 'yelb.local' }]);
  });
});
