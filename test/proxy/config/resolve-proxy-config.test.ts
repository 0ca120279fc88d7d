import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxyConfigError } from '../../../proxy/config/errors.js';
import type { Env } from '../../../proxy/config/platform-identity.js';
import { type ProxyFlags, resolveProxyConfig } from '../../../proxy/config/resolve-proxy-config.js';

const BASE: ProxyFlags = { controlPlane: 'http://127.0.0.1:7070', mesh: 'colors', virtualNode: 'front' };

function resolve(flags: ProxyFlags, env: Env = {}) {
  return resolveProxyConfig(flags, env, { hostname: 'box', pid: 42 });
}

/** The problems `resolveProxyConfig` reports; fails the test when it succeeds. */
async function problemsOf(flags: ProxyFlags, env: Env = {}): Promise<readonly string[]> {
  try {
    await resolve(flags, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyConfigError);
    return (error as ProxyConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('resolveProxyConfig', () => {
  it('fills the defaults', async () => {
    const config = await resolve(BASE);
    expect(config).toEqual({
      controlPlaneUrl: 'http://127.0.0.1:7070',
      mesh: 'colors',
      proxy: { kind: 'virtualNode', name: 'front' },
      ingressPorts: { kind: 'single', port: 15000 },
      egressPort: 15001,
      adminPort: 9901,
      adminHost: '127.0.0.1',
      ingressHost: '0.0.0.0',
      instanceId: 'box-42',
      platform: 'other',
      pollIntervalMs: 5000,
      drainSeconds: 20,
      metrics: { mode: 'off', intervalMs: 60_000, namespace: 'Tessera' },
      tracing: { mode: 'off', samplingRate: 0.05 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the telemetry switches, and refuses bad ones with the flag and the rule', async () => {
    const config = await resolve(
      { ...BASE, metrics: 'cloudwatch', metricsInterval: '10', tracing: 'xray' },
      { TESSERA_SAMPLING_RATE: '0.5' },
    );
    expect(config.metrics).toEqual({ mode: 'cloudwatch', intervalMs: 10_000, namespace: 'Tessera' });
    expect(config.tracing).toEqual({ mode: 'xray', samplingRate: 0.5 });
    await expect(resolve({ ...BASE, metrics: 'statsd', samplingRate: '2' })).rejects.toMatchObject({
      problems: [
        '--metrics: must be one of emf, cloudwatch, off, got "statsd"',
        '--sampling-rate: must be a number between 0 and 1, got "2"',
      ],
    });
  });

  it('takes a flag over the environment, and the environment over the default', async () => {
    const env = {
      TESSERA_CONTROL_PLANE: 'http://10.0.0.1:1/',
      TESSERA_MESH: 'other',
      TESSERA_POLL_INTERVAL: '30',
      TESSERA_EGRESS_PORT: '16001',
      TESSERA_ADMIN_HOST: '0.0.0.0',
      TESSERA_INGRESS_HOST: '127.0.0.1',
      TESSERA_DRAIN_SECONDS: '3',
      TESSERA_STATE_DIR: '/var/lib/tessera',
    };
    const config = await resolve({ ...BASE, pollInterval: '2.5' }, env);
    expect(config.controlPlaneUrl).toBe('http://127.0.0.1:7070');
    expect(config.mesh).toBe('colors');
    expect(config.pollIntervalMs).toBe(2500);
    expect(config.egressPort).toBe(16001);
    expect(config.adminHost).toBe('0.0.0.0');
    expect(config.ingressHost).toBe('127.0.0.1');
    expect(config.drainSeconds).toBe(3);
    expect(config.stateDir).toBe('/var/lib/tessera');
    const fromEnv = await resolve({}, { ...env, TESSERA_VIRTUAL_GATEWAY: 'gw' });
    expect(fromEnv.controlPlaneUrl).toBe('http://10.0.0.1:1');
    expect(fromEnv.mesh).toBe('other');
    expect(fromEnv.proxy).toEqual({ kind: 'virtualGateway', name: 'gw' });
  });

  it('reads LISTENER:PORT pairs for multi-listener nodes, sorted by listener', async () => {
    const config = await resolve({
      ...BASE,
      ingressPort: '9090:15002,8080:15000',
      appPort: '8080:3000,9090:3001',
      advertiseAddress: '10.0.0.5',
    });
    expect(config.ingressPorts).toEqual({
      kind: 'perListener',
      ports: [
        { listenerPort: 8080, port: 15000 },
        { listenerPort: 9090, port: 15002 },
      ],
    });
    expect(config.appPorts).toEqual({
      kind: 'perListener',
      ports: [
        { listenerPort: 8080, port: 3000 },
        { listenerPort: 9090, port: 3001 },
      ],
    });
  });

  it('names the flag, the rule and the value for every bad value, all at once', async () => {
    const problems = await problemsOf({
      controlPlane: 'ftp://x',
      mesh: 'bad name',
      virtualNode: 'front',
      pollInterval: '0',
      ingressPort: '70000',
      egressPort: 'x',
      adminPort: '-1',
      adminHost: 'example.com',
      appPort: '8080:3000,9090',
      advertiseAddress: '10.0.0',
      zone: 'z'.repeat(65),
      drainSeconds: '601',
    });
    expect(problems).toEqual([
      '--control-plane: must be an http or https URL, got "ftp://x"',
      '--mesh: must be 1–255 letters, digits, -, _ and ., starting with a letter or digit, got "bad name"',
      '--ingress-port: must be a port, or LISTENER:PORT pairs separated by commas (e.g. 8080:3000,9090:3001), with listener ports 1–65535 and ports 0–65535, got "70000"',
      '--egress-port: must be a port number between 0 and 65535, got "x"',
      '--admin-port: must be a port number between 0 and 65535, got "-1"',
      '--admin-host: must be an IP address or localhost, got "example.com"',
      '--app-port: must be a port, or LISTENER:PORT pairs separated by commas (e.g. 8080:3000,9090:3001), with listener ports 1–65535 and ports 1–65535, got "8080:3000,9090"',
      '--advertise-address: must be an IPv4 or IPv6 address, got "10.0.0"',
      `--zone: must be 1–64 characters, got "${'z'.repeat(65)}"`,
      '--poll-interval: must be a number of seconds between 1 and 300, got "0"',
      '--drain-seconds: must be a number of seconds between 0 and 600, got "601"',
    ]);
  });

  it('names the environment variable when the value came from it', async () => {
    expect(await problemsOf({ ...BASE }, { TESSERA_POLL_INTERVAL: '301', TESSERA_APP_PORT: '0' })).toEqual([
      'TESSERA_APP_PORT: must be a port, or LISTENER:PORT pairs separated by commas (e.g. 8080:3000,9090:3001), with listener ports 1–65535 and ports 1–65535, got "0"',
      'TESSERA_POLL_INTERVAL: must be a number of seconds between 1 and 300, got "301"',
    ]);
  });

  it('requires a control plane, a mesh, and a node or gateway', async () => {
    expect(await problemsOf({})).toEqual([
      '--control-plane (or TESSERA_CONTROL_PLANE): is required',
      '--mesh (or TESSERA_MESH, or APPMESH_RESOURCE_ARN): is required',
      '--virtual-node or --virtual-gateway (or TESSERA_VIRTUAL_NODE, TESSERA_VIRTUAL_GATEWAY, APPMESH_RESOURCE_ARN): is required',
    ]);
  });

  it('refuses both a node and a gateway, an app port for a gateway, and a reused port', async () => {
    expect(await problemsOf({ ...BASE, virtualGateway: 'gw' })).toEqual([
      '--virtual-node, --virtual-gateway: give one or the other, got both ("front", "gw")',
    ]);
    expect(
      await problemsOf({ controlPlane: BASE.controlPlane, mesh: 'm', virtualGateway: 'gw', appPort: '3000' }),
    ).toEqual(['--app-port: must not be set for a virtual gateway (it has no local app), got "3000"']);
    expect(
      await problemsOf({ ...BASE, egressPort: '15000', adminPort: '0', advertiseAddress: '10.0.0.1' }),
    ).toEqual(['--egress-port: must not reuse port 15000, which --ingress-port already takes, got "15000"']);
    expect(await problemsOf({ ...BASE, appPort: '8080:9901', advertiseAddress: '10.0.0.1' })).toEqual([
      '--app-port: must not reuse port 9901, which --admin-port already takes, got "9901"',
    ]);
  });

  it('requires an advertise address only for a node with an app port, and says how to give one', async () => {
    const problems = await problemsOf({ ...BASE, appPort: '8080' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^--advertise-address \(or TESSERA_ADVERTISE_ADDRESS\): is required to register this node's endpoint, and none could be learned: on ECS .*ECS_CONTAINER_METADATA_URI_V4.*POD_IP.*--advertise-address$/,
    );
    await expect(resolve(BASE)).resolves.toBeDefined();
    await expect(
      resolve({ controlPlane: BASE.controlPlane, mesh: 'm', virtualGateway: 'gw' }),
    ).resolves.toBeDefined();
  });
});

describe('APPMESH_RESOURCE_ARN', () => {
  const base = { TESSERA_CONTROL_PLANE: 'http://127.0.0.1:7070' };

  it('gives the mesh and the virtual node', async () => {
    const config = await resolve(
      {},
      {
        ...base,
        APPMESH_RESOURCE_ARN: 'arn:aws:appmesh:us-east-1:111122223333:mesh/colors/virtualNode/blue',
      },
    );
    expect(config.mesh).toBe('colors');
    expect(config.proxy).toEqual({ kind: 'virtualNode', name: 'blue' });
  });

  it('gives a virtual gateway, in any partition, and drops a shared mesh owner suffix', async () => {
    const config = await resolve(
      {},
      {
        ...base,
        APPMESH_RESOURCE_ARN:
          'arn:aws-cn:appmesh:cn-north-1:111122223333:mesh/shared@444455556666/virtualGateway/edge',
      },
    );
    expect(config.mesh).toBe('shared');
    expect(config.proxy).toEqual({ kind: 'virtualGateway', name: 'edge' });
  });

  it('comes after flags and TESSERA_* variables', async () => {
    const arn = 'arn:aws:appmesh:us-east-1:111122223333:mesh/colors/virtualNode/blue';
    const config = await resolve(
      { virtualGateway: 'gw' },
      { ...base, APPMESH_RESOURCE_ARN: arn, TESSERA_MESH: 'env-mesh' },
    );
    expect(config.mesh).toBe('env-mesh');
    expect(config.proxy).toEqual({ kind: 'virtualGateway', name: 'gw' });
    const partly = await resolve({}, { ...base, APPMESH_RESOURCE_ARN: arn, TESSERA_VIRTUAL_NODE: 'green' });
    expect(partly.mesh).toBe('colors');
    expect(partly.proxy).toEqual({ kind: 'virtualNode', name: 'green' });
  });

  it('is refused with the expected form when malformed', async () => {
    expect(
      await problemsOf(
        {},
        { ...base, APPMESH_RESOURCE_ARN: 'arn:aws:appmesh:us-east-1:1:mesh/colors/virtualRouter/r' },
      ),
    ).toEqual([
      'APPMESH_RESOURCE_ARN: must be arn:aws:appmesh:REGION:ACCOUNT:mesh/MESH/virtualNode/NODE or …/virtualGateway/GATEWAY, got "arn:aws:appmesh:us-east-1:1:mesh/colors/virtualRouter/r"',
      '--virtual-node or --virtual-gateway (or TESSERA_VIRTUAL_NODE, TESSERA_VIRTUAL_GATEWAY, APPMESH_RESOURCE_ARN): is required',
    ]);
  });
});

describe('address, zone and instance id', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    server = undefined;
  });

  /** A task metadata endpoint v4 on loopback answering `/task` with `body` (or `status`). */
  async function metadataEndpoint(body: unknown, status = 200): Promise<{ url: string; paths: string[] }> {
    const paths: string[] = [];
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(req.url === '/v4/abc/task' ? status : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/abc`, paths };
  }

  const TASK = {
    TaskARN: 'arn:aws:ecs:us-east-1:111122223333:task/prod/0123456789abcdef',
    AvailabilityZone: 'us-east-1b',
    Containers: [
      { Name: 'app', Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: ['10.1.2.3'] }] },
      { Name: 'envoy', Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: ['10.1.2.3'] }] },
    ],
  };

  it('comes from the ECS task metadata endpoint v4 on ECS', async () => {
    const { url, paths } = await metadataEndpoint(TASK);
    const config = await resolve({ ...BASE, appPort: '8080' }, { ECS_CONTAINER_METADATA_URI_V4: url });
    expect(paths).toEqual(['/v4/abc/task']);
    expect(config).toMatchObject({
      platform: 'ecs',
      advertiseAddress: '10.1.2.3',
      zone: 'us-east-1b',
      instanceId: '0123456789abcdef',
    });
  });

  it('takes an IPv6 address when the task has no IPv4 one, and flags over metadata', async () => {
    const { url } = await metadataEndpoint({
      ...TASK,
      Containers: [{ Networks: [{ IPv6Addresses: ['2600:1f18::5'] }] }],
    });
    const env = { ECS_CONTAINER_METADATA_URI_V4: url };
    expect((await resolve({ ...BASE, appPort: '8080' }, env)).advertiseAddress).toBe('2600:1f18::5');
    const explicit = await resolve(
      { ...BASE, appPort: '8080', advertiseAddress: '10.9.9.9', zone: 'z1' },
      env,
    );
    expect(explicit).toMatchObject({
      advertiseAddress: '10.9.9.9',
      zone: 'z1',
      instanceId: '0123456789abcdef',
    });
  });

  it('says why when the task metadata cannot be read and an address is needed', async () => {
    const { url } = await metadataEndpoint({ message: 'boom' }, 500);
    const problems = await problemsOf({ ...BASE, appPort: '8080' }, { ECS_CONTAINER_METADATA_URI_V4: url });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      `; ECS_CONTAINER_METADATA_URI_V4: could not read the task metadata (${url}/task answered 500)`,
    );
    // Not needed (no app port): the proxy still starts, with the host's identity.
    const config = await resolve(BASE, { ECS_CONTAINER_METADATA_URI_V4: url });
    expect(config).toMatchObject({ platform: 'ecs', instanceId: 'box-42' });
    expect(config.advertiseAddress).toBeUndefined();
  });

  it("comes from the pod's downward-API environment on EKS", async () => {
    const config = await resolve(
      { ...BASE, appPort: '8080' },
      { POD_IP: '192.168.4.7', POD_NAME: 'front-7d9f-xk2p', NODE_ZONE: 'us-east-1c' },
    );
    expect(config).toMatchObject({
      platform: 'eks',
      advertiseAddress: '192.168.4.7',
      zone: 'us-east-1c',
      instanceId: 'front-7d9f-xk2p',
    });
    const topology = await resolve(BASE, { POD_IP: '192.168.4.7', TOPOLOGY_ZONE: 'us-east-1a' });
    expect(topology).toMatchObject({ zone: 'us-east-1a', instanceId: 'box' });
    const overridden = await resolve(BASE, { POD_IP: '192.168.4.7', NODE_ZONE: 'a', TESSERA_ZONE: 'b' });
    expect(overridden.zone).toBe('b');
  });
});

describe('resolveProxyConfig: --control-plane-auth', () => {
  it('sends requests unsigned unless asked', async () => {
    expect((await resolve(BASE)).controlPlaneAuth).toBeUndefined();
    expect((await resolve({ ...BASE, controlPlaneAuth: 'none' })).controlPlaneAuth).toBeUndefined();
  });

  it('signs for the region of AWS_REGION (or AWS_DEFAULT_REGION), from the flag or TESSERA_CONTROL_PLANE_AUTH', async () => {
    expect(
      (await resolve({ ...BASE, controlPlaneAuth: 'iam' }, { AWS_REGION: 'eu-west-1' })).controlPlaneAuth,
    ).toEqual({
      mode: 'iam',
      region: 'eu-west-1',
    });
    const fromEnv = await resolve(BASE, {
      TESSERA_CONTROL_PLANE_AUTH: 'iam',
      AWS_DEFAULT_REGION: 'ap-south-1',
    });
    expect(fromEnv.controlPlaneAuth).toEqual({ mode: 'iam', region: 'ap-south-1' });
  });

  it('reads the region from an API Gateway URL when the environment names none', async () => {
    const config = await resolve({
      ...BASE,
      controlPlane: 'https://abc123.execute-api.us-west-2.amazonaws.com',
      controlPlaneAuth: 'iam',
    });
    expect(config.controlPlaneAuth).toEqual({ mode: 'iam', region: 'us-west-2' });
  });

  it('refuses an unknown mode, and iam without a region', async () => {
    expect(await problemsOf({ ...BASE, controlPlaneAuth: 'sigv4' })).toEqual([
      '--control-plane-auth: must be one of iam, none, got "sigv4"',
    ]);
    expect(await problemsOf(BASE, { TESSERA_CONTROL_PLANE_AUTH: 'iam' })).toEqual([
      'AWS_REGION or AWS_DEFAULT_REGION: is required with --control-plane-auth iam (the region requests are signed for), and the control plane URL does not name one',
    ]);
  });
});
