// Template assertions for the mesh constructs: each renders one Custom::TesseraMeshResource whose Spec is
// App Mesh REST JSON that the control plane's own model accepts, ordered after what it references.

import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cloudmap from 'aws-cdk-lib/aws-servicediscovery';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IMeshControlPlane } from '../../../cdk/control-plane/mesh-control-plane.js';
import * as appmesh from '../../../cdk/mesh/index.js';
import { type Kind, validateName, validateSpec } from '../../../control-plane/model/index.js';

const controlPlane = {
  resourceServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:tessera-mesh-resource',
};
const TYPE = 'Custom::TesseraMeshResource';

// Compile-time check: the real control plane fits the prop the mesh constructs take.
const controlPlaneFits: IMeshControlPlane extends appmesh.MeshControlPlaneRef ? true : never = true;
void controlPlaneFits;

interface MeshResource {
  readonly logicalId: string;
  readonly properties: Record<string, unknown>;
  readonly dependsOn: string[];
}

function meshResources(stack: Stack): MeshResource[] {
  const template = Template.fromStack(stack).toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;
  };
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === TYPE)
    .map(([logicalId, resource]) => ({
      logicalId,
      properties: resource.Properties,
      dependsOn: resource.DependsOn ?? [],
    }));
}

function find(stack: Stack, kind: Kind, name: string): MeshResource {
  const found = meshResources(stack).find((r) => r.properties.Kind === kind && r.properties.Name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}

/**
 * The Spec as an object. A spec without tokens is a plain JSON string; one with tokens is an Fn::Join
 * whose token parts are replaced by `TOKEN` (they always sit inside JSON strings).
 */
function specOf(resource: MeshResource): Record<string, unknown> {
  const spec = resource.properties.Spec;
  if (typeof spec === 'string') return JSON.parse(spec);
  const [separator, parts] = (spec as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(separator));
}

function expectValid(kind: Kind, spec: unknown): void {
  const result = validateSpec(kind, spec);
  expect(result.ok ? [] : result.problems).toEqual([]);
}

function newStack(): Stack {
  return new Stack(new App(), 'Test');
}

describe('mesh resources', () => {
  // The first synthesis loads aws-cdk-lib (~7 s on this machine).
  beforeAll(() => {
    const stack = newStack();
    new appmesh.Mesh(stack, 'Warm', { controlPlane });
    Template.fromStack(stack);
  }, 60_000);

  describe('Mesh', () => {
    it('renders the custom resource contract with the App Mesh spec', () => {
      const stack = newStack();
      new appmesh.Mesh(stack, 'Mesh', {
        controlPlane,
        meshName: 'demo',
        egressFilter: appmesh.MeshFilterType.ALLOW_ALL,
        serviceDiscovery: { ipPreference: appmesh.IpPreference.IPV4_PREFERRED },
      });
      Template.fromStack(stack).hasResourceProperties(TYPE, {
        ServiceToken: controlPlane.resourceServiceToken,
        Kind: 'mesh',
        MeshName: 'demo',
        Name: 'demo',
        Spec: JSON.stringify({
          egressFilter: { type: 'ALLOW_ALL' },
          serviceDiscovery: { ipPreference: 'IPv4_PREFERRED' },
        }),
      });
      const mesh = find(stack, 'mesh', 'demo');
      expect(Object.keys(mesh.properties).sort()).toEqual([
        'Kind',
        'MeshName',
        'Name',
        'ServiceToken',
        'Spec',
      ]);
      expectValid('mesh', specOf(mesh));
    });

    it('renders an empty spec and a generated name the control plane accepts', () => {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'My-Mesh', { controlPlane });
      const [resource] = meshResources(stack);
      const name = resource!.properties.Name as string;
      expect(validateName('meshName', name)).toEqual([]);
      expect(name).toMatch(/^TestMyMesh/);
      expect(resource!.properties.Spec).toBe('{}');
      expect(stack.resolve(mesh.meshName)).toEqual({ 'Fn::GetAtt': [resource!.logicalId, 'Name'] });
      expect(stack.resolve(mesh.meshArn)).toEqual({ 'Fn::GetAtt': [resource!.logicalId, 'Arn'] });
    });

    it('carries tags from Tags.of as App Mesh tag JSON', () => {
      const stack = newStack();
      new appmesh.Mesh(stack, 'Mesh', { controlPlane, meshName: 'demo' });
      Tags.of(stack).add('team', 'payments');
      const mesh = find(stack, 'mesh', 'demo');
      expect(JSON.parse(mesh.properties.Tags as string)).toEqual([{ key: 'team', value: 'payments' }]);
    });

    it('applies a removal policy to the custom resource', () => {
      const stack = newStack();
      new appmesh.Mesh(stack, 'Mesh', { controlPlane, meshName: 'demo' }).applyRemovalPolicy(
        RemovalPolicy.RETAIN,
      );
      Template.fromStack(stack).hasResource(TYPE, {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('imports by ARN with a plain name, and refuses new resources without a control plane', () => {
      const stack = newStack();
      const imported = appmesh.Mesh.fromMeshArn(
        stack,
        'Imported',
        'arn:aws:appmesh:eu-west-1:222222222222:mesh/shop',
      );
      expect(imported.meshName).toBe('shop');
      expect(() => imported.addVirtualNode('Node')).toThrow(/no control plane.*fromMeshAttributes/);
      const withPlane = appmesh.Mesh.fromMeshAttributes(stack, 'WithPlane', {
        meshName: 'shop',
        controlPlane,
      });
      withPlane.addVirtualNode('Node', { virtualNodeName: 'cart' });
      expect(find(stack, 'virtualNode', 'cart').properties.MeshName).toBe('shop');
    });
  });

  describe('VirtualNode', () => {
    it('renders every listener kind, backends, TLS and logging in a spec the control plane accepts', () => {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane, meshName: 'demo' });
      const service = appmesh.VirtualService.fromVirtualServiceAttributes(stack, 'Service', {
        mesh,
        virtualServiceName: 'colors.local',
      });
      const node = mesh.addVirtualNode('Node', {
        virtualNodeName: 'front',
        serviceDiscovery: appmesh.ServiceDiscovery.dns(
          'front.local',
          appmesh.DnsResponseType.ENDPOINTS,
          appmesh.IpPreference.IPV4_ONLY,
        ),
        listeners: [
          appmesh.VirtualNodeListener.http({
            port: 8080,
            healthCheck: appmesh.HealthCheck.http({ path: '/ping', interval: Duration.seconds(10) }),
            timeout: { perRequest: Duration.seconds(5), idle: Duration.minutes(1) },
            connectionPool: { maxConnections: 100, maxPendingRequests: 10 },
            outlierDetection: {
              maxServerErrors: 5,
              interval: Duration.seconds(10),
              baseEjectionDuration: Duration.seconds(30),
              maxEjectionPercent: 50,
            },
            tls: {
              mode: appmesh.TlsMode.STRICT,
              certificate: appmesh.TlsCertificate.file('/certs/chain.pem', '/certs/key.pem'),
              mutualTlsValidation: {
                trust: appmesh.TlsValidationTrust.file('/certs/ca.pem'),
                subjectAlternativeNames: appmesh.SubjectAlternativeNames.matchingExactly('client.local'),
              },
            },
          }),
          appmesh.VirtualNodeListener.http2({ port: 8081, connectionPool: { maxRequests: 50 } }),
          appmesh.VirtualNodeListener.grpc({
            port: 8082,
            healthCheck: appmesh.HealthCheck.grpc(),
            timeout: { perRequest: Duration.millis(0) },
            tls: {
              mode: appmesh.TlsMode.PERMISSIVE,
              certificate: appmesh.TlsCertificate.acm({
                certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
              }),
            },
          }),
          appmesh.VirtualNodeListener.tcp({
            port: 9000,
            healthCheck: appmesh.HealthCheck.tcp({ healthyThreshold: 3, unhealthyThreshold: 4 }),
            timeout: { idle: Duration.seconds(30) },
            connectionPool: { maxConnections: 20 },
          }),
        ],
        backends: [
          appmesh.Backend.virtualService(service, {
            tlsClientPolicy: {
              ports: [8080],
              validation: { trust: appmesh.TlsValidationTrust.sds('ca-bundle') },
              mutualTlsCertificate: appmesh.TlsCertificate.sds('front-cert'),
            },
          }),
        ],
        backendDefaults: {
          tlsClientPolicy: {
            enforce: false,
            validation: {
              trust: appmesh.TlsValidationTrust.acm([
                { certificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/x' },
              ]),
            },
          },
        },
        accessLog: appmesh.AccessLog.fromFilePath(
          '/dev/stdout',
          appmesh.LoggingFormat.fromJson({ status: '%RESPONSE_CODE%' }),
        ),
      });
      node.addBackend(
        appmesh.Backend.virtualService(
          appmesh.VirtualService.fromVirtualServiceArn(
            stack,
            'Other',
            'arn:aws:appmesh:us-east-1:111111111111:mesh/demo/virtualService/other.local',
          ),
        ),
      );

      const resource = find(stack, 'virtualNode', 'front');
      const spec = specOf(resource) as {
        listeners: unknown[];
        backends: unknown[];
        serviceDiscovery: unknown;
      };
      expectValid('virtualNode', spec);
      expect(spec.serviceDiscovery).toEqual({
        dns: { hostname: 'front.local', responseType: 'ENDPOINTS', ipPreference: 'IPv4_ONLY' },
      });
      expect(spec.listeners[0]).toEqual({
        portMapping: { port: 8080, protocol: 'http' },
        healthCheck: {
          healthyThreshold: 2,
          unhealthyThreshold: 2,
          intervalMillis: 10_000,
          timeoutMillis: 2_000,
          path: '/ping',
          port: 8080,
          protocol: 'http',
        },
        tls: {
          mode: 'STRICT',
          certificate: { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } },
          validation: {
            trust: { file: { certificateChain: '/certs/ca.pem' } },
            subjectAlternativeNames: { match: { exact: ['client.local'] } },
          },
        },
        timeout: { http: { idle: { unit: 'ms', value: 60_000 }, perRequest: { unit: 'ms', value: 5_000 } } },
        connectionPool: { http: { maxConnections: 100, maxPendingRequests: 10 } },
        outlierDetection: {
          maxServerErrors: 5,
          interval: { unit: 'ms', value: 10_000 },
          baseEjectionDuration: { unit: 'ms', value: 30_000 },
          maxEjectionPercent: 50,
        },
      });
      expect(spec.listeners[2]).toMatchObject({
        timeout: { grpc: { perRequest: { unit: 'ms', value: 0 } } },
      });
      expect(
        spec.backends.map(
          (b) => (b as { virtualService: { virtualServiceName: string } }).virtualService.virtualServiceName,
        ),
      ).toEqual(['colors.local', 'other.local']);
      expect(resource.properties.MeshName).toEqual({
        'Fn::GetAtt': [find(stack, 'mesh', 'demo').logicalId, 'Name'],
      });
    });

    it('renders Cloud Map discovery (tokens in the spec) that validates once resolved', () => {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane, meshName: 'demo' });
      const namespace = new cloudmap.PrivateDnsNamespace(stack, 'Namespace', {
        name: 'demo.local',
        vpc: { vpcId: 'vpc-1' } as never,
      });
      const service = namespace.createService('Service', { name: 'blue' });
      mesh.addVirtualNode('Blue', {
        virtualNodeName: 'blue',
        serviceDiscovery: appmesh.ServiceDiscovery.cloudMap(service, { ECS_TASK_DEFINITION_FAMILY: 'blue' }),
        listeners: [appmesh.VirtualNodeListener.http()],
      });
      const resource = find(stack, 'virtualNode', 'blue');
      expect(resource.properties.Spec).toHaveProperty('Fn::Join');
      const spec = specOf(resource);
      expect(spec.serviceDiscovery).toEqual({
        awsCloudMap: {
          namespaceName: 'demo.local',
          serviceName: 'TOKEN',
          attributes: [{ key: 'ECS_TASK_DEFINITION_FAMILY', value: 'blue' }],
        },
      });
      expectValid('virtualNode', spec);
    });

    it('refuses a listener without service discovery, as aws-appmesh does', () => {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane });
      expect(() => mesh.addVirtualNode('Node', { listeners: [appmesh.VirtualNodeListener.http()] })).toThrow(
        /needs serviceDiscovery/,
      );
    });

    it('lets two nodes call each other’s services without a dependency cycle', () => {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane });
      const dns = (host: string) => appmesh.ServiceDiscovery.dns(host);
      const a = mesh.addVirtualNode('A', {
        serviceDiscovery: dns('a'),
        listeners: [appmesh.VirtualNodeListener.http()],
      });
      const b = mesh.addVirtualNode('B', {
        serviceDiscovery: dns('b'),
        listeners: [appmesh.VirtualNodeListener.http()],
      });
      const serviceA = new appmesh.VirtualService(stack, 'SA', {
        virtualServiceName: 'a.local',
        virtualServiceProvider: appmesh.VirtualServiceProvider.virtualNode(a),
      });
      const serviceB = new appmesh.VirtualService(stack, 'SB', {
        virtualServiceName: 'b.local',
        virtualServiceProvider: appmesh.VirtualServiceProvider.virtualNode(b),
      });
      a.addBackend(appmesh.Backend.virtualService(serviceB));
      b.addBackend(appmesh.Backend.virtualService(serviceA));
      expect(() => Template.fromStack(stack)).not.toThrow();
      expect(find(stack, 'virtualService', 'a.local').dependsOn).toHaveLength(1);
    });

    it('grants the proxy access through the control plane, scoped to the mesh', () => {
      const stack = newStack();
      const grants: unknown[] = [];
      const mesh = new appmesh.Mesh(stack, 'Mesh', {
        meshName: 'demo',
        controlPlane: {
          ...controlPlane,
          grantProxy: (grantee: iam.IGrantable, options?: { meshName?: string }) => {
            grants.push(options);
            return iam.Grant.drop(grantee, 'test');
          },
        },
      });
      const role = new iam.Role(stack, 'Role', {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      });
      mesh.addVirtualNode('Node').grantStreamAggregatedResources(role);
      mesh.addVirtualGateway('Gateway').grantStreamAggregatedResources(role);
      expect(grants).toEqual([{ meshName: 'demo' }, { meshName: 'demo' }]);
      const bare = new appmesh.Mesh(stack, 'Bare', { controlPlane });
      expect(() => bare.addVirtualNode('Node').grantStreamAggregatedResources(role)).toThrow(/grantProxy/);
    });

    it('refuses health checks outside App Mesh ranges', () => {
      expect(() => appmesh.HealthCheck.http({ healthyThreshold: 11 })).toThrow(/healthyThreshold/);
      expect(() => appmesh.HealthCheck.tcp({ interval: Duration.seconds(1) })).toThrow(/interval/);
      expect(() => appmesh.HealthCheck.grpc({ timeout: Duration.minutes(2) })).toThrow(/timeout/);
    });
  });

  describe('VirtualRouter, Route and VirtualService', () => {
    function routedMesh() {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane, meshName: 'colors' });
      const node = (name: string) =>
        mesh.addVirtualNode(name, {
          virtualNodeName: name,
          serviceDiscovery: appmesh.ServiceDiscovery.dns(`${name}.local`),
          listeners: [appmesh.VirtualNodeListener.http()],
        });
      const blue = node('blue');
      const green = node('green');
      const router = mesh.addVirtualRouter('Router', {
        virtualRouterName: 'colors',
        listeners: [appmesh.VirtualRouterListener.http(8080), appmesh.VirtualRouterListener.grpc(9090)],
      });
      return { stack, mesh, blue, green, router };
    }

    it('renders a router with the default listener', () => {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane });
      mesh.addVirtualRouter('Router', { virtualRouterName: 'r' });
      const spec = specOf(find(stack, 'virtualRouter', 'r'));
      expect(spec).toEqual({ listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] });
      expectValid('virtualRouter', spec);
    });

    it('renders an HTTP route with every match kind, retries, timeouts and weights', () => {
      const { stack, blue, green, router } = routedMesh();
      router.addRoute('Paint', {
        routeName: 'paint',
        routeSpec: appmesh.RouteSpec.http({
          priority: 10,
          match: {
            path: appmesh.HttpRoutePathMatch.startsWith('/paint'),
            method: appmesh.HttpRouteMethod.POST,
            protocol: appmesh.HttpRouteProtocol.HTTPS,
            port: 8080,
            headers: [
              appmesh.HeaderMatch.valueIs('x-a', '1'),
              appmesh.HeaderMatch.valueIsNot('x-b', '2'),
              appmesh.HeaderMatch.valueStartsWith('x-c', 'p'),
              appmesh.HeaderMatch.valueDoesNotStartWith('x-d', 'p'),
              appmesh.HeaderMatch.valueEndsWith('x-e', 's'),
              appmesh.HeaderMatch.valueDoesNotEndWith('x-f', 's'),
              appmesh.HeaderMatch.valueMatchesRegex('x-g', '^a.*'),
              appmesh.HeaderMatch.valueDoesNotMatchRegex('x-h', '^b.*'),
              appmesh.HeaderMatch.valuesIsInRange('x-i', 1, 5),
              appmesh.HeaderMatch.valuesIsNotInRange('x-j', 5, 9),
            ],
            queryParameters: [appmesh.QueryParameterMatch.valueIs('canary', 'true')],
          },
          weightedTargets: [
            { virtualNode: blue, weight: 80 },
            { virtualNode: green, weight: 20, port: 8080 },
          ],
          timeout: { perRequest: Duration.seconds(3), idle: Duration.seconds(60) },
          retryPolicy: {
            retryAttempts: 3,
            retryTimeout: Duration.seconds(1),
            httpRetryEvents: [appmesh.HttpRetryEvent.SERVER_ERROR, appmesh.HttpRetryEvent.GATEWAY_ERROR],
            tcpRetryEvents: [appmesh.TcpRetryEvent.CONNECTION_ERROR],
          },
        }),
      });
      const route = find(stack, 'route', 'paint');
      const spec = specOf(route) as { priority: number; httpRoute: Record<string, unknown> };
      expectValid('route', spec);
      expect(spec.priority).toBe(10);
      expect(spec.httpRoute.action).toEqual({
        weightedTargets: [
          { virtualNode: 'blue', weight: 80 },
          { virtualNode: 'green', weight: 20, port: 8080 },
        ],
      });
      expect(spec.httpRoute.retryPolicy).toEqual({
        maxRetries: 3,
        perRetryTimeout: { unit: 'ms', value: 1000 },
        httpRetryEvents: ['server-error', 'gateway-error'],
        tcpRetryEvents: ['connection-error'],
      });
      expect(spec.httpRoute.match).toMatchObject({
        prefix: '/paint',
        method: 'POST',
        scheme: 'https',
        port: 8080,
      });
      expect((spec.httpRoute.match as { headers: unknown[] }).headers[9]).toEqual({
        name: 'x-j',
        invert: true,
        match: { range: { start: 5, end: 9 } },
      });
      // Ordered after its router (ParentName) and mesh (MeshName) by reference, after its targets by DependsOn.
      expect(route.properties.ParentName).toEqual({
        'Fn::GetAtt': [find(stack, 'virtualRouter', 'colors').logicalId, 'Name'],
      });
      expect(route.properties.MeshName).toEqual({
        'Fn::GetAtt': [find(stack, 'mesh', 'colors').logicalId, 'Name'],
      });
      expect(route.dependsOn.sort()).toEqual(
        [find(stack, 'virtualNode', 'blue').logicalId, find(stack, 'virtualNode', 'green').logicalId].sort(),
      );
    });

    it('renders HTTP/2, gRPC and TCP routes the control plane accepts', () => {
      const { stack, blue, green, router } = routedMesh();
      router.addRoute('Exact', {
        routeName: 'exact',
        routeSpec: appmesh.RouteSpec.http2({
          match: { path: appmesh.HttpRoutePathMatch.exactly('/health') },
          weightedTargets: [{ virtualNode: blue }],
        }),
      });
      router.addRoute('Regex', {
        routeName: 'regex',
        routeSpec: appmesh.RouteSpec.http({
          match: { path: appmesh.HttpRoutePathMatch.regex('^/v[0-9]+/') },
          weightedTargets: [{ virtualNode: green }],
        }),
      });
      router.addRoute('Grpc', {
        routeName: 'grpc',
        routeSpec: appmesh.RouteSpec.grpc({
          priority: 0,
          match: {
            serviceName: 'colors.Paint',
            methodName: 'Mix',
            metadata: [appmesh.HeaderMatch.valueIs('tenant', 'a')],
            port: 9090,
          },
          weightedTargets: [{ virtualNode: blue, weight: 1 }],
          timeout: { perRequest: Duration.seconds(2) },
          retryPolicy: {
            retryAttempts: 2,
            retryTimeout: Duration.millis(500),
            grpcRetryEvents: [appmesh.GrpcRetryEvent.UNAVAILABLE, appmesh.GrpcRetryEvent.DEADLINE_EXCEEDED],
          },
        }),
      });
      router.addRoute('Tcp', {
        routeName: 'tcp',
        routeSpec: appmesh.RouteSpec.tcp({
          port: 8080,
          weightedTargets: [{ virtualNode: blue }, { virtualNode: green, weight: 0 }],
          timeout: { idle: Duration.seconds(30) },
        }),
      });
      const exact = specOf(find(stack, 'route', 'exact'));
      expect(exact).toEqual({
        http2Route: {
          match: { path: { exact: '/health' } },
          action: { weightedTargets: [{ virtualNode: 'blue', weight: 1 }] },
        },
      });
      for (const name of ['exact', 'regex', 'grpc', 'tcp'])
        expectValid('route', specOf(find(stack, 'route', name)));
      expect(specOf(find(stack, 'route', 'grpc'))).toMatchObject({
        priority: 0,
        grpcRoute: { retryPolicy: { grpcRetryEvents: ['unavailable', 'deadline-exceeded'] } },
      });
      expect(specOf(find(stack, 'route', 'tcp'))).toMatchObject({
        tcpRoute: { match: { port: 8080 }, timeout: { idle: { unit: 'ms', value: 30_000 } } },
      });
    });

    it('refuses retry policies without events and gRPC matches App Mesh would refuse', () => {
      const { blue, router } = routedMesh();
      expect(() =>
        appmesh.RouteSpec.http({
          weightedTargets: [{ virtualNode: blue }],
          retryPolicy: { retryAttempts: 1, retryTimeout: Duration.seconds(1) },
        }),
      ).toThrow(/at least one event/);
      expect(() =>
        router.addRoute('Bad', {
          routeSpec: appmesh.RouteSpec.grpc({
            match: { methodName: 'Mix' },
            weightedTargets: [{ virtualNode: blue }],
          }),
        }),
      ).toThrow(/service name/);
    });

    it('orders a virtual service after its provider node or router', () => {
      const { stack, blue, router } = routedMesh();
      new appmesh.VirtualService(stack, 'Colors', {
        virtualServiceName: 'colors.local',
        virtualServiceProvider: appmesh.VirtualServiceProvider.virtualRouter(router),
      });
      new appmesh.VirtualService(stack, 'Blue', {
        virtualServiceName: 'blue.local',
        virtualServiceProvider: appmesh.VirtualServiceProvider.virtualNode(blue),
      });
      new appmesh.VirtualService(stack, 'Later', {
        virtualServiceName: 'later.local',
        virtualServiceProvider: appmesh.VirtualServiceProvider.none(blue.mesh),
      });
      const colors = find(stack, 'virtualService', 'colors.local');
      expect(specOf(colors)).toEqual({ provider: { virtualRouter: { virtualRouterName: 'colors' } } });
      expect(colors.dependsOn).toEqual([find(stack, 'virtualRouter', 'colors').logicalId]);
      const blueService = find(stack, 'virtualService', 'blue.local');
      expect(specOf(blueService)).toEqual({ provider: { virtualNode: { virtualNodeName: 'blue' } } });
      expect(blueService.dependsOn).toEqual([find(stack, 'virtualNode', 'blue').logicalId]);
      expect(specOf(find(stack, 'virtualService', 'later.local'))).toEqual({});
      for (const name of ['colors.local', 'blue.local', 'later.local']) {
        expectValid('virtualService', specOf(find(stack, 'virtualService', name)));
      }
    });

    it('imports routes, routers, nodes and services by ARN with plain names', () => {
      const stack = newStack();
      const arn = 'arn:aws:appmesh:us-east-1:111111111111:mesh/colors/virtualRouter/colors/route/paint';
      const route = appmesh.Route.fromRouteArn(stack, 'Route', arn);
      expect(route.routeName).toBe('paint');
      expect(route.virtualRouter.virtualRouterName).toBe('colors');
      expect(route.virtualRouter.virtualRouterArn).toBe(
        'arn:aws:appmesh:us-east-1:111111111111:mesh/colors/virtualRouter/colors',
      );
      expect(route.virtualRouter.mesh.meshName).toBe('colors');
      const node = appmesh.VirtualNode.fromVirtualNodeArn(
        stack,
        'Node',
        'arn:aws:appmesh:us-east-1:111111111111:mesh/colors/virtualNode/blue',
      );
      expect([node.mesh.meshName, node.virtualNodeName]).toEqual(['colors', 'blue']);
      expect(() => appmesh.VirtualNode.fromVirtualNodeArn(stack, 'Bad', 'arn:aws:s3:::bucket')).toThrow(
        /not an App Mesh ARN/,
      );
    });

    it('references a mesh and nodes in another stack', () => {
      const app = new App();
      const meshStack = new Stack(app, 'MeshStack');
      const mesh = new appmesh.Mesh(meshStack, 'Mesh', { controlPlane, meshName: 'shared' });
      const blue = mesh.addVirtualNode('Blue', { virtualNodeName: 'blue' });
      const appStack = new Stack(app, 'AppStack');
      const router = new appmesh.VirtualRouter(appStack, 'Router', { mesh, virtualRouterName: 'r' });
      router.addRoute('Route', {
        routeName: 'all',
        routeSpec: appmesh.RouteSpec.tcp({ weightedTargets: [{ virtualNode: blue }] }),
      });
      const route = find(appStack, 'route', 'all');
      expect(route.properties.MeshName).toHaveProperty('Fn::ImportValue');
      expect(specOf(route)).toMatchObject({
        tcpRoute: { action: { weightedTargets: [{ virtualNode: 'blue' }] } },
      });
      expect(appStack.dependencies).toContain(meshStack);
    });

    it('splits a token ARN in CloudFormation', () => {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane });
      const node = mesh.addVirtualNode('Node');
      const imported = appmesh.VirtualNode.fromVirtualNodeArn(stack, 'Imported', node.virtualNodeArn);
      expect(JSON.stringify(stack.resolve(imported.virtualNodeName))).toContain('Fn::Select');
    });
  });

  describe('VirtualGateway and GatewayRoute', () => {
    it('renders gateway listeners and gateway routes with rewrites the control plane accepts', () => {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane, meshName: 'shop' });
      const node = mesh.addVirtualNode('Node', {
        virtualNodeName: 'api',
        serviceDiscovery: appmesh.ServiceDiscovery.dns('api.local'),
        listeners: [appmesh.VirtualNodeListener.http()],
      });
      const service = new appmesh.VirtualService(stack, 'Service', {
        virtualServiceName: 'api.local',
        virtualServiceProvider: appmesh.VirtualServiceProvider.virtualNode(node),
      });
      const gateway = mesh.addVirtualGateway('Gateway', {
        virtualGatewayName: 'ingress',
        listeners: [
          appmesh.VirtualGatewayListener.http({
            port: 8080,
            healthCheck: appmesh.HealthCheck.http({ path: '/ready' }),
            connectionPool: { maxConnections: 1000, maxPendingRequests: 100 },
          }),
          appmesh.VirtualGatewayListener.http2({ port: 8081, connectionPool: { maxRequests: 100 } }),
          appmesh.VirtualGatewayListener.grpc({ port: 8082 }),
        ],
        accessLog: appmesh.AccessLog.fromFilePath(
          '/dev/stdout',
          appmesh.LoggingFormat.fromText('%START_TIME%'),
        ),
        backendDefaults: {
          tlsClientPolicy: { validation: { trust: appmesh.TlsValidationTrust.file('/certs/ca.pem') } },
        },
      });
      gateway.addGatewayRoute('Prefix', {
        gatewayRouteName: 'prefix',
        routeSpec: appmesh.GatewayRouteSpec.http({
          priority: 1,
          routeTarget: service,
          match: {
            path: appmesh.HttpGatewayRoutePathMatch.startsWith('/api/', '/v1/'),
            hostname: appmesh.GatewayRouteHostnameMatch.endsWith('.example.com'),
            method: appmesh.HttpRouteMethod.GET,
            headers: [appmesh.HeaderMatch.valueIs('x-tenant', 'a')],
            queryParameters: [appmesh.QueryParameterMatch.valueIs('debug', '1')],
            rewriteRequestHostname: false,
            port: 8080,
          },
        }),
      });
      gateway.addGatewayRoute('Exact', {
        gatewayRouteName: 'exact',
        routeSpec: appmesh.GatewayRouteSpec.http2({
          routeTarget: service,
          match: { path: appmesh.HttpGatewayRoutePathMatch.exactly('/old', '/new') },
        }),
      });
      gateway.addGatewayRoute('Keep', {
        gatewayRouteName: 'keep',
        routeSpec: appmesh.GatewayRouteSpec.http({
          routeTarget: service,
          match: { path: appmesh.HttpGatewayRoutePathMatch.startsWith('/static/', '') },
        }),
      });
      gateway.addGatewayRoute('Grpc', {
        gatewayRouteName: 'grpc',
        routeSpec: appmesh.GatewayRouteSpec.grpc({
          routeTarget: service,
          routeTargetPort: 8080,
          match: {
            serviceName: 'shop.Api',
            hostname: appmesh.GatewayRouteHostnameMatch.exactly('api.example.com'),
          },
        }),
      });

      expectValid('virtualGateway', specOf(find(stack, 'virtualGateway', 'ingress')));
      expect(specOf(find(stack, 'virtualGateway', 'ingress'))).toMatchObject({
        logging: { accessLog: { file: { path: '/dev/stdout', format: { text: '%START_TIME%' } } } },
      });
      for (const name of ['prefix', 'exact', 'keep', 'grpc']) {
        expectValid('gatewayRoute', specOf(find(stack, 'gatewayRoute', name)));
      }
      expect(specOf(find(stack, 'gatewayRoute', 'prefix'))).toEqual({
        priority: 1,
        httpRoute: {
          match: {
            prefix: '/api/',
            hostname: { suffix: '.example.com' },
            method: 'GET',
            headers: [{ name: 'x-tenant', invert: false, match: { exact: 'a' } }],
            queryParameters: [{ name: 'debug', match: { exact: '1' } }],
            port: 8080,
          },
          action: {
            target: { virtualService: { virtualServiceName: 'api.local' } },
            rewrite: { hostname: { defaultTargetHostname: 'DISABLED' }, prefix: { value: '/v1/' } },
          },
        },
      });
      expect(specOf(find(stack, 'gatewayRoute', 'exact'))).toMatchObject({
        http2Route: { action: { rewrite: { path: { exact: '/new' } } } },
      });
      expect(specOf(find(stack, 'gatewayRoute', 'keep'))).toMatchObject({
        httpRoute: { action: { rewrite: { prefix: { defaultPrefix: 'DISABLED' } } } },
      });
      const grpc = find(stack, 'gatewayRoute', 'grpc');
      expect(grpc.properties.ParentName).toEqual({
        'Fn::GetAtt': [find(stack, 'virtualGateway', 'ingress').logicalId, 'Name'],
      });
      expect(grpc.dependsOn).toEqual([find(stack, 'virtualService', 'api.local').logicalId]);
    });

    it('imports a gateway route by ARN', () => {
      const stack = newStack();
      const route = appmesh.GatewayRoute.fromGatewayRouteArn(
        stack,
        'Route',
        'arn:aws:appmesh:us-east-1:111111111111:mesh/shop/virtualGateway/ingress/gatewayRoute/web',
      );
      expect(route.gatewayRouteName).toBe('web');
      expect(route.virtualGateway.virtualGatewayName).toBe('ingress');
    });

    it('refuses a prefix rewrite App Mesh would refuse', () => {
      expect(() => appmesh.HttpGatewayRoutePathMatch.startsWith('/api', '/v1/')).toThrow(/must end with/);
      expect(() => appmesh.HttpRoutePathMatch.startsWith('api')).toThrow(/must start with/);
    });
  });

  describe('metrics', () => {
    function meshWithRoute() {
      const stack = newStack();
      const mesh = new appmesh.Mesh(stack, 'Mesh', { controlPlane, meshName: 'colors' });
      const dns = appmesh.ServiceDiscovery.dns('x.local');
      const front = mesh.addVirtualNode('Front', { virtualNodeName: 'front' });
      const blue = mesh.addVirtualNode('Blue', {
        virtualNodeName: 'blue',
        serviceDiscovery: dns,
        listeners: [appmesh.VirtualNodeListener.http()],
      });
      const router = mesh.addVirtualRouter('Router', { virtualRouterName: 'colors' });
      const route = router.addRoute('Paint', {
        routeName: 'paint',
        routeSpec: appmesh.RouteSpec.http({ weightedTargets: [{ virtualNode: blue }] }),
      });
      const service = new appmesh.VirtualService(stack, 'Service', {
        virtualServiceName: 'colors.local',
        virtualServiceProvider: appmesh.VirtualServiceProvider.virtualRouter(router),
      });
      return { stack, mesh, front, blue, router, route, service };
    }

    it('reads a node’s proxy metrics with plain dimension values', () => {
      const { front, blue, service } = meshWithRoute();
      const requests = front.metricRequestCount();
      expect(requests.namespace).toBe('Tessera');
      expect(requests.metricName).toBe('RequestCount');
      expect(requests.dimensions).toEqual({ Mesh: 'colors', VirtualNode: 'front' });
      expect(requests.statistic).toBe('Sum');
      const latency = front.metricTargetResponseTime({ virtualService: service, virtualNode: blue });
      expect(latency.dimensions).toEqual({
        Mesh: 'colors',
        VirtualNode: 'front',
        TargetVirtualService: 'colors.local',
        TargetVirtualNode: 'blue',
      });
      expect(latency.statistic).toBe('p99');
      const errors = front.metricHttpCodeTarget(
        '5XX',
        { virtualService: service, virtualNode: blue },
        {
          period: Duration.minutes(5),
        },
      );
      expect([errors.metricName, errors.period.toMinutes()]).toEqual(['HTTPCode_Target_5XX_Count', 5]);
    });

    it('reads a route’s metrics from the calling node’s proxies', () => {
      const { front, route } = meshWithRoute();
      const retries = route.metricRetryCount({ client: front, statistic: 'Average' });
      expect(retries.metricName).toBe('RetryCount');
      expect(retries.statistic).toBe('Average');
      expect(retries.dimensions).toEqual({
        Mesh: 'colors',
        VirtualNode: 'front',
        TargetVirtualService: 'colors.local',
        Route: 'paint',
      });
      expect(route.metricRequestCount({ client: front }).metricName).toBe('RequestCountPerTarget');
    });

    it('asks for the virtual service when the router provides several', () => {
      const { stack, front, router, route } = meshWithRoute();
      new appmesh.VirtualService(stack, 'Alias', {
        virtualServiceName: 'paint.local',
        virtualServiceProvider: appmesh.VirtualServiceProvider.virtualRouter(router),
      });
      expect(() => route.metricRequestCount({ client: front })).toThrow(/options.virtualService/);
      const alias = appmesh.VirtualService.fromVirtualServiceAttributes(stack, 'AliasRef', {
        mesh: front.mesh,
        virtualServiceName: 'paint.local',
      });
      expect(route.metricRequestCount({ client: front, virtualService: alias }).dimensions).toMatchObject({
        TargetVirtualService: 'paint.local',
      });
    });

    it('reads gateway and gateway route metrics', () => {
      const { mesh, service } = meshWithRoute();
      const gateway = mesh.addVirtualGateway('Gateway', { virtualGatewayName: 'ingress' });
      const web = gateway.addGatewayRoute('Web', {
        gatewayRouteName: 'web',
        routeSpec: appmesh.GatewayRouteSpec.http({ routeTarget: service }),
      });
      expect(gateway.metricRequestCount().dimensions).toEqual({ Mesh: 'colors', VirtualGateway: 'ingress' });
      expect(web.metricTargetResponseTime().dimensions).toEqual({
        Mesh: 'colors',
        VirtualGateway: 'ingress',
        TargetVirtualService: 'colors.local',
        Route: 'web',
      });
    });
  });
});
