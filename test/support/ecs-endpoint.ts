// A local endpoint that speaks ECS's wire protocol (awsJson1_1) for ListTasks and DescribeTasks, over an
// in-memory list of tasks the test controls. The real @aws-sdk/client-ecs is pointed at it.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ECSClient } from '@aws-sdk/client-ecs';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** ECS's own bounds. */
const MAX_LIST_RESULTS = 100;
const MAX_DESCRIBE_TASKS = 100;

/** A task as ECS's JSON carries it (DescribeTasks' `Task`), with what the fake filters on. */
export interface FakeTask {
  readonly taskArn: string;
  readonly clusterArn: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly [member: string]: unknown;
}

export interface EcsEndpoint {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** ARNs of the clusters that exist (tests may add some); others get ClusterNotFoundException. */
  readonly clusters: string[];
  /** The tasks the endpoint reports; tests change it at will. */
  tasks: FakeTask[];
  /** Requests per operation (`ListTasks`, `DescribeTasks`), in order, with their JSON bodies. */
  readonly requests: { readonly operation: string; readonly body: Record<string, unknown> }[];
  /** A client for this endpoint with dummy credentials and no SDK retries. */
  client(): ECSClient;
  close(): Promise<void>;
}

class EcsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startEcsEndpoint(options: {
  readonly clusters: readonly string[];
  readonly tasks?: FakeTask[];
}): Promise<EcsEndpoint> {
  const clusters = [...options.clusters];
  const state: { tasks: FakeTask[] } = { tasks: options.tasks ?? [] };
  const requests: { operation: string; body: Record<string, unknown> }[] = [];
  const clients: ECSClient[] = [];

  const server: Server = createServer(async (req, res) => {
    try {
      const { operation, body } = await readRequest(req);
      requests.push({ operation, body });
      const result =
        operation === 'ListTasks'
          ? listTasks(clusters, state.tasks, body)
          : operation === 'DescribeTasks'
            ? describeTasks(clusters, state.tasks, body)
            : fail('UnknownOperationException', `operation ${operation} is not supported by this endpoint`);
      send(res, 200, result);
    } catch (error) {
      const fault = error instanceof EcsFault ? error : new EcsFault('ServerException', String(error));
      send(res, fault.type === 'ServerException' ? 500 : 400, { __type: fault.type, message: fault.message });
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    clusters,
    get tasks() {
      return state.tasks;
    },
    set tasks(next: FakeTask[]) {
      state.tasks = next;
    },
    requests,
    client() {
      const client = new ECSClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    close: () =>
      new Promise((done) => {
        for (const client of clients) client.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function readRequest(
  req: IncomingMessage,
): Promise<{ operation: string; body: Record<string, unknown> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (req.method !== 'POST' || (req.url ?? '/') !== '/') {
    fail('UnknownOperationException', `expected POST /, got ${req.method} ${req.url}`);
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  if (!target.startsWith(TARGET_PREFIX)) fail('UnknownOperationException', `bad X-Amz-Target "${target}"`);
  if (req.headers['content-type'] !== CONTENT_TYPE) {
    fail(
      'SerializationException',
      `Content-Type must be ${CONTENT_TYPE}, got ${req.headers['content-type']}`,
    );
  }
  if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
    fail('UnrecognizedClientException', 'the request is not signed with SigV4');
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    fail('SerializationException', 'the body is not JSON');
  }
  return { operation: target.slice(TARGET_PREFIX.length), body: body as Record<string, unknown> };
}

function listTasks(clusters: readonly string[], tasks: readonly FakeTask[], body: Record<string, unknown>) {
  const cluster = clusterOf(clusters, body.cluster);
  const maxResults = body.maxResults === undefined ? MAX_LIST_RESULTS : Number(body.maxResults);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_LIST_RESULTS) {
    fail('InvalidParameterException', `maxResults must be between 1 and ${MAX_LIST_RESULTS}`);
  }
  const matching = tasks.filter(
    (task) =>
      inCluster(task, cluster) &&
      (body.desiredStatus === undefined || task.desiredStatus === body.desiredStatus),
  );
  const start = body.nextToken === undefined ? 0 : decodeToken(body.nextToken);
  const page = matching.slice(start, start + maxResults);
  const next = start + maxResults;
  return {
    taskArns: page.map((task) => task.taskArn),
    ...(next < matching.length ? { nextToken: Buffer.from(`offset:${next}`).toString('base64') } : {}),
  };
}

function describeTasks(
  clusters: readonly string[],
  tasks: readonly FakeTask[],
  body: Record<string, unknown>,
) {
  const cluster = clusterOf(clusters, body.cluster);
  const wanted = body.tasks;
  if (!Array.isArray(wanted) || wanted.length === 0)
    fail('InvalidParameterException', 'Tasks cannot be empty.');
  if (wanted.length > MAX_DESCRIBE_TASKS) {
    fail('InvalidParameterException', `Tasks cannot have more than ${MAX_DESCRIBE_TASKS} elements`);
  }
  const found: FakeTask[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const arn of wanted as string[]) {
    const task = tasks.find(
      (t) => inCluster(t, cluster) && (t.taskArn === arn || t.taskArn.endsWith(`/${arn}`)),
    );
    if (task) found.push(task);
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { tasks: found, failures };
}

/** The ARN of the cluster a request names by name or ARN (default `default`), or ClusterNotFoundException. */
function clusterOf(clusters: readonly string[], cluster: unknown): string {
  const name = typeof cluster === 'string' && cluster !== '' ? cluster : 'default';
  const arn = clusters.find((known) => known === name || known.endsWith(`:cluster/${name}`));
  if (arn === undefined) fail('ClusterNotFoundException', 'Cluster not found.');
  return arn;
}

function inCluster(task: FakeTask, clusterArn: string): boolean {
  return task.clusterArn === clusterArn;
}

function decodeToken(token: unknown): number {
  const text = typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : '';
  const match = /^offset:(\d+)$/.exec(text);
  if (!match) fail('InvalidParameterException', 'The specified nextToken is invalid.');
  return Number(match[1]);
}

function fail(type: string, message: string): never {
  throw new EcsFault(type, message);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': `req-${Date.now()}` });
  res.end(JSON.stringify(body));
}
