// The example Tessera app (what `cdk.json` runs through cdk/app.ts): a control plane, and the colors mesh
// on ECS Fargate — `front` calls the `colors.local` virtual service, whose router splits the traffic by
// weight between `blue` and `green` and retries their server errors — with a dashboard of it all.

import { type App, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cloudmap from 'aws-cdk-lib/aws-servicediscovery';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  Backend,
  DEFAULT_PROXY_EGRESS_PORT,
  DEFAULT_PROXY_INGRESS_PORT,
  EcsSidecar,
  HttpRetryEvent,
  Mesh,
  MeshControlPlane,
  MeshDashboard,
  MeshFilterType,
  RouteSpec,
  ServiceDiscovery,
  VirtualNodeListener,
  VirtualRouterListener,
  VirtualService,
  VirtualServiceProvider,
} from './index.js';

/** The stack's settings; `exampleProps` reads them from the CDK context (`cdk deploy -c greenWeight=50`). */
export interface ColorsExampleProps extends StackProps {
  /** @default 'colors' */
  readonly meshName?: string;
  /** The share of `colors.local` requests (0–100) that go to green; blue gets the rest. @default 20 */
  readonly greenWeight?: number;
  /**
   * NAT gateways. With none, tasks run in public subnets with a public IP (reaching ECR, CloudWatch and the
   * control plane needs the internet) and a security group that admits only the mesh's own tasks: no
   * NAT's ~$32 a month per gateway. With 1 or more, tasks run in private subnets behind them.
   * @default 0
   */
  readonly natGateways?: number;
  /**
   * The proxy's image (e.g. one you pushed from `proxy/Dockerfile`).
   * @default - built from `proxy/Dockerfile` by `cdk deploy` (needs Docker then; `cdk synth` does not)
   */
  readonly proxyImage?: string;
}

/** The port every app (and so every virtual node listener and the router) serves on. */
const APP_PORT = 8080;
/** Official Node.js image from ECR Public: the apps are the inline scripts below, nothing is built. */
const NODE_IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim');

/** The settings from context (`-c key=value` gives strings, cdk.json gives JSON values). */
export function exampleProps(app: App): ColorsExampleProps {
  const get = (key: string): unknown => app.node.tryGetContext(key);
  const number = (key: string): number | undefined => (get(key) === undefined ? undefined : Number(get(key)));
  const region = get('region');
  return {
    ...(typeof region === 'string' ? { env: { region } } : {}),
    meshName: (get('meshName') as string | undefined) ?? 'colors',
    greenWeight: number('greenWeight') ?? 20,
    natGateways: number('natGateways') ?? 0,
    ...(typeof get('proxyImage') === 'string' ? { proxyImage: get('proxyImage') as string } : {}),
    description: 'Tessera example: a control plane and the colors mesh on ECS Fargate',
  };
}

export class ColorsExampleStack extends Stack {
  readonly controlPlane: MeshControlPlane;
  readonly mesh: Mesh;
  readonly dashboard: MeshDashboard;

  constructor(scope: Construct, id: string, props: ColorsExampleProps = {}) {
    super(scope, id, props);
    const meshName = props.meshName ?? 'colors';
    const greenWeight = props.greenWeight ?? 20;
    const natGateways = props.natGateways ?? 0;
    const problems = [
      ...(Number.isInteger(greenWeight) && greenWeight >= 0 && greenWeight <= 100
        ? []
        : [`greenWeight: must be an integer between 0 and 100, got ${greenWeight}`]),
      ...(Number.isInteger(natGateways) && natGateways >= 0 && natGateways <= 2
        ? []
        : [`natGateways: must be 0, 1 or 2 (one per AZ at most), got ${natGateways}`]),
    ];
    if (problems.length > 0) throw new Error(`${id}: ${problems.join('; ')}`);

    // Two AZs; rejected traffic goes to a flow log (what explains a blocked call, at a fraction of ALL).
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        ...(natGateways > 0
          ? [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 }]
          : []),
      ],
      flowLogs: {
        Rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH }),
          ),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    // ECS discovery: the running tasks of this cluster become endpoints of the nodes naming their family.
    this.controlPlane = new MeshControlPlane(this, 'ControlPlane', { ecsClusters: [cluster] });
    this.mesh = new Mesh(this, 'Mesh', {
      meshName,
      controlPlane: this.controlPlane,
      egressFilter: MeshFilterType.DROP_ALL,
    });

    // Callers' proxies dial a task at its listener port (redirected to its proxy) or the proxy's ingress.
    const tasks = new ec2.SecurityGroup(this, 'MeshTasks', {
      vpc,
      description: `Tessera ${meshName} mesh tasks: open to each other on the listener and proxy ports only`,
    });
    tasks.addIngressRule(tasks, ec2.Port.tcp(APP_PORT), 'virtual node listeners (redirected to the proxy)');
    tasks.addIngressRule(tasks, ec2.Port.tcp(DEFAULT_PROXY_INGRESS_PORT), 'Tessera proxy ingress');
    // Tessera reads the tasks from ECS itself: Cloud Map only names the nodes' services. An HTTP
    // namespace costs nothing, has no hosted zone, and no instance is registered in it.
    const namespace = new cloudmap.HttpNamespace(this, 'Namespace', { name: `${meshName}.local` });

    const service = (name: string, script: string, env: Record<string, string>, backends: Backend[] = []) => {
      const scope = new Construct(this, name);
      const task = new ecs.FargateTaskDefinition(scope, 'Task', {
        family: `${meshName}-${name}`,
        cpu: 256,
        memoryLimitMiB: 512,
      });
      task.addContainer('App', {
        containerName: 'app',
        image: NODE_IMAGE,
        command: ['node', '-e', script],
        user: 'node',
        environment: { PORT: String(APP_PORT), ...env },
        portMappings: [{ containerPort: APP_PORT }],
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: name, logRetention: logs.RetentionDays.ONE_MONTH }),
      });
      const node = this.mesh.addVirtualNode(name, {
        virtualNodeName: name,
        listeners: [VirtualNodeListener.http({ port: APP_PORT })],
        serviceDiscovery: ServiceDiscovery.cloudMap(namespace.createService(name, { name }), {
          ECS_TASK_DEFINITION_FAMILY: task.family,
        }),
        backends,
      });
      new EcsSidecar(scope, 'Proxy', {
        taskDefinition: task,
        controlPlane: this.controlPlane,
        virtualNode: node,
        // As App Mesh's Envoy: inbound traffic to the app port goes through the proxy.
        interception: true,
        ...(props.proxyImage !== undefined
          ? { image: ecs.ContainerImage.fromRegistry(props.proxyImage) }
          : {}),
      });
      new ecs.FargateService(scope, 'Service', {
        cluster,
        taskDefinition: task,
        desiredCount: 1,
        minHealthyPercent: 100,
        circuitBreaker: { rollback: true },
        securityGroups: [tasks],
        vpcSubnets: {
          subnetType: natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC,
        },
        assignPublicIp: natGateways === 0,
      });
      NagSuppressions.addResourceSuppressions(task, [
        {
          id: 'AwsSolutions-ECS2',
          reason:
            'Plain configuration, nothing secret: the apps take PORT, COLOR and FAIL_RATE; the proxy its control plane URL, mesh, node and ports (TESSERA_*).',
        },
      ]);
      return node;
    };

    const blue = service('blue', COLOR_APP, { COLOR: 'blue' });
    // Green fails 30% of its requests: the route's retries hide most of them (see the dashboard).
    const green = service('green', COLOR_APP, { COLOR: 'green', FAIL_RATE: '0.3' });
    const router = this.mesh.addVirtualRouter('Router', {
      virtualRouterName: 'colors',
      listeners: [VirtualRouterListener.http(APP_PORT)],
    });
    const route = router.addRoute('Paint', {
      routeName: 'paint',
      routeSpec: RouteSpec.http({
        weightedTargets: [
          { virtualNode: blue, weight: 100 - greenWeight },
          { virtualNode: green, weight: greenWeight },
        ],
        retryPolicy: {
          httpRetryEvents: [HttpRetryEvent.SERVER_ERROR],
          retryAttempts: 2,
          retryTimeout: Duration.seconds(1),
        },
      }),
    });
    const colors = new VirtualService(this, 'Colors', {
      virtualServiceName: `${meshName}.local`,
      virtualServiceProvider: VirtualServiceProvider.virtualRouter(router),
    });
    const front = service(
      'front',
      FRONT_APP,
      { SERVICE: colors.virtualServiceName, EGRESS_PORT: String(DEFAULT_PROXY_EGRESS_PORT) },
      [Backend.virtualService(colors)],
    );

    this.dashboard = new MeshDashboard(this, 'Dashboard', {
      meshName,
      virtualNodes: [front, blue, green],
      routes: [{ virtualNode: front, virtualService: colors, route }],
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
    });

    NagSuppressions.addResourceSuppressions(cluster, [
      {
        id: 'AwsSolutions-ECS4',
        reason:
          "The example charts the mesh from the proxies' own metrics (the dashboard); Container Insights would add per-task custom metrics this small demo does not need. Enable containerInsightsV2 in production.",
      },
    ]);
  }
}

/** A color: answers COLOR, or 500 on a FAIL_RATE share of requests. Listens on loopback: only its proxy calls it. */
const COLOR_APP = `
const rate = Number(process.env.FAIL_RATE || 0);
require('node:http').createServer((req, res) => {
  if (Math.random() < rate) res.writeHead(500).end(process.env.COLOR + ' failed\\n');
  else res.end(process.env.COLOR + '\\n');
}).listen(Number(process.env.PORT), '127.0.0.1');`;

/**
 * front: asks SERVICE for a color through its proxy's egress port (plain HTTP, routed by Host) once a
 * second, logging the answer, so the dashboard has traffic without a load balancer; and on every request.
 */
const FRONT_APP = `
const http = require('node:http');
const ask = (done) => http.get(
  { host: '127.0.0.1', port: Number(process.env.EGRESS_PORT), path: '/', headers: { host: process.env.SERVICE } },
  (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => done(res.statusCode, body.trim())); },
).on('error', (e) => done(502, e.message));
setInterval(() => ask((status, color) => console.log(status, color)), 1000);
http.createServer((req, res) => ask((status, color) => res.writeHead(status).end('front -> ' + color + '\\n')))
  .listen(Number(process.env.PORT), '127.0.0.1');`;
