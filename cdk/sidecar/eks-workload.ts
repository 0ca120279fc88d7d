// An app on an EKS cluster with the Tessera proxy beside it: the Deployment (proxy as a native sidecar),
// the Service, and a service account whose role (IRSA or Pod Identity) has the proxy's grants.

import { IgnoreMode, Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import {
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

/** The named container port Services target: inbound traffic enters the mesh through the proxy. */
const INGRESS_PORT_NAME = 'mesh-ingress';
/** The proxy drains for 20 s on SIGTERM; the pod gets a little more. */
const TERMINATION_GRACE_SECONDS = 30;

export interface EksWorkloadProps extends ProxyOptions {
  readonly cluster: eks.ICluster;
  /** The Deployment's, Service's and service account's name, and the pods' `app` label. */
  readonly name: string;
  /** The namespace (it must exist). @default 'default' */
  readonly namespace?: string;
  /** The app's image: required beside a virtual node, not allowed for a virtual gateway. @default - none */
  readonly image?: string;
  /**
   * The port the app serves on. The proxy forwards inbound mesh traffic to it, and the Service's port of
   * that number targets the proxy's ingress port. Without it: no Service and no inbound traffic.
   * @default - none
   */
  readonly appPort?: number;
  /** @default 2 */
  readonly replicas?: number;
  /** The app container's environment. @default - none */
  readonly appEnvironment?: Readonly<Record<string, string>>;
  /**
   * The proxy's image.
   * @default - built from this package's `proxy/Dockerfile` as a Docker image asset
   */
  readonly proxyImage?: string;
  /**
   * The CPU architecture the proxy image (built from `proxy/Dockerfile`) is built for: that of the nodes
   * the pods run on, whatever machine runs `cdk deploy`.
   * @default linux/amd64 (EKS node groups' default); `Platform.LINUX_ARM64` for Graviton nodes
   */
  readonly proxyImagePlatform?: ecrAssets.Platform;
  /** How the pods get the role's credentials. @default IRSA */
  readonly identityType?: eks.IdentityType;
}

/**
 * A Deployment and Service with the proxy added, and the role it signs with.
 *
 * The proxy runs as a native sidecar (an init container with `restartPolicy: Always`, Kubernetes 1.29 or
 * later): it starts first, the app starts only once its startup probe sees `/ready`, and it stops after
 * the app. There is no transparent interception on EKS here: the app calls `http://127.0.0.1:15001` with
 * `Host: <virtual service>`, or uses it as `HTTP_PROXY`.
 */
export class EksWorkload extends Construct {
  readonly serviceAccount: eks.ServiceAccount;
  readonly manifest: eks.KubernetesManifest;
  /** The Deployment, Service (when there is an app port) as applied. */
  readonly manifests: readonly Record<string, unknown>[];

  constructor(scope: Construct, id: string, props: EksWorkloadProps) {
    super(scope, id);
    const settings = proxySettings(this, props, props.appPort);
    const isNode = settings.identity.kind === 'virtualNode';
    if (isNode && props.image === undefined) {
      throw new Error(`${this.node.path}: image is required beside a virtual node (the app's image)`);
    }
    if (!isNode && (props.image !== undefined || props.appPort !== undefined)) {
      throw new Error(
        `${this.node.path}: image and appPort must not be set for a virtual gateway (it has no app)`,
      );
    }
    const namespace = props.namespace ?? 'default';
    // A new object each time: KubernetesManifest adds its prune label to each manifest's metadata.labels,
    // which must not leak into the selectors.
    const labels = () => ({ app: props.name });

    this.serviceAccount = new eks.ServiceAccount(this, 'ServiceAccount', {
      cluster: props.cluster,
      name: props.name,
      namespace,
      ...(props.identityType !== undefined ? { identityType: props.identityType } : {}),
    });
    grantProxyPermissions(this, this.serviceAccount.role, props, settings);

    const env = proxyEnvironment(this, props, settings, {
      ...(props.appPort !== undefined ? { appPort: props.appPort } : {}),
      ...(settings.tracing ? { xrayDaemonHost: '127.0.0.1' } : {}),
    });
    const exec = { command: ['node', '-e', READY_CHECK_SCRIPT] };
    // Pods share one network namespace: the app reaches the proxy, and the proxy the daemon, on 127.0.0.1.
    const nonRoot = {
      runAsUser: PROXY_UID,
      runAsGroup: PROXY_UID,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    };
    const proxy = {
      name: PROXY_CONTAINER_NAME,
      image: props.proxyImage ?? this.#assetImage(props.proxyImagePlatform ?? ecrAssets.Platform.LINUX_AMD64),
      ...(isNode ? { restartPolicy: 'Always' } : {}),
      securityContext: nonRoot,
      env: [
        ...Object.entries(env).map(([name, value]) => ({ name, value })),
        // The proxy advertises the pod's address and names its endpoint after the pod.
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        // Set where the PodTopologyLabels admission copies the node's zone onto the pod (Kubernetes 1.33+);
        // empty (and ignored by the proxy) elsewhere.
        {
          name: 'NODE_ZONE',
          valueFrom: { fieldRef: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" } },
        },
      ],
      ports: [{ name: INGRESS_PORT_NAME, containerPort: settings.ingressPort, protocol: 'TCP' }],
      // The admin port listens on 127.0.0.1, out of the kubelet's reach: the probes run inside the container.
      // Beside an app: the app starts once this passes (up to 5 minutes for a first snapshot).
      ...(isNode
        ? { startupProbe: { exec, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 150 } }
        : {}),
      readinessProbe: { exec, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    };
    const daemon = settings.tracing
      ? [
          {
            name: XRAY_DAEMON_CONTAINER_NAME,
            image: props.xrayDaemonImage ?? XRAY_DAEMON_IMAGE,
            restartPolicy: 'Always',
            securityContext: nonRoot,
            env: [{ name: 'AWS_REGION', value: Stack.of(this).region }],
            ports: [{ containerPort: XRAY_DAEMON_PORT, protocol: 'UDP' }],
            resources: { requests: { cpu: '10m', memory: '32Mi' } },
          },
        ]
      : [];
    const app = isNode && {
      name: 'app',
      image: props.image,
      ...(props.appPort !== undefined ? { ports: [{ name: 'app', containerPort: props.appPort }] } : {}),
      ...(props.appEnvironment !== undefined
        ? { env: Object.entries(props.appEnvironment).map(([name, value]) => ({ name, value })) }
        : {}),
    };
    // Beside an app the proxy is a native sidecar, after the daemon so that its first segments have
    // somewhere to go; a gateway's proxy is the pod's main container.
    const podContainers = app
      ? { initContainers: [...daemon, proxy], containers: [app] }
      : { ...(daemon.length > 0 ? { initContainers: daemon } : {}), containers: [proxy] };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: props.name, namespace, labels: labels() },
      spec: {
        replicas: props.replicas ?? 2,
        selector: { matchLabels: labels() },
        template: {
          metadata: { labels: labels() },
          spec: {
            serviceAccountName: this.serviceAccount.serviceAccountName,
            terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
            ...podContainers,
          },
        },
      },
    };
    // A node's Service answers on the app's port; a gateway's on its listener (ingress) port.
    const servicePort = isNode ? props.appPort : settings.ingressPort;
    const service =
      servicePort === undefined
        ? []
        : [
            {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name: props.name, namespace, labels: labels() },
              spec: {
                selector: labels(),
                // Callers outside the mesh enter through the proxy too, as App Mesh's iptables made them.
                ports: [{ name: 'http', port: servicePort, targetPort: INGRESS_PORT_NAME, protocol: 'TCP' }],
              },
            },
          ];
    this.manifests = [deployment, ...service];
    this.manifest = new eks.KubernetesManifest(this, 'Manifest', {
      cluster: props.cluster,
      manifest: [...this.manifests],
    });
    this.manifest.node.addDependency(this.serviceAccount);
  }

  #assetImage(platform: ecrAssets.Platform): string {
    const context = proxyImageContext();
    if (context === undefined) {
      throw new Error(
        `${this.node.path}: ${PROXY_DOCKERFILE} was not found above this package; pass proxyImage`,
      );
    }
    return new ecrAssets.DockerImageAsset(this, 'ProxyImage', {
      directory: context,
      file: PROXY_DOCKERFILE,
      ignoreMode: IgnoreMode.DOCKER,
      platform,
    }).imageUri;
  }
}
