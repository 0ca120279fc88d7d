// The App Mesh client the CLI's resource commands use: `--control-plane URL`, else TESSERA_CONTROL_PLANE,
// else the local default; AWS credentials from the environment when there are some, else dummy ones
// (a local control plane does not check signatures). Also turns the client's errors into plain lines.

import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { ApplyError, formatFileProblem, ResourceFileError } from './resources/errors.js';

/** Where `tessera control-plane` listens by default. */
export const DEFAULT_CONTROL_PLANE_URL = 'http://127.0.0.1:7070';
/** Region for signing when the environment names none; a local control plane accepts any. */
export const DEFAULT_REGION = 'us-east-1';
const CONNECT_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** Errors of the network, not of the API: the control plane was not reached. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

export class ControlPlaneUrlError extends Error {
  override readonly name = 'ControlPlaneUrlError';
}

/** The control plane's base URL: the option, then `TESSERA_CONTROL_PLANE`, then the default. */
export function controlPlaneUrl(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const value = option ?? (env.TESSERA_CONTROL_PLANE || undefined) ?? DEFAULT_CONTROL_PLANE_URL;
  const from =
    option !== undefined
      ? '--control-plane'
      : env.TESSERA_CONTROL_PLANE
        ? 'TESSERA_CONTROL_PLANE'
        : 'default';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ControlPlaneUrlError(
      `${from}: must be an http(s) URL such as ${DEFAULT_CONTROL_PLANE_URL}, got "${value}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ControlPlaneUrlError(
      `${from}: must be an http(s) URL such as ${DEFAULT_CONTROL_PLANE_URL}, got "${value}"`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** The SigV4 service name of the CDK's control plane front door (API Gateway HTTP API, IAM auth). */
export const CONTROL_PLANE_SIGNING_NAME = 'execute-api';

/**
 * How requests to `url` are signed. A deployed control plane sits behind API Gateway with IAM auth,
 * which checks signatures for service `execute-api` — not `appmesh`, the client's default. That is chosen
 * for an `*.execute-api.REGION.amazonaws.com` URL (region from it) or with TESSERA_CONTROL_PLANE_AUTH=iam
 * (a custom domain; region from AWS_REGION).
 */
export function controlPlaneSigning(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
): { signingName?: string; region: string } {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  const apiGateway = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(url).hostname);
  if (apiGateway || env.TESSERA_CONTROL_PLANE_AUTH === 'iam') {
    return { signingName: CONTROL_PLANE_SIGNING_NAME, region: apiGateway?.[1] ?? region ?? DEFAULT_REGION };
  }
  return { region: region ?? DEFAULT_REGION };
}

/** An App Mesh client for the control plane at `url`. */
export function controlPlaneClient(url: string, env: NodeJS.ProcessEnv = process.env): AppMeshClient {
  const signing = controlPlaneSigning(url, env);
  const hasCredentials =
    signing.signingName !== undefined ||
    (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) ||
    env.AWS_PROFILE;
  return new AppMeshClient({
    endpoint: url,
    region: signing.region,
    ...(signing.signingName !== undefined ? { signingName: signing.signingName } : {}),
    // Without credentials in the environment, never walk the default chain (it may reach the instance
    // metadata service off this machine); a local control plane does not check signatures. A deployed
    // one (signed for execute-api) needs real credentials, from wherever the default chain finds them.
    ...(hasCredentials
      ? {}
      : { credentials: { accessKeyId: 'tessera-local', secretAccessKey: 'tessera-local' } }),
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  });
}

/** The lines to print for an error from a resource command; `url` is the control plane's. */
export function describeError(
  error: unknown,
  url: string,
  locate?: (apiPath: string) => string | undefined,
): string[] {
  if (error instanceof ResourceFileError) return error.problems.map(formatFileProblem);
  if (error instanceof ApplyError) {
    const [first, ...rest] = describeError(error.cause, url, error.locate);
    return [`${error.doing}: ${first}`, ...rest];
  }
  if (isUnreachable(error)) {
    const code = networkCode(error) ?? (error as Error).name;
    return [
      `cannot reach the control plane at ${url} (${code}); start one with "tessera control-plane", or pass --control-plane URL (or set TESSERA_CONTROL_PLANE)`,
    ];
  }
  if (isServiceError(error)) {
    const problems = (error as { problems?: unknown }).problems;
    if (Array.isArray(problems) && problems.length > 0) {
      return [
        `${error.name}: the control plane refused it:`,
        ...problems.map((p) => `  ${formatProblem(p, locate)}`),
      ];
    }
    const status = error.$metadata?.httpStatusCode;
    if (!error.name.endsWith('Exception') || error.name === 'UnknownError') {
      return [
        `the server at ${url} did not answer as an App Mesh control plane${status !== undefined ? ` (HTTP ${status})` : ''}: ${error.message}`,
      ];
    }
    return [`${error.name}: ${error.message}`];
  }
  return [error instanceof Error ? error.message : String(error)];
}

/** `spec.listeners[0].portMapping.port: must be between 1 and 65535, got 70000` */
function formatProblem(problem: unknown, locate?: (apiPath: string) => string | undefined): string {
  if (typeof problem !== 'object' || problem === null) return String(problem);
  const { path, rule, value } = problem as { path?: string; rule?: string; value?: unknown };
  const location = path && locate ? locate(path) : undefined;
  const where = `${location !== undefined ? `${location}: ` : ''}${path ? `${path}: ` : ''}`;
  return value !== undefined ? `${where}${rule}, got ${JSON.stringify(value)}` : `${where}${rule}`;
}

function isServiceError(error: unknown): error is Error & { $metadata?: { httpStatusCode?: number } } {
  return error instanceof Error && '$metadata' in error && networkCode(error) === undefined;
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code;
  }
  return undefined;
}

function isUnreachable(error: unknown): boolean {
  return networkCode(error) !== undefined || (error instanceof Error && error.name === 'TimeoutError');
}

/** Options every resource command takes. */
export interface ControlPlaneOptions {
  readonly controlPlane?: string;
}

/**
 * Runs a command's body with a client for the chosen control plane; any error is printed as
 * `tessera <command>: …` lines and the process exits with `failureCode`. Returns the body's exit code.
 */
export async function withControlPlane(
  commandName: string,
  options: ControlPlaneOptions,
  run: (client: AppMeshClient, url: string) => Promise<number | undefined>,
  failureCode = 1,
): Promise<never> {
  let url = options.controlPlane ?? DEFAULT_CONTROL_PLANE_URL;
  let client: AppMeshClient | undefined;
  let code: number;
  try {
    url = controlPlaneUrl(options.controlPlane);
    client = controlPlaneClient(url);
    code = (await run(client, url)) ?? 0;
  } catch (error) {
    for (const line of describeError(error, url)) console.error(`tessera ${commandName}: ${line}`);
    code = failureCode;
  } finally {
    client?.destroy();
  }
  process.exit(code);
}
