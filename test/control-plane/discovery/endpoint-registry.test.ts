import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEndpointStore } from '../../../control-plane/discovery/dynamodb-endpoint-store.js';
import { EndpointRegistry } from '../../../control-plane/discovery/endpoint-registry.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../../control-plane/errors.js';
import { endpointSetSchema } from '../../../control-plane/snapshot/endpoints.js';
import { DynamoDbStore } from '../../../control-plane/store/dynamodb-store.js';
import { localDynamoDbClient } from '../../../lambda/local/dynamodb-local.js';
import { createMesh, dnsNodeSpec, FakeClock, registryOn } from '../../support/discovery-fixtures.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { uniqueMeshName } from '../../support/records.js';

const ROLE = 'arn:aws:iam::111122223333:role/colorteller-task';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/colorteller-task/4f1c9e2a';
const FOREIGN = 'arn:aws:sts::111122223333:assumed-role/gateway-task/77aa';

const registration = (address: string, extra: Record<string, unknown> = {}) => ({
  address,
  ports: [{ listenerPort: 8080, port: 15000 }],
  ...extra,
});

describe('EndpointRegistry', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => {
    await table?.drop();
  });

  async function setup(options: { requirePrincipal?: boolean } = {}) {
    const mesh = uniqueMeshName('reg');
    await createMesh(table.store, mesh, {
      blue: dnsNodeSpec('blue.local'),
      red: dnsNodeSpec('red.local', [8080, 9090]),
    });
    const clock = new FakeClock();
    const registry = registryOn(table, { now: clock.now, ...options });
    return { mesh, clock, registry };
  }

  const endpointIds = async (registry: EndpointRegistry, mesh: string, node: string) => {
    const read = await registry.read(mesh, [node]);
    if (read.notModified) throw new Error('unexpected 304');
    return read.set.endpoints[node]!.map((e) => e.id);
  };

  describe('register, heartbeat, deregister', () => {
    it('registers an endpoint that readers then see, with its expiry', async () => {
      const { mesh, clock, registry } = await setup();
      const result = await registry.register(
        mesh,
        'blue',
        'proxy-1',
        registration('10.0.0.5', { zone: 'us-east-1a', attributes: { version: 'v2' } }),
      );
      expect(result).toEqual({
        meshName: mesh,
        virtualNodeName: 'blue',
        endpoint: {
          id: 'proxy-1',
          address: '10.0.0.5',
          ports: [{ listenerPort: 8080, port: 15000 }],
          zone: 'us-east-1a',
          attributes: { version: 'v2' },
          source: 'proxy',
        },
        ttlSeconds: 30,
        expiresAt: clock.ms / 1000 + 30,
        heartbeat: false,
      });
      const read = await registry.read(mesh, ['blue', 'red']);
      expect(read.notModified).toBe(false);
      if (read.notModified) return;
      expect(endpointSetSchema.parse(read.set)).toEqual(read.set);
      expect(read.set.endpoints).toEqual({ blue: [result.endpoint], red: [] });
    });

    it('accepts IPv6 addresses and one port per listener', async () => {
      const { mesh, registry } = await setup();
      const result = await registry.register(mesh, 'red', 'proxy-6', {
        address: 'fd00::15',
        ports: [
          { listenerPort: 9090, port: 15001 },
          { listenerPort: 8080, port: 15000 },
        ],
      });
      expect(result.endpoint.address).toBe('fd00::15');
      const read = await registry.read(mesh, ['red']);
      if (read.notModified) throw new Error('unexpected 304');
      expect(read.set.endpoints.red![0]!.ports).toEqual([
        { listenerPort: 8080, port: 15000 },
        { listenerPort: 9090, port: 15001 },
      ]);
    });

    it('treats a repeated unchanged registration as a heartbeat and a changed one as an update', async () => {
      const { mesh, clock, registry } = await setup();
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
      clock.advance(10);
      const beat = await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
      expect(beat.heartbeat).toBe(true);
      expect(beat.expiresAt).toBe(clock.ms / 1000 + 30);
      const moved = await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.6'));
      expect(moved.heartbeat).toBe(false);
      const read = await registry.read(mesh, ['blue']);
      if (read.notModified) throw new Error('unexpected 304');
      expect(read.set.endpoints.blue!.map((e) => e.address)).toEqual(['10.0.0.6']);
    });

    it('deregisters at once, and deregistering again is harmless', async () => {
      const { mesh, registry } = await setup();
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
      await registry.register(mesh, 'blue', 'proxy-2', registration('10.0.0.6'));
      expect(await registry.deregister(mesh, 'blue', 'proxy-1')).toMatchObject({ removed: true });
      expect(await endpointIds(registry, mesh, 'blue')).toEqual(['proxy-2']);
      expect(await registry.deregister(mesh, 'blue', 'proxy-1')).toMatchObject({ removed: false });
    });
  });

  describe('heartbeat expiry', () => {
    it('drops an endpoint that misses its heartbeats for the TTL, and keeps one that heartbeats', async () => {
      const { mesh, clock, registry } = await setup();
      await registry.register(mesh, 'blue', 'steady', registration('10.0.0.5', { ttlSeconds: 10 }));
      await registry.register(mesh, 'blue', 'silent', registration('10.0.0.6', { ttlSeconds: 10 }));

      for (let i = 0; i < 3; i++) {
        clock.advance(6);
        await registry.register(mesh, 'blue', 'steady', registration('10.0.0.5', { ttlSeconds: 10 }));
      }
      // 18 s on: `silent` last registered 18 s ago (TTL 10 s), `steady` 0 s ago.
      expect(await endpointIds(registry, mesh, 'blue')).toEqual(['steady']);

      clock.advance(9.9);
      expect(await endpointIds(registry, mesh, 'blue')).toEqual(['steady']);
      clock.advance(0.2);
      expect(await endpointIds(registry, mesh, 'blue')).toEqual([]);
    });

    it('is alive until just before its TTL elapses', async () => {
      const { mesh, clock, registry } = await setup();
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
      clock.advance(29.999);
      expect(await endpointIds(registry, mesh, 'blue')).toEqual(['proxy-1']);
      clock.advance(0.001);
      expect(await endpointIds(registry, mesh, 'blue')).toEqual([]);
    });

    it('brings an expired endpoint back as a new arrival when it registers again', async () => {
      const { mesh, clock, registry } = await setup();
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
      clock.advance(31);
      expect(await endpointIds(registry, mesh, 'blue')).toEqual([]);
      const again = await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
      expect(again.heartbeat).toBe(false);
      expect(await endpointIds(registry, mesh, 'blue')).toEqual(['proxy-1']);
    });
  });

  describe('versions and If-None-Match', () => {
    it('changes the version on arrival and expiry, never on a heartbeat', async () => {
      const { mesh, clock, registry } = await setup();
      const version = async () => {
        const read = await registry.read(mesh, ['blue']);
        if (read.notModified) throw new Error('unexpected 304');
        return read.set.version;
      };
      const empty = await version();
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5', { ttlSeconds: 10 }));
      const one = await version();
      expect(one).not.toBe(empty);

      clock.advance(5);
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5', { ttlSeconds: 10 }));
      expect(await version()).toBe(one);
      clock.advance(5);
      expect(await version()).toBe(one);

      clock.advance(6);
      expect(await version()).toBe(empty);
    });

    it('answers "not modified" with the version when the caller already has it', async () => {
      const { mesh, registry } = await setup();
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
      const first = await registry.read(mesh, ['blue', 'red']);
      if (first.notModified) throw new Error('unexpected 304');
      const again = await registry.read(mesh, ['red', 'blue'], first.set.version);
      expect(again).toEqual({ notModified: true, version: first.set.version });
      expect(
        await registry.read(mesh, ['blue', 'red'], (v) => ['stale', first.set.version].includes(v)),
      ).toMatchObject({
        notModified: true,
      });
      await registry.register(mesh, 'red', 'proxy-2', registration('10.0.0.7'));
      const changed = await registry.read(mesh, ['blue', 'red'], first.set.version);
      expect(changed.notModified).toBe(false);
    });

    it('gives a node that has no endpoints, or does not exist, an empty list', async () => {
      const { mesh, registry } = await setup();
      const read = await registry.read(mesh, ['blue', 'not-yet-created']);
      if (read.notModified) throw new Error('unexpected 304');
      expect(read.set.endpoints).toEqual({ blue: [], 'not-yet-created': [] });
    });
  });

  describe('cost', () => {
    it('reads with one GetItem for the mesh and one Query per node, and heartbeats with one UpdateItem', async () => {
      const { mesh, clock } = await setup();
      const client = localDynamoDbClient(table.endpoint);
      const calls: string[] = [];
      client.middlewareStack.add(
        (next, context) => (args) => {
          calls.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize', name: 'countCommands' },
      );
      const registry = new EndpointRegistry({
        store: new DynamoDbStore({ client, tableName: table.tableName }),
        endpoints: new DynamoDbEndpointStore({ client, tableName: table.tableName }),
        requirePrincipal: false,
        now: clock.now,
      });
      try {
        await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
        calls.length = 0;
        await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'));
        expect(calls).toEqual(['GetItemCommand', 'UpdateItemCommand']);
        calls.length = 0;
        await registry.read(mesh, ['blue', 'red']);
        expect(calls.sort()).toEqual(['GetItemCommand', 'QueryCommand', 'QueryCommand']);
      } finally {
        client.destroy();
      }
    });
  });

  describe('validation', () => {
    it('reports every problem of a registration at once, naming field, rule and value', async () => {
      const { mesh, registry } = await setup();
      const error = await registry
        .register(mesh, 'blue', 'proxy-1', {
          address: '10.0.0.999',
          ports: [
            { listenerPort: 8080, port: 70000 },
            { listenerPort: 8080, port: 15000 },
          ],
          ttlSeconds: 1,
          colour: 'blue',
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      const message = (error as BadRequestError).message;
      expect(message).toContain('address: must be an IPv4 or IPv6 address, got "10.0.0.999"');
      expect(message).toContain('ports[0].port: must be between 1 and 65535, got 70000');
      expect(message).toContain('ports[1].listenerPort: must be unique, got 8080');
      expect(message).toContain('ttlSeconds: must be between 5 and 300, got 1');
      expect(message).toContain('colour: unknown field');
    });

    it('requires an address and at least one port', async () => {
      const { mesh, registry } = await setup();
      await expect(registry.register(mesh, 'blue', 'proxy-1', { ports: [] })).rejects.toThrow(
        'address: is required; ports: must have at least 1 item',
      );
    });

    it('rejects a listener port the node does not have', async () => {
      const { mesh, registry } = await setup();
      await expect(
        registry.register(mesh, 'blue', 'proxy-1', {
          address: '10.0.0.5',
          ports: [{ listenerPort: 9999, port: 15000 }],
        }),
      ).rejects.toThrow(
        `ports[0].listenerPort: must be a listener port of virtual node "blue" in mesh "${mesh}" (8080), got 9999`,
      );
    });

    it('rejects endpoint ids and node names that are unsafe in keys', async () => {
      const { mesh, registry } = await setup();
      await expect(registry.register(mesh, 'blue', 'a#b', registration('10.0.0.5'))).rejects.toThrow(
        'endpointId: must contain only letters, digits, ., _, : and -, starting with a letter or digit, got "a#b"',
      );
      await expect(registry.read(mesh, ['ok', 'bad#node'])).rejects.toThrow(
        /virtualNode\[1\]: must contain only/,
      );
      await expect(registry.read(mesh, [])).rejects.toThrow('virtualNode: must name at least 1 virtual node');
      await expect(
        registry.read(
          mesh,
          Array.from({ length: 101 }, (_, i) => `n${i}`),
        ),
      ).rejects.toThrow('virtualNode: must name at most 100 virtual nodes, got 101');
    });

    it('refuses an unknown node or mesh with NotFound', async () => {
      const { mesh, registry } = await setup();
      const error = await registry
        .register(mesh, 'green', 'proxy-1', registration('10.0.0.5'))
        .catch((e) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe(`virtual node "green" in mesh "${mesh}" does not exist`);
      await expect(registry.read('no-such-mesh', ['blue'])).rejects.toThrow(NotFoundError);
    });
  });

  describe('the principal guard', () => {
    it('lets a principal bound to the node register, heartbeat and deregister', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: true });
      await registry.bindPrincipal(mesh, 'blue', ROLE);
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'), ROLE);
      const beat = await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'), ROLE);
      expect(beat.heartbeat).toBe(true);
      expect(await registry.deregister(mesh, 'blue', 'proxy-1', ROLE)).toMatchObject({ removed: true });
    });

    it('recognizes an assumed-role session as its role', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: true });
      await registry.bindPrincipal(mesh, 'blue', ROLE);
      await expect(
        registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'), SESSION),
      ).resolves.toMatchObject({ endpoint: { id: 'proxy-1' } });
    });

    it('matches a role bound with a path to its sessions', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: true });
      await registry.bindPrincipal(mesh, 'blue', 'arn:aws:iam::111122223333:role/mesh/colorteller-task');
      await expect(
        registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'), SESSION),
      ).resolves.toBeDefined();
    });

    it('refuses a foreign principal, naming it and the node, and writes nothing', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: true });
      await registry.bindPrincipal(mesh, 'blue', ROLE);
      await registry.bindPrincipal(mesh, 'red', 'arn:aws:iam::111122223333:role/gateway-task');
      const error = await registry
        .register(mesh, 'blue', 'proxy-x', registration('10.9.9.9'), FOREIGN)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).status).toBe(403);
      expect((error as Error).message).toBe(
        `principal ${FOREIGN} (as arn:aws:iam::111122223333:role/gateway-task) is not bound to virtual node "blue" in mesh "${mesh}", so it may not register or deregister its endpoints`,
      );
      expect(await endpointIds(registry, mesh, 'blue')).toEqual([]);
    });

    it('refuses a foreign principal deregistering another node’s endpoint', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: true });
      await registry.bindPrincipal(mesh, 'blue', ROLE);
      await registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'), ROLE);
      await expect(registry.deregister(mesh, 'blue', 'proxy-1', FOREIGN)).rejects.toThrow(ForbiddenError);
      expect(await endpointIds(registry, mesh, 'blue')).toEqual(['proxy-1']);
    });

    it('refuses a principal after it is unbound', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: true });
      await registry.bindPrincipal(mesh, 'blue', ROLE);
      await registry.unbindPrincipal(mesh, 'blue', SESSION);
      await expect(
        registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'), ROLE),
      ).rejects.toThrow(ForbiddenError);
    });

    it('refuses a registration without a principal when one is required', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: true });
      await expect(registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'))).rejects.toThrow(
        new ForbiddenError(
          `registering endpoints of virtual node "blue" in mesh "${mesh}" requires an authenticated IAM principal bound to the node`,
        ),
      );
    });

    it('accepts a registration without a principal when none is required (the local control plane)', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: false });
      await expect(
        registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5')),
      ).resolves.toBeDefined();
    });

    it('still checks a principal that is present when none is required', async () => {
      const { mesh, registry } = await setup({ requirePrincipal: false });
      await expect(
        registry.register(mesh, 'blue', 'proxy-1', registration('10.0.0.5'), FOREIGN),
      ).rejects.toThrow(ForbiddenError);
    });

    it('rejects a binding that is not a principal ARN', async () => {
      const { mesh, registry } = await setup();
      await expect(registry.bindPrincipal(mesh, 'blue', 'colorteller-task')).rejects.toThrow(
        'principalArn: must be an IAM or STS principal ARN',
      );
    });
  });
});
