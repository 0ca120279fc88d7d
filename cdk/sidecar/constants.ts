// Defaults of the sidecar constructs, in one place. Ports and variable names copy the proxy's own
// (`proxy/config/constants.ts`, `proxy/config/resolve-proxy-config.ts`); cdk/ may not import proxy/, so
// test/cdk/sidecar/sidecar.test.ts checks that the copies agree.

/** The proxy's inbound port; App Mesh's `ProxyIngressPort`. */
export const DEFAULT_PROXY_INGRESS_PORT = 15000;
/** The port the app sends outbound requests to (loopback); App Mesh's `ProxyEgressPort`. */
export const DEFAULT_PROXY_EGRESS_PORT = 15001;
/** The admin port (`/ready`, `/stats`, …); it listens on 127.0.0.1 only. */
export const DEFAULT_PROXY_ADMIN_PORT = 9901;
/** The proxy's default sampling rate after the first request each second (X-Ray's default rule). */
export const DEFAULT_PROXY_SAMPLING_RATE = 0.05;

/**
 * The proxy image runs as this user (`proxy/Dockerfile`), and so does the X-Ray daemon, so that
 * transparent interception can tell their traffic from the app's: the UID App Mesh's Envoy used.
 */
export const PROXY_UID = 1337;

/** Where the task's credentials (169.254.170.2) and the instance metadata (169.254.169.254) answer. */
export const DEFAULT_EGRESS_IGNORED_IPS: readonly string[] = ['169.254.170.2', '169.254.169.254'];
/**
 * The proxy forwards plain HTTP only; TLS (AWS APIs, most databases' clients on 443) must bypass it or
 * every HTTPS call the app makes would fail.
 */
export const DEFAULT_EGRESS_IGNORED_PORTS: readonly number[] = [443];

/** The X-Ray daemon's image and port (UDP). Pin a version through the `xrayDaemonImage` option. */
export const XRAY_DAEMON_IMAGE = 'public.ecr.aws/xray/aws-xray-daemon:latest';
export const XRAY_DAEMON_PORT = 2000;

/** Container names: the proxy's and the daemon's (App Mesh's sidecar was named `envoy`). */
export const PROXY_CONTAINER_NAME = 'tessera-proxy';
export const XRAY_DAEMON_CONTAINER_NAME = 'xray-daemon';

/**
 * Exits 0 when the proxy's `/ready` answers 200. The image has Node but no curl; the admin port follows
 * `TESSERA_ADMIN_PORT` so that the check and the proxy cannot disagree. Kept in step with the
 * HEALTHCHECK in `proxy/Dockerfile`.
 */
export const READY_CHECK_SCRIPT =
  "fetch('http://127.0.0.1:'+(process.env.TESSERA_ADMIN_PORT||9901)+'/ready',{signal:AbortSignal.timeout(1500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";

/** The proxy's environment variables (its `SETTINGS` table and the drop-in identity). */
export const PROXY_ENV = {
  controlPlane: 'TESSERA_CONTROL_PLANE',
  controlPlaneAuth: 'TESSERA_CONTROL_PLANE_AUTH',
  mesh: 'TESSERA_MESH',
  virtualNode: 'TESSERA_VIRTUAL_NODE',
  virtualGateway: 'TESSERA_VIRTUAL_GATEWAY',
  ingressPort: 'TESSERA_INGRESS_PORT',
  egressPort: 'TESSERA_EGRESS_PORT',
  adminPort: 'TESSERA_ADMIN_PORT',
  appPort: 'TESSERA_APP_PORT',
  metrics: 'TESSERA_METRICS',
  metricsNamespace: 'TESSERA_METRICS_NAMESPACE',
  tracing: 'TESSERA_TRACING',
  samplingRate: 'TESSERA_SAMPLING_RATE',
  xrayDaemonAddress: 'AWS_XRAY_DAEMON_ADDRESS',
} as const;
