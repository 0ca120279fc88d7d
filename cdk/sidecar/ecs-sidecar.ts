// Adds the Tessera proxy to an ECS task definition (Fargate or EC2) in one call: the container, its
// environment, ports and health check, the app waiting for it, optional transparent interception, logs
// for EMF, an optional X-Ray daemon and the task role's grants.

import { Annotations, Duration, IgnoreMode, Size, Stack } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  DEFAULT_EGRESS_IGNORED_IPS,
  DEFAULT_EGRESS_IGNORED_PORTS,
  PROXY_CONTAINER_NAME,
  PROXY_UID,
  READY_CHECK_SCRIPT,
  XRAY_DAEMON_CONTAINER_NAME,
  XRAY_DAEMON_IMAGE,
  XRAY_DAEMON_PORT,
} from './constants.js';
import { PROXY_DOCKERFILE, proxyImageContext } from './private/proxy-image.js';
import { grantProxyPermissions, proxyEnvironment, proxySettings } from './private/proxy-settings.js';
import type { ProxyOptions } from './shared-interfaces.js';

/** Transparent interception: the task's iptables rules send the app's traffic through the proxy. */
export interface EcsInterceptionOptions {
  /**
   * Outbound ports left alone. The proxy forwards plain HTTP only, so TLS must bypass it.
   * @default [443]
   */
  readonly egressIgnoredPorts?: readonly number[];
  /**
   * Outbound addresses left alone, in addition to the task metadata and credentials endpoints
   * (169.254.170.2, 169.254.169.254), which are always ignored.
   * @default - only those two
   */
  readonly egressIgnoredIPs?: readonly string[];
}

export interface EcsSidecarProps extends ProxyOptions {
  /** The task to add the proxy to. Its app container must already be added (for a virtual node). */
  readonly taskDefinition: ecs.TaskDefinition;
  /**
   * Containers that start only once the proxy is healthy (`/ready`: it has a valid snapshot).
   * @default - the task's default container for a virtual node; none for a virtual gateway
   */
  readonly appContainers?: readonly ecs.ContainerDefinition[];
  /**
   * The port the app serves on: inbound mesh traffic arrives at the proxy's ingress port and is forwarded
   * here. Without one the node takes no inbound traffic (and does not register an endpoint).
   * @default - the first app container's first port mapping, if any
   */
  readonly appPort?: number;
  /**
   * The proxy's image.
   * @default - built from this package's `proxy/Dockerfile` as a Docker image asset (Docker is needed at
   * deploy time, not at synth)
   */
  readonly image?: ecs.ContainerImage;
  /** @default 'tessera-proxy' */
  readonly containerName?: string;
  /** @default 128 */
  readonly memoryReservationMiB?: number;
  /** @default - no CPU units reserved */
  readonly cpu?: number;
  /**
   * Redirect the app's traffic through the proxy with the task's `proxyConfiguration` (App Mesh's
   * `APPMESH` type). Needs the `awsvpc` network mode (Fargate always has it) and a virtual node with an
   * app port. Without it the app calls `http://127.0.0.1:15001` with `Host: <virtual service>`, or uses
   * that address as its `HTTP_PROXY`.
   * @default - no interception
   */
  readonly interception?: EcsInterceptionOptions | boolean;
  /**
   * Where the proxy's (and the X-Ray daemon's) output goes. The proxy writes EMF metrics to stdout, so
   * keep a driver that reaches CloudWatch Logs when `metrics` is `emf`.
   * @default - the awslogs driver, non-blocking, into a new log group kept `logRetention`
   */
  readonly logging?: ecs.LogDriver;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/** The Tessera proxy beside an app in an ECS task, as App Mesh's Envoy sidecar was. */
export class EcsSidecar extends Construct {
  /** The proxy's container. */
  readonly container: ecs.ContainerDefinition;
  /** The X-Ray daemon's container, when tracing. */
  readonly xrayDaemon?: ecs.ContainerDefinition;
  /** The log group of the default log driver (absent when `logging` was given). */
  readonly logGroup?: logs.ILogGroup;
  readonly ingressPort: number;
  readonly egressPort: number;
  readonly adminPort: number;

  constructor(scope: Construct, id: string, props: EcsSidecarProps) {
    super(scope, id);
    const task = props.taskDefinition;
    const isNode = props.virtualNode !== undefined;
    const appContainers =
      props.appContainers ?? (isNode && task.defaultContainer ? [task.defaultContainer] : []);
    if (isNode && appContainers.length === 0) {
      throw new Error(
        `${this.node.path}: add the app's container to the task definition before the proxy, or pass appContainers (otherwise the proxy would become the task's default container)`,
      );
    }
    const appPort = props.appPort ?? (isNode ? appContainers[0]?.portMappings[0]?.containerPort : undefined);
    const settings = proxySettings(this, props, appPort);
    this.ingressPort = settings.ingressPort;
    this.egressPort = settings.egressPort;
    this.adminPort = settings.adminPort;

    if (task.networkMode !== ecs.NetworkMode.AWS_VPC) {
      // In bridge mode each container has its own loopback: the app cannot reach 127.0.0.1:egress, and
      // the address in the task metadata is not one other tasks can dial.
      Annotations.of(this).addWarningV2(
        '@tessera/sidecar:networkMode',
        `the Tessera proxy expects the awsvpc network mode (got ${task.networkMode}): the app reaches the proxy on 127.0.0.1 and the proxy registers the task's own address`,
      );
    }

    if (props.logging === undefined) {
      this.logGroup = new logs.LogGroup(this, 'Logs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      });
    }
    const logging = (streamPrefix: string) =>
      props.logging ??
      ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup!,
        streamPrefix,
        // A slow CloudWatch Logs must never stall the proxy's stdout and with it the data path.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      });

    if (settings.tracing) {
      this.xrayDaemon = new ecs.ContainerDefinition(this, 'XRayDaemon', {
        taskDefinition: task,
        containerName: XRAY_DAEMON_CONTAINER_NAME,
        image: ecs.ContainerImage.fromRegistry(props.xrayDaemonImage ?? XRAY_DAEMON_IMAGE),
        // Not essential: losing traces must not take the task down.
        essential: false,
        // The proxy's UID, so that interception lets the daemon reach X-Ray directly.
        user: String(PROXY_UID),
        memoryReservationMiB: 32,
        portMappings: [{ containerPort: XRAY_DAEMON_PORT, protocol: ecs.Protocol.UDP }],
        environment: { AWS_REGION: Stack.of(this).region },
        logging: logging('xray'),
      });
    }

    const image =
      props.image ??
      (() => {
        const context = proxyImageContext();
        if (context === undefined) {
          throw new Error(
            `${this.node.path}: ${PROXY_DOCKERFILE} was not found above this package; pass image`,
          );
        }
        // The root's .dockerignore keeps the context (and the staged asset) to the sources the build needs.
        const platform = assetPlatform(task);
        return ecs.ContainerImage.fromAsset(context, {
          file: PROXY_DOCKERFILE,
          ignoreMode: IgnoreMode.DOCKER,
          ...(platform !== undefined ? { platform } : {}),
        });
      })();

    this.container = new ecs.ContainerDefinition(this, 'Container', {
      taskDefinition: task,
      containerName: props.containerName ?? PROXY_CONTAINER_NAME,
      image,
      // The task is replaced when its proxy dies, as with App Mesh's Envoy: the app has no way out without it.
      essential: true,
      user: String(PROXY_UID),
      memoryReservationMiB: props.memoryReservationMiB ?? 128,
      ...(props.cpu !== undefined ? { cpu: props.cpu } : {}),
      environment: proxyEnvironment(this, props, settings, {
        ...(appPort !== undefined ? { appPort } : {}),
        ...(settings.tracing ? { xrayDaemonHost: '127.0.0.1' } : {}),
      }),
      portMappings: [
        { containerPort: settings.ingressPort, protocol: ecs.Protocol.TCP },
        ...(isNode ? [{ containerPort: settings.egressPort, protocol: ecs.Protocol.TCP }] : []),
        { containerPort: settings.adminPort, protocol: ecs.Protocol.TCP },
      ],
      healthCheck: {
        command: ['CMD', 'node', '-e', READY_CHECK_SCRIPT],
        interval: Duration.seconds(5),
        timeout: Duration.seconds(2),
        retries: 3,
        // The first snapshot may wait on a cold control plane; failures before this do not count.
        startPeriod: Duration.seconds(30),
      },
      // The proxy drains for 20 s on SIGTERM; ECS stops it after the app (which depends on it).
      stopTimeout: Duration.seconds(30),
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 65535, hardLimit: 65535 }],
      logging: logging('proxy'),
    });
    if (props.image === undefined && task.executionRole !== undefined) {
      // Pulling the asset image from the bootstrap ECR repository needs an authorization token.
      NagSuppressions.addResourceSuppressions(
        task.executionRole,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              "ecr:GetAuthorizationToken (to pull the Tessera proxy image asset) has no resource-level permissions; the image pull itself is limited to the asset's repository.",
            appliesTo: ['Resource::*'],
          },
        ],
        true,
      );
    }
    if (this.xrayDaemon !== undefined) {
      this.container.addContainerDependencies({
        container: this.xrayDaemon,
        condition: ecs.ContainerDependencyCondition.START,
      });
    }
    for (const app of appContainers) {
      app.addContainerDependencies({
        container: this.container,
        condition: ecs.ContainerDependencyCondition.HEALTHY,
      });
    }

    if (props.interception !== undefined && props.interception !== false) {
      this.#intercept(task, props.interception === true ? {} : props.interception, appPort, isNode);
    }

    grantProxyPermissions(this, task.taskRole, props, settings);
  }

  /**
   * Sets the task's `proxyConfiguration`. The task definition takes it only as a constructor prop, so it is
   * set on the CloudFormation resource; CDK's own check (awsvpc only) is repeated here.
   */
  #intercept(
    task: ecs.TaskDefinition,
    options: EcsInterceptionOptions,
    appPort: number | undefined,
    isNode: boolean,
  ): void {
    const problems: string[] = [];
    if (task.networkMode !== ecs.NetworkMode.AWS_VPC) {
      problems.push(`needs the awsvpc network mode, got ${task.networkMode}`);
    }
    if (!isNode) problems.push('applies to a virtual node beside an app, got a virtual gateway');
    if (isNode && appPort === undefined) problems.push('needs an app port (appPort or a port mapping)');
    const cfn = task.node.defaultChild as ecs.CfnTaskDefinition;
    if (cfn.proxyConfiguration !== undefined)
      problems.push('the task definition already has a proxyConfiguration');
    if (problems.length > 0) {
      throw new Error(`${this.node.path}: interception ${problems.join('; ')}`);
    }
    cfn.proxyConfiguration = ecs.ProxyConfigurations.appMeshProxyConfiguration({
      containerName: this.container.containerName,
      properties: {
        ignoredUID: PROXY_UID,
        appPorts: [appPort!],
        proxyIngressPort: this.ingressPort,
        proxyEgressPort: this.egressPort,
        egressIgnoredPorts: [...(options.egressIgnoredPorts ?? DEFAULT_EGRESS_IGNORED_PORTS)],
        egressIgnoredIPs: [...new Set([...DEFAULT_EGRESS_IGNORED_IPS, ...(options.egressIgnoredIPs ?? [])])],
      },
    }).bind(this, task);
  }
}

/**
 * The proxy image's platform: the task's CPU architecture, whatever machine runs `cdk deploy` (an arm64
 * laptop would otherwise build an image an X86_64 Fargate task cannot run). Fargate tasks without a
 * runtime platform run X86_64; for EC2 tasks the instances decide, so the builder's platform is kept.
 */
function assetPlatform(task: ecs.TaskDefinition): Platform | undefined {
  const runtime = (task.node.defaultChild as ecs.CfnTaskDefinition).runtimePlatform as
    | ecs.CfnTaskDefinition.RuntimePlatformProperty
    | undefined;
  if (runtime?.cpuArchitecture === 'ARM64') return Platform.LINUX_ARM64;
  if (runtime?.cpuArchitecture !== undefined || task.isFargateCompatible) return Platform.LINUX_AMD64;
  return undefined;
}
