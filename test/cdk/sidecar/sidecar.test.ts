import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { MeshControlPlane } from '../../../cdk/control-plane/index.js';
import {
  DEFAULT_PROXY_ADMIN_PORT,
  DEFAULT_PROXY_EGRESS_PORT,
  DEFAULT_PROXY_INGRESS_PORT,
  DEFAULT_PROXY_SAMPLING_RATE,
  EcsSidecar,
  EksWorkload,
  type IProxyControlPlane,
  PROXY_ENV,
  READY_CHECK_SCRIPT,
} from '../../../cdk/sidecar/index.js';
import * as proxyConstants from '../../../proxy/config/constants.js';
import { SETTINGS } from '../../../proxy/config/resolve-proxy-config.js';

const CONTROL_PLANE_URL = 'https://abc123.lambda-url.us-east-1.on.aws/';
const CONTROL_PLANE_STATEMENT = {
  Action: 'lambda:InvokeFunctionUrl',
  Effect: 'Allow',
  Resource: 'arn:aws:lambda:us-east-1:123456789012:function:tessera-api',
};

/** Stands in for MeshControlPlane: its URL and a grant we can recognise in the role's policy. */
class FakeControlPlane implements IProxyControlPlane {
  readonly endpointUrl = CONTROL_PLANE_URL;
  readonly grantees: iam.IGrantable[] = [];
  grantProxy(grantee: iam.IGrantable): iam.Grant {
    this.grantees.push(grantee);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [CONTROL_PLANE_STATEMENT.Action],
      resourceArns: [CONTROL_PLANE_STATEMENT.Resource],
    });
  }
}

const mesh = { meshName: 'colors' };
const blue = { virtualNodeName: 'blue', mesh };

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function newStack(): Stack {
  // Each app synthesizes into a folder of its own, removed afterwards (the EKS one holds 25 MB of layers).
  const outdir = mkdtempSync(join(tmpdir(), 'tessera-sidecar-test-'));
  outdirs.push(outdir);
  // No bundling (nothing of ours bundles, but the EKS handlers would).
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

function fargateTask(stack: Stack): ecs.FargateTaskDefinition {
  const task = new ecs.FargateTaskDefinition(stack, 'Task', { cpu: 256, memoryLimitMiB: 512 });
  task.addContainer('App', {
    containerName: 'app',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/blue:1'),
    portMappings: [{ containerPort: 8080 }],
  });
  return task;
}

/** A container definition as CloudFormation has it. */
interface ContainerJson {
  readonly Name: string;
  readonly Environment: ReadonlyArray<{ readonly Name: string; readonly Value: unknown }>;
  readonly PortMappings: ReadonlyArray<{ readonly ContainerPort: number }>;
  readonly [property: string]: unknown;
}

function containers(template: Template): ContainerJson[] {
  const defs = template.findResources('AWS::ECS::TaskDefinition');
  return Object.values(defs)[0]!.Properties.ContainerDefinitions;
}

function byName(list: ContainerJson[], name: string): ContainerJson {
  const found = list.find((c) => c.Name === name);
  if (found === undefined) throw new Error(`no container ${name}`);
  return found;
}

function envOf(container: ContainerJson): Record<string, unknown> {
  return Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]));
}

/** Every statement of every IAM policy in the template, by the policy's logical id. */
function policies(template: Template): Record<string, unknown[]> {
  const found = template.findResources('AWS::IAM::Policy');
  return Object.fromEntries(
    Object.entries(found).map(([id, p]) => [id, p.Properties.PolicyDocument.Statement as unknown[]]),
  );
}

describe('EcsSidecar', () => {
  it('adds the proxy to a Fargate task with EMF metrics, no tracing and the control plane grant only', () => {
    const stack = newStack();
    const task = fargateTask(stack);
    const controlPlane = new FakeControlPlane();
    const sidecar = new EcsSidecar(stack, 'Proxy', { taskDefinition: task, controlPlane, virtualNode: blue });
    const template = Template.fromStack(stack);

    const all = containers(template);
    expect(all.map((c) => c.Name)).toEqual(['app', 'tessera-proxy']);
    const proxy = byName(all, 'tessera-proxy');
    expect(envOf(proxy)).toEqual({
      TESSERA_CONTROL_PLANE: CONTROL_PLANE_URL,
      TESSERA_CONTROL_PLANE_AUTH: 'iam',
      AWS_REGION: 'us-east-1',
      TESSERA_MESH: 'colors',
      TESSERA_VIRTUAL_NODE: 'blue',
      TESSERA_INGRESS_PORT: '15000',
      TESSERA_EGRESS_PORT: '15001',
      TESSERA_ADMIN_PORT: '9901',
      TESSERA_APP_PORT: '8080',
      TESSERA_METRICS: 'emf',
      TESSERA_METRICS_NAMESPACE: 'Tessera',
      TESSERA_TRACING: 'off',
    });
    expect(proxy.PortMappings).toEqual([
      { ContainerPort: 15000, Protocol: 'tcp' },
      { ContainerPort: 15001, Protocol: 'tcp' },
      { ContainerPort: 9901, Protocol: 'tcp' },
    ]);
    expect(proxy.User).toBe('1337');
    expect(proxy.Essential).toBe(true);
    expect(proxy.HealthCheck).toEqual({
      Command: ['CMD', 'node', '-e', READY_CHECK_SCRIPT],
      Interval: 5,
      Timeout: 2,
      Retries: 3,
      StartPeriod: 30,
    });
    expect(proxy.LogConfiguration).toEqual({
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': { Ref: expect.stringMatching(/^ProxyLogs/) },
        'awslogs-stream-prefix': 'proxy',
        'awslogs-region': 'us-east-1',
        mode: 'non-blocking',
        'max-buffer-size': '26214400b',
      },
    });
    // The app waits for the proxy's /ready.
    expect(byName(all, 'app').DependsOn).toEqual([{ Condition: 'HEALTHY', ContainerName: 'tessera-proxy' }]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { ProxyConfiguration: Match.absent() });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });

    // Grants: the control plane's, and nothing for X-Ray or PutMetricData with EMF and no tracing.
    expect(controlPlane.grantees).toEqual([task.taskRole]);
    const statements = Object.values(policies(template)).flat();
    expect(statements).toContainEqual(CONTROL_PLANE_STATEMENT);
    const actions = JSON.stringify(statements);
    expect(actions).not.toContain('xray:');
    expect(actions).not.toContain('cloudwatch:PutMetricData');
    expect(sidecar.xrayDaemon).toBeUndefined();
    expect([sidecar.ingressPort, sidecar.egressPort, sidecar.adminPort]).toEqual([15000, 15001, 9901]);
  }, 60_000);

  it('with a MeshControlPlane, grants the proxy routes of its mesh and binds the task role to the node', () => {
    const stack = newStack();
    const task = fargateTask(stack);
    const controlPlane = MeshControlPlane.fromAttributes(stack, 'ControlPlane', {
      apiId: 'abc123',
      resourceServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:tessera-mesh-resource',
    });
    new EcsSidecar(stack, 'Proxy', { taskDefinition: task, controlPlane, virtualNode: blue });
    const template = Template.fromStack(stack);
    // Behind IAM auth the registry takes a self-registration only from a principal bound to the node.
    const [binding] = Object.values(template.findResources('Custom::TesseraPrincipalBinding'));
    expect(binding!.Properties).toEqual({
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:tessera-mesh-resource',
      MeshName: 'colors',
      VirtualNodeName: 'blue',
      PrincipalArn: { 'Fn::GetAtt': [expect.stringMatching(/^TaskTaskRole/), 'Arn'] },
    });
    const invoke = Object.values(policies(template))
      .flat()
      .find((s) => JSON.stringify(s).includes('execute-api:Invoke')) as { Resource: unknown[] };
    expect(invoke.Resource).toHaveLength(5);
    // Its own mesh's routes, not every mesh's.
    expect(JSON.stringify(invoke.Resource)).toContain(
      'abc123/*/GET/tessera/v1/meshes/colors/virtualNodes/*/snapshot',
    );
    expect(JSON.stringify(invoke.Resource)).not.toContain('/meshes/*/');
    expect(envOf(byName(containers(template), 'tessera-proxy')).TESSERA_CONTROL_PLANE).toEqual({
      'Fn::Join': ['', ['https://abc123.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }]],
    });
  });

  it('stages the proxy image from proxy/Dockerfile at synth, without Docker, and without node_modules', () => {
    const stack = newStack();
    new EcsSidecar(stack, 'Proxy', {
      taskDefinition: fargateTask(stack),
      controlPlane: new FakeControlPlane(),
      virtualNode: blue,
    });
    const assembly = stack.node.root as App;
    const outdir = assembly.synth().directory;
    const manifest = JSON.parse(readFileSync(join(outdir, 'Test.assets.json'), 'utf8'));
    const images = Object.values(manifest.dockerImages) as Array<{
      source: { directory: string; dockerFile: string; platform?: string };
    }>;
    expect(images).toHaveLength(1);
    expect(images[0]!.source.dockerFile).toBe('proxy/Dockerfile');
    // Built for the Fargate task's X86_64, whatever machine runs `cdk deploy`.
    expect(images[0]!.source.platform).toBe('linux/amd64');
    const staged = join(outdir, images[0]!.source.directory);
    expect(existsSync(join(staged, 'proxy/Dockerfile'))).toBe(true);
    expect(existsSync(join(staged, 'proxy/proxy.ts'))).toBe(true);
    expect(existsSync(join(staged, 'package-lock.json'))).toBe(true);
    // The root's .dockerignore: what the build needs, nothing else (no node_modules, dist, test, cdk).
    expect(readdirSync(staged).sort()).toEqual([
      '.dockerignore',
      'cli',
      'control-plane',
      'lambda',
      'package-lock.json',
      'package.json',
      'proxy',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
  });

  it('builds the proxy image for ARM64 when the task runs on ARM64', () => {
    const stack = newStack();
    const task = new ecs.FargateTaskDefinition(stack, 'Task', {
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64 },
    });
    task.addContainer('App', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/blue:1'),
      portMappings: [{ containerPort: 8080 }],
    });
    new EcsSidecar(stack, 'Proxy', {
      taskDefinition: task,
      controlPlane: new FakeControlPlane(),
      virtualNode: blue,
    });
    const outdir = (stack.node.root as App).synth().directory;
    const manifest = JSON.parse(readFileSync(join(outdir, 'Test.assets.json'), 'utf8'));
    const [image] = Object.values(manifest.dockerImages) as Array<{ source: { platform?: string } }>;
    expect(image!.source.platform).toBe('linux/arm64');
  });
  it('adds the X-Ray daemon, PutMetricData for its namespace only, and interception with the proxy UID ignored', () => {
    const stack = newStack();
    const task = fargateTask(stack);
    new EcsSidecar(stack, 'Proxy', {
      taskDefinition: task,
      controlPlane: new FakeControlPlane(),
      virtualNode: { virtualNodeName: 'blue', meshName: 'colors' },
      image: ecs.ContainerImage.fromRegistry('example.com/tessera-proxy:1'),
      metrics: 'cloudwatch',
      metricsNamespace: 'Colors',
      tracing: true,
      samplingRate: 0.2,
      interception: { egressIgnoredPorts: [443, 5432], egressIgnoredIPs: ['10.0.0.2'] },
    });
    const template = Template.fromStack(stack);
    const all = containers(template);
    expect(all.map((c) => c.Name)).toEqual(['app', 'xray-daemon', 'tessera-proxy']);
    const proxy = byName(all, 'tessera-proxy');
    expect(proxy.Image).toBe('example.com/tessera-proxy:1');
    expect(envOf(proxy)).toMatchObject({
      TESSERA_METRICS: 'cloudwatch',
      TESSERA_METRICS_NAMESPACE: 'Colors',
      TESSERA_TRACING: 'xray',
      TESSERA_SAMPLING_RATE: '0.2',
      AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    });
    expect(proxy.DependsOn).toEqual([{ Condition: 'START', ContainerName: 'xray-daemon' }]);
    const daemon = byName(all, 'xray-daemon');
    expect(daemon).toMatchObject({
      Image: 'public.ecr.aws/xray/aws-xray-daemon:latest',
      Essential: false,
      User: '1337',
      PortMappings: [{ ContainerPort: 2000, Protocol: 'udp' }],
    });

    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ProxyConfiguration: {
        Type: 'APPMESH',
        ContainerName: 'tessera-proxy',
        ProxyConfigurationProperties: Match.arrayEquals([
          { Name: 'IgnoredUID', Value: '1337' },
          { Name: 'AppPorts', Value: '8080' },
          { Name: 'ProxyIngressPort', Value: '15000' },
          { Name: 'ProxyEgressPort', Value: '15001' },
          { Name: 'EgressIgnoredPorts', Value: '443,5432' },
          { Name: 'EgressIgnoredIPs', Value: '169.254.170.2,169.254.169.254,10.0.0.2' },
        ]),
      },
    });

    const found = policies(template);
    const telemetry = Object.entries(found).find(([id]) => id.startsWith('ProxyTelemetryPolicy'));
    expect(telemetry?.[1]).toEqual([
      { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
      {
        Action: 'cloudwatch:PutMetricData',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Colors' } },
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
    const policy = template.findResources('AWS::IAM::Policy')[telemetry![0]]!;
    expect(policy.Properties.Roles).toEqual([
      { Ref: stack.getLogicalId(task.taskRole.node.defaultChild as iam.CfnRole) },
    ]);
    expect(policy.Metadata.cdk_nag.rules_to_suppress[0]).toMatchObject({
      id: 'AwsSolutions-IAM5',
      applies_to: ['Resource::*'],
    });
  });

  it('grants X-Ray alone when tracing with EMF metrics, and PutMetricData alone for the cloudwatch exporter', () => {
    for (const [options, expected] of [
      [{ tracing: true }, ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']],
      [{ metrics: 'cloudwatch' as const }, 'cloudwatch:PutMetricData'],
    ] as const) {
      const stack = newStack();
      new EcsSidecar(stack, 'Proxy', {
        taskDefinition: fargateTask(stack),
        controlPlane: new FakeControlPlane(),
        virtualNode: blue,
        image: ecs.ContainerImage.fromRegistry('example.com/tessera-proxy:1'),
        ...options,
      });
      const found = Object.entries(policies(Template.fromStack(stack)));
      const telemetry = found.filter(([id]) => id.startsWith('ProxyTelemetryPolicy')).flatMap(([, s]) => s);
      expect(telemetry.map((s) => (s as { Action: unknown }).Action)).toEqual([expected]);
    }
  });

  it('runs a virtual gateway alone: no egress port, no app to hold back', () => {
    const stack = newStack();
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    new EcsSidecar(stack, 'Gateway', {
      taskDefinition: task,
      controlPlane: new FakeControlPlane(),
      virtualGateway: { virtualGatewayName: 'ingress', meshName: 'colors' },
      image: ecs.ContainerImage.fromRegistry('example.com/tessera-proxy:1'),
      ingressPort: 8080,
    });
    const proxy = byName(containers(Template.fromStack(stack)), 'tessera-proxy');
    const env = envOf(proxy);
    expect(env).toMatchObject({ TESSERA_VIRTUAL_GATEWAY: 'ingress', TESSERA_INGRESS_PORT: '8080' });
    expect(env).not.toHaveProperty('TESSERA_VIRTUAL_NODE');
    expect(env).not.toHaveProperty('TESSERA_EGRESS_PORT');
    expect(env).not.toHaveProperty('TESSERA_APP_PORT');
    expect(proxy.PortMappings.map((p) => p.ContainerPort)).toEqual([8080, 9901]);
    expect(task.defaultContainer?.containerName).toBe('tessera-proxy');
  });

  it('warns on bridge networking and refuses interception there', () => {
    const stack = newStack();
    const task = new ecs.Ec2TaskDefinition(stack, 'Task', { networkMode: ecs.NetworkMode.BRIDGE });
    task.addContainer('App', {
      image: ecs.ContainerImage.fromRegistry('example.com/app:1'),
      memoryLimitMiB: 256,
      portMappings: [{ containerPort: 8080 }],
    });
    const options = {
      taskDefinition: task,
      controlPlane: new FakeControlPlane(),
      virtualNode: blue,
      image: ecs.ContainerImage.fromRegistry('example.com/tessera-proxy:1'),
    };
    new EcsSidecar(stack, 'Proxy', options);
    Annotations.fromStack(stack).hasWarning(
      '/Test/Proxy',
      Match.stringLikeRegexp('expects the awsvpc network mode'),
    );
    const other = new ecs.Ec2TaskDefinition(stack, 'Other', { networkMode: ecs.NetworkMode.BRIDGE });
    other.addContainer('App', {
      image: options.image,
      memoryLimitMiB: 256,
      portMappings: [{ containerPort: 8080 }],
    });
    expect(
      () => new EcsSidecar(stack, 'Again', { ...options, taskDefinition: other, interception: true }),
    ).toThrow(/interception needs the awsvpc network mode, got bridge/);
  });

  it('reports every bad option at once, and refuses to become the default container', () => {
    const stack = newStack();
    expect(
      () =>
        new EcsSidecar(stack, 'Bad', {
          taskDefinition: fargateTask(stack),
          controlPlane: new FakeControlPlane(),
          virtualNode: blue,
          image: ecs.ContainerImage.fromRegistry('example.com/tessera-proxy:1'),
          egressPort: 15000,
          adminPort: 70000,
          samplingRate: 2,
        }),
    ).toThrow(
      'Test/Bad: invalid Tessera proxy options:\n' +
        '  egressPort: must not reuse port 15000, which ingressPort already takes\n' +
        '  adminPort: must be an integer between 1 and 65535, got 70000\n' +
        '  samplingRate: must be between 0 and 1, got 2',
    );
    expect(
      () =>
        new EcsSidecar(stack, 'Empty', {
          taskDefinition: new ecs.FargateTaskDefinition(stack, 'EmptyTask'),
          controlPlane: new FakeControlPlane(),
          virtualNode: blue,
        }),
    ).toThrow(/add the app's container to the task definition before the proxy/);
  });
});

describe('EksWorkload', () => {
  function eksCluster(stack: Stack): eks.Cluster {
    // A kubectl layer from a local folder: synth needs no Docker and no download.
    const layerDir = mkdtempSync(join(tmpdir(), 'kubectl-layer-'));
    outdirs.push(layerDir);
    writeFileSync(join(layerDir, 'README'), 'placeholder');
    return new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: new lambda.LayerVersion(stack, 'Kubectl', { code: lambda.Code.fromAsset(layerDir) }),
      defaultCapacity: 0,
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }),
    });
  }

  it('builds the proxy image for the nodes’ architecture: amd64 unless told arm64', () => {
    const stack = newStack();
    const cluster = eksCluster(stack);
    const common = { cluster, controlPlane: new FakeControlPlane(), image: 'public.ecr.aws/example/blue:1' };
    new EksWorkload(stack, 'Blue', { ...common, name: 'blue', virtualNode: blue });
    new EksWorkload(stack, 'Green', {
      ...common,
      name: 'green',
      virtualNode: { virtualNodeName: 'green', mesh },
      proxyImagePlatform: Platform.LINUX_ARM64,
    });
    const outdir = (stack.node.root as App).synth().directory;
    const manifest = JSON.parse(readFileSync(join(outdir, 'Test.assets.json'), 'utf8'));
    const platforms = Object.values(manifest.dockerImages).map(
      (image) => (image as { source: { platform?: string } }).source.platform,
    );
    expect(platforms.sort()).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('emits the Deployment with the proxy as a native sidecar, the Service through it, and an IRSA role with the grants', () => {
    const stack = newStack();
    // A kubectl layer from a local folder: synth needs no Docker and no download.
    const layerDir = mkdtempSync(join(tmpdir(), 'kubectl-layer-'));
    outdirs.push(layerDir);
    writeFileSync(join(layerDir, 'README'), 'placeholder');
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: new lambda.LayerVersion(stack, 'Kubectl', { code: lambda.Code.fromAsset(layerDir) }),
      defaultCapacity: 0,
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }),
    });
    const controlPlane = new FakeControlPlane();
    const workload = new EksWorkload(stack, 'Blue', {
      cluster,
      name: 'blue',
      namespace: 'colors',
      image: 'public.ecr.aws/example/blue:1',
      appPort: 8080,
      replicas: 3,
      controlPlane,
      virtualNode: blue,
      proxyImage: 'example.com/tessera-proxy:1',
      tracing: true,
    });
    const gateway = new EksWorkload(stack, 'Edge', {
      cluster,
      name: 'edge',
      controlPlane: new FakeControlPlane(),
      virtualGateway: { virtualGatewayName: 'edge', meshName: 'colors' },
      proxyImage: 'example.com/tessera-proxy:1',
      ingressPort: 8443,
    });
    expect(
      () => new EksWorkload(stack, 'NoApp', { cluster, name: 'x', controlPlane, virtualNode: blue }),
    ).toThrow(/image is required beside a virtual node/);
    const template = Template.fromStack(stack);
    const [deployment, service] = stack.resolve(workload.manifests);

    expect(deployment.metadata).toMatchObject({ name: 'blue', namespace: 'colors', labels: { app: 'blue' } });
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'blue' } });
    expect(deployment.spec.replicas).toBe(3);
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('blue');
    expect(pod.containers).toEqual([
      { name: 'app', image: 'public.ecr.aws/example/blue:1', ports: [{ name: 'app', containerPort: 8080 }] },
    ]);
    expect(pod.initContainers.map((c: { name: string }) => c.name)).toEqual(['xray-daemon', 'tessera-proxy']);
    const proxy = pod.initContainers[1];
    expect(proxy.image).toBe('example.com/tessera-proxy:1');
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.securityContext).toMatchObject({ runAsUser: 1337, runAsNonRoot: true });
    expect(proxy.env).toEqual(
      expect.arrayContaining([
        { name: 'TESSERA_CONTROL_PLANE', value: CONTROL_PLANE_URL },
        { name: 'TESSERA_CONTROL_PLANE_AUTH', value: 'iam' },
        { name: 'AWS_REGION', value: 'us-east-1' },
        { name: 'TESSERA_MESH', value: 'colors' },
        { name: 'TESSERA_VIRTUAL_NODE', value: 'blue' },
        { name: 'TESSERA_APP_PORT', value: '8080' },
        { name: 'TESSERA_TRACING', value: 'xray' },
        { name: 'AWS_XRAY_DAEMON_ADDRESS', value: '127.0.0.1:2000' },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        {
          name: 'NODE_ZONE',
          valueFrom: { fieldRef: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" } },
        },
      ]),
    );
    const probe = { exec: { command: ['node', '-e', READY_CHECK_SCRIPT] } };
    expect(proxy.readinessProbe).toMatchObject(probe);
    expect(proxy.startupProbe).toMatchObject(probe);
    expect(service.spec).toEqual({
      selector: { app: 'blue' },
      ports: [{ name: 'http', port: 8080, targetPort: 'mesh-ingress', protocol: 'TCP' }],
    });

    // Applied by the cluster's kubectl provider, after the service account exists.
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const applied = Object.entries(manifests).find(([id]) => id.startsWith('BlueManifest'));
    expect(applied?.[1].DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/^BlueServiceAccount/)]),
    );

    // The service account's role: IRSA trust, the control plane grant and X-Ray.
    expect(controlPlane.grantees).toEqual([workload.serviceAccount.role]);
    const roleId = stack.getLogicalId(workload.serviceAccount.role.node.defaultChild as iam.CfnRole);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity' })],
      },
    });
    const rolePolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    const statements = rolePolicies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(
      expect.arrayContaining([
        CONTROL_PLANE_STATEMENT,
        { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
      ]),
    );
    expect(JSON.stringify(statements)).not.toContain('cloudwatch:PutMetricData');

    // A gateway: the proxy is the pod's only container, and its Service answers on the listener port.
    const [edge, edgeService] = stack.resolve(gateway.manifests);
    const edgePod = edge.spec.template.spec;
    expect(edgePod.initContainers).toBeUndefined();
    expect(edgePod.containers.map((c: { name: string }) => c.name)).toEqual(['tessera-proxy']);
    expect(edgePod.containers[0].restartPolicy).toBeUndefined();
    expect(edgePod.containers[0].startupProbe).toBeUndefined();
    expect(edgePod.containers[0].env).toContainEqual({ name: 'TESSERA_VIRTUAL_GATEWAY', value: 'edge' });
    expect(edgeService.spec.ports).toEqual([
      { name: 'http', port: 8443, targetPort: 'mesh-ingress', protocol: 'TCP' },
    ]);
  }, 60_000);
});

describe('sidecar constants', () => {
  it("equal the proxy's ports, sampling rate and variable names", () => {
    expect(DEFAULT_PROXY_INGRESS_PORT).toBe(proxyConstants.DEFAULT_INGRESS_PORT);
    expect(DEFAULT_PROXY_EGRESS_PORT).toBe(proxyConstants.DEFAULT_EGRESS_PORT);
    expect(DEFAULT_PROXY_ADMIN_PORT).toBe(proxyConstants.DEFAULT_ADMIN_PORT);
    expect(DEFAULT_PROXY_SAMPLING_RATE).toBe(proxyConstants.DEFAULT_SAMPLING_RATE);
    const proxyVariables = new Set(Object.values(SETTINGS).map(([, variable]) => variable));
    for (const [key, variable] of Object.entries(PROXY_ENV)) {
      if (key === 'xrayDaemonAddress') continue;
      expect(proxyVariables, key).toContain(variable);
    }
  });

  it('READY_CHECK_SCRIPT exits 0 only when /ready answers 200 on TESSERA_ADMIN_PORT', async () => {
    let status = 503;
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/ready' ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const check = () =>
      new Promise<number>((resolve) => {
        execFile(
          process.execPath,
          ['-e', READY_CHECK_SCRIPT],
          { env: { TESSERA_ADMIN_PORT: String(port) } },
          (error) => resolve(error === null ? 0 : Number(error.code)),
        );
      });
    try {
      expect(await check()).toBe(1);
      status = 200;
      expect(await check()).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Nothing listening: a failure, not a hang.
    expect(await check()).toBe(1);
  });

  it("match the Dockerfile's health check", () => {
    const dockerfile = readFileSync(new URL('../../../proxy/Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toContain(`CMD ["node", "-e", "${READY_CHECK_SCRIPT}"]`);
    expect(dockerfile).toContain(
      'ENTRYPOINT ["node", "--max-semi-space-size=2", "--single-threaded-gc", "dist/cli/tessera.js", "proxy"]',
    );
    expect(dockerfile).toMatch(/useradd --uid 1337 /);
  });
});
