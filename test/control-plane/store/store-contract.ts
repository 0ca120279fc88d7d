// The behaviour every Store implementation must have; each implementation's test file runs it.

import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  ResourceInUseError,
} from '../../../control-plane/errors.js';
import type { ResourceRecord, Store } from '../../../control-plane/store/store.js';
import { httpRouteTo, keys, newRecord, nextRecord, uniqueMeshName } from '../../support/records.js';

export function describeStoreContract(name: string, getStore: () => Store): void {
  describe(name, () => {
    /** A mesh with a router `vr` and nodes `a`, `b`; returns the records. */
    async function meshWithRouterAndNodes(store: Store) {
      const mesh = uniqueMeshName();
      const records = {
        meshRecord: newRecord(keys.mesh(mesh)),
        router: newRecord(keys.virtualRouter(mesh, 'vr'), {
          spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
        }),
        a: newRecord(keys.virtualNode(mesh, 'a')),
        b: newRecord(keys.virtualNode(mesh, 'b')),
      };
      for (const record of Object.values(records)) await store.create(record);
      return { mesh, ...records };
    }

    async function rejection(promise: Promise<unknown>): Promise<Error> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      return error as Error;
    }

    describe('create and get', () => {
      it('round-trips a record exactly, including nested empty objects, arrays and numbers', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        await store.create(newRecord(keys.mesh(mesh), { spec: { egressFilter: { type: 'ALLOW_ALL' } } }));
        const record = newRecord(keys.virtualNode(mesh, 'node'), {
          spec: {
            listeners: [
              {
                portMapping: { port: 8080, protocol: 'http' },
                healthCheck: {
                  healthyThreshold: 2,
                  intervalMillis: 5000,
                  path: '/ping',
                  timeoutMillis: 2000,
                },
                timeout: { http: { perRequest: { unit: 'ms', value: 0 }, idle: { unit: 's', value: 300 } } },
                outlierDetection: { maxEjectionPercent: 12.5, maxServerErrors: 5 },
              },
            ],
            backends: [],
            backendDefaults: { clientPolicy: {} },
            serviceDiscovery: { dns: { hostname: 'näme.local', responseType: 'ENDPOINTS' } },
            logging: {
              accessLog: {
                file: { path: '/dev/stdout', format: { json: [{ key: '', value: '%START_TIME%' }] } },
              },
            },
            big: Number.MAX_SAFE_INTEGER,
            negative: -3.25,
            flags: [true, false, null],
            nested: [[], {}, [{}]],
          },
          tags: { team: 'payments', 'cost-center': '' },
          clientToken: 'token-1',
        });
        await store.create(record);
        const stored = await store.get(record.key);
        expect(stored).toEqual(record);
        expect(JSON.stringify(stored?.spec)).toBe(JSON.stringify(record.spec));
      });

      it('returns undefined for a missing key', async () => {
        expect(await getStore().get(keys.virtualNode(uniqueMeshName(), 'nope'))).toBeUndefined();
      });

      it('rejects a second create of the same key with ConflictError', async () => {
        const store = getStore();
        const { mesh, a } = await meshWithRouterAndNodes(store);
        const error = await rejection(store.create(newRecord(a.key, { spec: { other: true } })));
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.message).toBe(`virtual node "a" in mesh "${mesh}" already exists`);
        expect(error.cause).toBeDefined();
        expect((await store.get(a.key))?.uid).toBe(a.uid);
        const again = await rejection(store.create(newRecord(keys.mesh(mesh))));
        expect(again).toBeInstanceOf(ConflictError);
      });

      it('rejects a record whose reference does not exist with NotFoundError naming the field, writing nothing', async () => {
        const store = getStore();
        const { mesh } = await meshWithRouterAndNodes(store);
        const generation = await store.meshGeneration(mesh);
        const route = newRecord(keys.route(mesh, 'vr', 'r'), httpRouteTo(mesh, ['a', 'x']));
        const error = await rejection(store.create(route));
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.message).toBe(
          `spec.httpRoute.action.weightedTargets[1].virtualNode: virtual node "x" in mesh "${mesh}" does not exist`,
        );
        expect(await store.get(route.key)).toBeUndefined();
        expect(await store.meshGeneration(mesh)).toBe(generation);
        // Node a was not pinned by the failed write.
        await store.delete((await store.get(keys.virtualNode(mesh, 'a')))!);
      });

      it('rejects a resource in a missing mesh with NotFoundError on meshName', async () => {
        const mesh = uniqueMeshName();
        const error = await rejection(getStore().create(newRecord(keys.virtualNode(mesh, 'a'))));
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.message).toBe(`meshName: mesh "${mesh}" does not exist`);
      });
    });

    describe('delete', () => {
      it('refuses to delete a referenced resource, naming a referrer, until the referrer is gone', async () => {
        const store = getStore();
        const { mesh } = await meshWithRouterAndNodes(store);
        const route = newRecord(keys.route(mesh, 'vr', 'r'), httpRouteTo(mesh, ['a']));
        await store.create(route);
        const a = (await store.get(keys.virtualNode(mesh, 'a')))!;

        const error = await rejection(store.delete(a));
        expect(error).toBeInstanceOf(ResourceInUseError);
        expect(error.message).toBe(
          `virtual node "a" in mesh "${mesh}" is in use by route "r" of virtual router "vr" in mesh "${mesh}"`,
        );
        const router = await rejection(store.delete((await store.get(keys.virtualRouter(mesh, 'vr')))!));
        expect(router).toBeInstanceOf(ResourceInUseError);

        await store.delete(route);
        await store.delete(a);
        expect(await store.get(a.key)).toBeUndefined();
        await store.delete((await store.get(keys.virtualRouter(mesh, 'vr')))!);
      });

      it('deletes a mesh only once it is empty, and then forgets its generation and listing', async () => {
        const store = getStore();
        const { mesh, router, a, b } = await meshWithRouterAndNodes(store);
        const meshRecord = (await store.get(keys.mesh(mesh)))!;
        const error = await rejection(store.delete(meshRecord));
        expect(error).toBeInstanceOf(ResourceInUseError);
        expect(error.message).toMatch(new RegExp(`^mesh "${mesh}" is in use by virtual (node|router) "`));

        for (const record of [router, a, b]) await store.delete(record);
        await store.delete(meshRecord);
        expect(await store.get(meshRecord.key)).toBeUndefined();
        expect(await store.meshGeneration(mesh)).toBeUndefined();
        const names: string[] = [];
        let nextToken: string | undefined;
        do {
          const page = await store.list({ kind: 'mesh' }, { nextToken });
          names.push(...page.items.map((r) => r.key.name));
          nextToken = page.nextToken;
        } while (nextToken);
        expect(names).not.toContain(mesh);
      });

      it('rejects a stale version with ConflictError and a missing record with NotFoundError', async () => {
        const store = getStore();
        const { mesh, a } = await meshWithRouterAndNodes(store);
        await store.update(a, nextRecord(a, { spec: { v: 2 } }));
        const stale = await rejection(store.delete(a));
        expect(stale).toBeInstanceOf(ConflictError);
        expect(stale.message).toBe(
          `virtual node "a" in mesh "${mesh}" was modified concurrently (version 2); retry with the current version`,
        );
        const current = (await store.get(a.key))!;
        await store.delete(current);
        const gone = await rejection(store.delete(current));
        expect(gone).toBeInstanceOf(NotFoundError);
        expect(gone.message).toBe(`virtual node "a" in mesh "${mesh}" does not exist`);
      });
    });

    describe('update', () => {
      it('replaces the record and moves references: the old target is freed, the new one pinned', async () => {
        const store = getStore();
        const { mesh, a, b } = await meshWithRouterAndNodes(store);
        const route = newRecord(keys.route(mesh, 'vr', 'r'), httpRouteTo(mesh, ['a']));
        await store.create(route);
        const moved = nextRecord(route, httpRouteTo(mesh, ['b']));
        await store.update(route, moved);
        expect(await store.get(route.key)).toEqual(moved);

        await store.delete(a);
        const error = await rejection(store.delete(b));
        expect(error).toBeInstanceOf(ResourceInUseError);
        expect(error.message).toContain('is in use by route "r" of virtual router "vr"');
      });

      it('keeps a record pinned by others when it is itself updated', async () => {
        const store = getStore();
        const { mesh, a } = await meshWithRouterAndNodes(store);
        await store.create(newRecord(keys.route(mesh, 'vr', 'r'), httpRouteTo(mesh, ['a'])));
        const a2 = nextRecord(a, { spec: { listeners: [] } });
        await store.update(a, a2);
        expect(await rejection(store.delete(a2))).toBeInstanceOf(ResourceInUseError);
      });

      it('rejects a new reference to a missing resource, leaving the record as it was', async () => {
        const store = getStore();
        const { mesh } = await meshWithRouterAndNodes(store);
        const route = newRecord(keys.route(mesh, 'vr', 'r'), httpRouteTo(mesh, ['a']));
        await store.create(route);
        const error = await rejection(
          store.update(route, nextRecord(route, httpRouteTo(mesh, ['a', 'ghost']))),
        );
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.message).toBe(
          `spec.httpRoute.action.weightedTargets[1].virtualNode: virtual node "ghost" in mesh "${mesh}" does not exist`,
        );
        expect(await store.get(route.key)).toEqual(route);
      });

      it('rejects an update of a missing record with NotFoundError', async () => {
        const store = getStore();
        const { mesh } = await meshWithRouterAndNodes(store);
        const ghost = newRecord(keys.virtualNode(mesh, 'ghost'));
        const error = await rejection(store.update(ghost, nextRecord(ghost)));
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.message).toBe(`virtual node "ghost" in mesh "${mesh}" does not exist`);
      });

      it('applies exactly one of 20 parallel updates from the same read version', async () => {
        const store = getStore();
        const { a } = await meshWithRouterAndNodes(store);
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.update(a, nextRecord(a, { spec: { writer: i } }))),
        );
        const applied = results.filter((r) => r.status === 'fulfilled');
        const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        expect(applied).toHaveLength(1);
        expect(rejected).toHaveLength(19);
        for (const reason of rejected) expect(reason).toBeInstanceOf(ConflictError);
        const stored = (await store.get(a.key))!;
        expect(stored.version).toBe(2);
        expect(stored.spec).toEqual({ writer: results.findIndex((r) => r.status === 'fulfilled') });
      });

      it('loses no update when 20 writers re-read and retry on conflict', async () => {
        const store = getStore();
        const { a } = await meshWithRouterAndNodes(store);
        const writer = async (i: number) => {
          for (;;) {
            const current = (await store.get(a.key))!;
            const writers = [...((current.spec.writers as number[] | undefined) ?? []), i];
            try {
              await store.update(current, nextRecord(current, { spec: { writers } }));
              return;
            } catch (error) {
              if (!(error instanceof ConflictError)) throw error;
            }
          }
        };
        await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)));
        const stored = (await store.get(a.key))!;
        expect(stored.version).toBe(21);
        expect([...(stored.spec.writers as number[])].sort((x, y) => x - y)).toEqual(
          Array.from({ length: 20 }, (_, i) => i),
        );
      });
    });

    describe('mesh generation', () => {
      it('starts at 1, advances once per committed write, and is undefined for a missing mesh', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        expect(await store.meshGeneration(mesh)).toBeUndefined();
        const meshRecord = newRecord(keys.mesh(mesh));
        await store.create(meshRecord);
        expect(await store.meshGeneration(mesh)).toBe(1);
        const node = newRecord(keys.virtualNode(mesh, 'n'));
        await store.create(node);
        expect(await store.meshGeneration(mesh)).toBe(2);
        const node2 = nextRecord(node, { spec: { listeners: [] } });
        await store.update(node, node2);
        expect(await store.meshGeneration(mesh)).toBe(3);
        await store.update(
          meshRecord,
          nextRecord(meshRecord, { spec: { egressFilter: { type: 'ALLOW_ALL' } } }),
        );
        expect(await store.meshGeneration(mesh)).toBe(4);
        await rejection(store.update(node, nextRecord(node)));
        expect(await store.meshGeneration(mesh)).toBe(4);
        await store.delete(node2);
        expect(await store.meshGeneration(mesh)).toBe(5);
      });

      it('advances by exactly the number of parallel creates in one mesh, all of which succeed', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        await store.create(newRecord(keys.mesh(mesh)));
        const nodes = Array.from({ length: 20 }, (_, i) => newRecord(keys.virtualNode(mesh, `node-${i}`)));
        await Promise.all(nodes.map((node) => store.create(node)));
        expect(await store.meshGeneration(mesh)).toBe(21);
        const page = await store.list({ kind: 'virtualNode', meshName: mesh });
        expect(page.items).toHaveLength(20);
      });

      it('carries the mesh uid, so a recreated mesh is told apart from the one before', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        const first = newRecord(keys.mesh(mesh));
        await store.create(first);
        expect(await store.meshVersion(mesh)).toEqual({ meshUid: first.uid, generation: 1 });
        await store.delete(first);
        expect(await store.meshVersion(mesh)).toBeUndefined();
        const second = newRecord(keys.mesh(mesh));
        await store.create(second);
        expect(await store.meshVersion(mesh)).toEqual({ meshUid: second.uid, generation: 1 });
        expect(second.uid).not.toBe(first.uid);
      });
    });

    describe('loadMesh', () => {
      it('returns the mesh and every resource in it at one generation', async () => {
        const store = getStore();
        const { mesh, meshRecord } = await meshWithRouterAndNodes(store);
        const route = newRecord(keys.route(mesh, 'vr', 'r'), {
          ...httpRouteTo(mesh, ['a']),
        });
        await store.create(route);
        const loaded = await store.loadMesh(mesh);
        expect(loaded?.generation).toBe(5);
        expect(loaded?.meshUid).toBe(meshRecord.uid);
        expect(loaded?.mesh.key).toEqual(meshRecord.key);
        expect(loaded?.resources.map((r) => r.key.name).sort()).toEqual(['a', 'b', 'r', 'vr']);
        expect(loaded?.resources.find((r) => r.key.name === 'r')?.spec).toEqual(route.spec);
        expect(await store.loadMesh(uniqueMeshName())).toBeUndefined();
      });

      it('never returns a state that mixes two generations while writers are busy', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        await store.create(newRecord(keys.mesh(mesh)));
        let writing = true;
        // A busy operator: a write every 30 ms or so, as a script applying a large mesh would.
        const writer = (async () => {
          for (let i = 0; writing && i < 200; i++) {
            await store.create(newRecord(keys.virtualNode(mesh, `w-${String(i).padStart(3, '0')}`)));
            await new Promise((resolve) => setTimeout(resolve, 30));
          }
        })();
        for (let i = 0; i < 5; i++) {
          const loaded = await store.loadMesh(mesh);
          // Generation 1 is the mesh; every node created since added exactly one.
          expect(loaded!.resources).toHaveLength(loaded!.generation - 1);
        }
        writing = false;
        await writer;
      });
    });

    describe('list', () => {
      async function listAll(store: Store, query: Parameters<Store['list']>[0], limit: number) {
        const pages: ResourceRecord[][] = [];
        let nextToken: string | undefined;
        do {
          const page = await store.list(query, { limit, nextToken });
          pages.push([...page.items]);
          nextToken = page.nextToken;
        } while (nextToken !== undefined && pages.length < 20);
        return pages;
      }

      it('pages through 5 items 2 at a time in name order, with no token on the last page', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        await store.create(newRecord(keys.mesh(mesh)));
        for (const name of ['echo', 'alpha', 'delta', 'charlie', 'bravo']) {
          await store.create(newRecord(keys.virtualNode(mesh, name)));
        }
        await store.create(newRecord(keys.virtualService(mesh, 'svc.local')));
        const pages = await listAll(store, { kind: 'virtualNode', meshName: mesh }, 2);
        expect(pages.map((page) => page.map((r) => r.key.name))).toEqual([
          ['alpha', 'bravo'],
          ['charlie', 'delta'],
          ['echo'],
        ]);
      });

      it('returns no token when the last page is exactly full', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        await store.create(newRecord(keys.mesh(mesh)));
        for (const name of ['a', 'b', 'c', 'd']) await store.create(newRecord(keys.virtualNode(mesh, name)));
        const pages = await listAll(store, { kind: 'virtualNode', meshName: mesh }, 2);
        expect(pages.map((page) => page.length)).toEqual([2, 2]);
        const empty = await store.list({ kind: 'virtualGateway', meshName: mesh });
        expect(empty).toEqual({ items: [] });
      });

      it('scopes routes to their router', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        await store.create(newRecord(keys.mesh(mesh)));
        for (const router of ['vr', 'vr-2']) {
          await store.create(newRecord(keys.virtualRouter(mesh, router)));
          for (const route of ['r1', 'r2']) await store.create(newRecord(keys.route(mesh, router, route)));
        }
        const page = await store.list({ kind: 'route', meshName: mesh, parentName: 'vr' });
        expect(page.items.map((r) => r.key)).toEqual([
          keys.route(mesh, 'vr', 'r1'),
          keys.route(mesh, 'vr', 'r2'),
        ]);
        expect(page.nextToken).toBeUndefined();
        const routers = await store.list({ kind: 'virtualRouter', meshName: mesh });
        expect(routers.items.map((r) => r.key.name)).toEqual(['vr', 'vr-2']);
      });

      it('lists meshes', async () => {
        const store = getStore();
        const mesh = uniqueMeshName('listed');
        const record = newRecord(keys.mesh(mesh), { spec: { egressFilter: { type: 'DROP_ALL' } } });
        await store.create(record);
        const all = (await listAll(store, { kind: 'mesh' }, 100)).flat();
        expect(all.find((r) => r.key.name === mesh)).toEqual(record);
        const names = all.map((r) => r.key.name);
        expect(names).toEqual([...names].sort());
      });

      it('rejects a malformed token, a token of another list, and a bad limit with BadRequestError', async () => {
        const store = getStore();
        const mesh = uniqueMeshName();
        await store.create(newRecord(keys.mesh(mesh)));
        for (const name of ['a', 'b', 'c']) await store.create(newRecord(keys.virtualNode(mesh, name)));
        const { nextToken } = await store.list({ kind: 'virtualNode', meshName: mesh }, { limit: 1 });
        expect(nextToken).toBeDefined();
        for (const bad of ['not a token!', 'eyJ4Ijox', Buffer.from('[1,2]').toString('base64url'), '']) {
          const error = await rejection(
            store.list({ kind: 'virtualNode', meshName: mesh }, { nextToken: bad }),
          );
          expect(error).toBeInstanceOf(BadRequestError);
          expect(error.message).toBe('nextToken: is not a valid pagination token');
        }
        const otherKind = await rejection(
          store.list({ kind: 'virtualService', meshName: mesh }, { nextToken }),
        );
        expect(otherKind).toBeInstanceOf(BadRequestError);
        const otherMesh = await rejection(
          store.list({ kind: 'virtualNode', meshName: 'other' }, { nextToken }),
        );
        expect(otherMesh).toBeInstanceOf(BadRequestError);
        for (const limit of [0, 101, 1.5]) {
          expect(
            await rejection(store.list({ kind: 'virtualNode', meshName: mesh }, { limit })),
          ).toBeInstanceOf(BadRequestError);
        }
      });
    });

    describe('tags', () => {
      it('adds, overwrites and removes tags without touching spec, version or generation', async () => {
        const store = getStore();
        const { mesh, a } = await meshWithRouterAndNodes(store);
        const tagged = newRecord(keys.virtualNode(mesh, 'tagged'), {
          spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] },
          tags: { team: 'a', keep: 'yes' },
        });
        await store.create(tagged);
        const generation = await store.meshGeneration(mesh);
        await store.tag(tagged.key, { team: 'b', 'new key.with:odd/chars': 'v' });
        await store.untag(tagged.key, ['keep', 'absent']);
        expect(await store.get(tagged.key)).toEqual({
          ...tagged,
          tags: { team: 'b', 'new key.with:odd/chars': 'v' },
        });
        expect(await store.meshGeneration(mesh)).toBe(generation);

        // An update does not clobber tags set since the record was read.
        await store.tag(a.key, { owner: 'x' });
        await store.update(a, nextRecord(a, { spec: { changed: true } }));
        expect((await store.get(a.key))?.tags).toEqual({ owner: 'x' });
        await store.tag(keys.mesh(mesh), { env: 'test' });
        expect((await store.get(keys.mesh(mesh)))?.tags).toEqual({ env: 'test' });
      });

      it('rejects tagging a missing resource with NotFoundError', async () => {
        const store = getStore();
        const key = keys.virtualNode(uniqueMeshName(), 'ghost');
        expect(await rejection(store.tag(key, { a: 'b' }))).toBeInstanceOf(NotFoundError);
        expect(await rejection(store.untag(key, ['a']))).toBeInstanceOf(NotFoundError);
        expect(await rejection(store.tag(key, {}))).toBeInstanceOf(NotFoundError);
        expect(await store.get(key)).toBeUndefined();
      });
    });
  });
}
