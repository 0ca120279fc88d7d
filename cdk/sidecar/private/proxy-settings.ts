// Turns `ProxyOptions` into the proxy's environment and the grants its role needs; shared by the ECS and
// EKS constructs so that both configure the proxy the same way.

import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { DEFAULT_PROXY_METRICS_NAMESPACE } from '../../metrics/proxy-metrics.js';
import {
  DEFAULT_PROXY_ADMIN_PORT,
  DEFAULT_PROXY_EGRESS_PORT,
  DEFAULT_PROXY_INGRESS_PORT,
  DEFAULT_PROXY_SAMPLING_RATE,
  PROXY_ENV,
  XRAY_DAEMON_PORT,
} from '../constants.js';
import type { ProxyMetricsMode, ProxyOptions } from '../shared-interfaces.js';

export interface ProxySettings {
  readonly mesh: string;
  readonly identity: { readonly kind: 'virtualNode' | 'virtualGateway'; readonly name: string };
  readonly ingressPort: number;
  readonly egressPort: number;
  readonly adminPort: number;
  readonly metrics: ProxyMetricsMode;
  readonly metricsNamespace: string;
  readonly tracing: boolean;
  readonly samplingRate: number;
}

/** The options checked and defaulted; throws one error listing every problem. */
export function proxySettings(scope: Construct, options: ProxyOptions, appPort?: number): ProxySettings {
  const problems: string[] = [];
  const node = options.virtualNode;
  const gateway = options.virtualGateway;
  if ((node === undefined) === (gateway === undefined)) {
    problems.push(
      `virtualNode, virtualGateway: give exactly one, got ${node && gateway ? 'both' : 'neither'}`,
    );
  }
  const ingressPort = options.ingressPort ?? DEFAULT_PROXY_INGRESS_PORT;
  const egressPort = options.egressPort ?? DEFAULT_PROXY_EGRESS_PORT;
  const adminPort = options.adminPort ?? DEFAULT_PROXY_ADMIN_PORT;
  const ports: Array<[string, number | undefined]> = [
    ['ingressPort', ingressPort],
    ['egressPort', egressPort],
    ['adminPort', adminPort],
    ['appPort', appPort],
  ];
  const seen = new Map<number, string>();
  for (const [name, port] of ports) {
    if (port === undefined || Token.isUnresolved(port)) continue;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`${name}: must be an integer between 1 and 65535, got ${port}`);
    } else if (seen.has(port)) {
      problems.push(`${name}: must not reuse port ${port}, which ${seen.get(port)} already takes`);
    } else {
      seen.set(port, name);
    }
  }
  const samplingRate = options.samplingRate ?? DEFAULT_PROXY_SAMPLING_RATE;
  if (!(samplingRate >= 0 && samplingRate <= 1)) {
    problems.push(`samplingRate: must be between 0 and 1, got ${samplingRate}`);
  }
  if (problems.length > 0) {
    throw new Error(`${scope.node.path}: invalid Tessera proxy options:\n  ${problems.join('\n  ')}`);
  }
  const meshOf = (ref: { mesh: { meshName: string } } | { meshName: string }) =>
    'mesh' in ref ? ref.mesh.meshName : ref.meshName;
  return {
    mesh: node !== undefined ? meshOf(node) : meshOf(gateway!),
    identity:
      node !== undefined
        ? { kind: 'virtualNode', name: node.virtualNodeName }
        : { kind: 'virtualGateway', name: gateway!.virtualGatewayName },
    ingressPort,
    egressPort,
    adminPort,
    metrics: options.metrics ?? 'emf',
    metricsNamespace: options.metricsNamespace ?? DEFAULT_PROXY_METRICS_NAMESPACE,
    tracing: options.tracing ?? false,
    samplingRate,
  };
}

/**
 * The proxy's environment. Everything is explicit (not left to the proxy's defaults) so that what runs
 * can be read in the task definition or the pod spec.
 */
export function proxyEnvironment(
  scope: Construct,
  options: ProxyOptions,
  settings: ProxySettings,
  extra: { readonly appPort?: number; readonly xrayDaemonHost?: string },
): Record<string, string> {
  const isNode = settings.identity.kind === 'virtualNode';
  return {
    [PROXY_ENV.controlPlane]: options.controlPlane.endpointUrl,
    // The control plane's front door takes SigV4: the proxy signs with the task's or pod's role.
    [PROXY_ENV.controlPlaneAuth]: 'iam',
    // SigV4 needs the region; ECS on EC2 and EKS do not always set it.
    AWS_REGION: Stack.of(scope).region,
    [PROXY_ENV.mesh]: settings.mesh,
    [isNode ? PROXY_ENV.virtualNode : PROXY_ENV.virtualGateway]: settings.identity.name,
    [PROXY_ENV.ingressPort]: String(settings.ingressPort),
    ...(isNode ? { [PROXY_ENV.egressPort]: String(settings.egressPort) } : {}),
    [PROXY_ENV.adminPort]: String(settings.adminPort),
    ...(extra.appPort !== undefined ? { [PROXY_ENV.appPort]: String(extra.appPort) } : {}),
    [PROXY_ENV.metrics]: settings.metrics,
    ...(settings.metrics !== 'off' ? { [PROXY_ENV.metricsNamespace]: settings.metricsNamespace } : {}),
    [PROXY_ENV.tracing]: settings.tracing ? 'xray' : 'off',
    ...(settings.tracing
      ? {
          [PROXY_ENV.samplingRate]: String(settings.samplingRate),
          ...(extra.xrayDaemonHost !== undefined
            ? { [PROXY_ENV.xrayDaemonAddress]: `${extra.xrayDaemonHost}:${XRAY_DAEMON_PORT}` }
            : {}),
        }
      : {}),
    ...options.environment,
  };
}

/**
 * What the proxy's role may do: the control plane's proxy grant; X-Ray writes only when tracing;
 * PutMetricData only for the `cloudwatch` exporter and only into its namespace (EMF needs nothing here:
 * the log driver writes the lines with the execution role or the node's agent). The X-Ray and CloudWatch
 * statements live in a policy of their own so that their reasoned cdk-nag suppression covers them alone.
 */
export function grantProxyPermissions(
  scope: Construct,
  role: iam.IRole,
  options: ProxyOptions,
  settings: ProxySettings,
): void {
  options.controlPlane.grantProxy(role, { meshName: settings.mesh });
  // The routes carry `*` for the API stage and for the node and endpoint in their paths; the registry
  // itself refuses registrations for nodes the role is not bound to.
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "execute-api:Invoke on the Tessera control plane's proxy routes of this mesh only (snapshots, endpoints, its own registration); the wildcards stand for the API stage and the node and endpoint names in the paths, and the registry accepts registrations only from principals bound to the node.",
        appliesTo: [
          { regex: '/^Resource::arn:<AWS::Partition>:execute-api:.+\\/tessera\\/v1\\/meshes\\/.+$/g' },
        ],
      },
    ],
    true,
  );
  if (settings.identity.kind === 'virtualNode') {
    // A node's proxy registers its own endpoint, which the registry accepts only from a bound principal.
    options.controlPlane.bindPrincipal?.(scope, 'PrincipalBinding', {
      meshName: settings.mesh,
      virtualNodeName: settings.identity.name,
      principal: role,
    });
  }
  const statements: iam.PolicyStatement[] = [];
  if (settings.tracing) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
    );
  }
  if (settings.metrics === 'cloudwatch') {
    statements.push(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': settings.metricsNamespace } },
      }),
    );
  }
  if (statements.length === 0) return;
  const policy = new iam.Policy(scope, 'TelemetryPolicy', { statements, roles: [role] });
  NagSuppressions.addResourceSuppressions(policy, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'xray:PutTraceSegments/PutTelemetryRecords and cloudwatch:PutMetricData have no resource-level permissions; PutMetricData is limited to the proxy namespace by the cloudwatch:namespace condition',
      appliesTo: ['Resource::*'],
    },
  ]);
}
