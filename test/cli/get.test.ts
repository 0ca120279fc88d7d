import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVirtualNodeCommand } from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyResources } from '../../cli/resources/apply-resources.js';
import { parseResourceFile } from '../../cli/resources/parse-resource-file.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { tessera } from './resources/run-cli.js';

const MESH = `
- { kind: Mesh, meshName: shop }
- kind: VirtualNode
  meshName: shop
  virtualNodeName: blue
  spec:
    listeners: [ { portMapping: { port: 8080, protocol: http } } ]
    serviceDiscovery: { dns: { hostname: blue.shop.local } }
- kind: VirtualNode
  meshName: shop
  virtualNodeName: green
  spec:
    listeners: [ { portMapping: { port: 8080, protocol: http } } ]
    serviceDiscovery: { awsCloudMap: { namespaceName: shop.local, serviceName: green } }
- { kind: VirtualRouter, meshName: shop, virtualRouterName: color, spec: { listeners: [ { portMapping: { port: 8080, protocol: http } } ] } }
- kind: Route
  meshName: shop
  virtualRouterName: color
  routeName: split
  spec:
    httpRoute:
      match: { prefix: / }
      action: { weightedTargets: [ { virtualNode: blue, weight: 1 }, { virtualNode: green, weight: 1 } ] }
`;

describe('tessera get and delete', () => {
  let controlPlane: TestControlPlane;
  let dir: string;
  let url: string[];
  beforeAll(async () => {
    controlPlane = await startTestControlPlane();
    url = ['--control-plane', controlPlane.url];
    dir = await mkdtemp(join(tmpdir(), 'tessera-get-'));
    await applyResources(controlPlane.client, parseResourceFile(MESH, 'shop.yaml'));
  });
  afterAll(async () => {
    await controlPlane.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists resources as a table with name, version, status and age', async () => {
    const run = await tessera(['get', 'vn', '--mesh', 'shop', ...url]);
    expect(run.code).toBe(0);
    const [header, ...rows] = run.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME +MESH +VERSION +STATUS +AGE$/);
    expect(rows.map((row) => row.split(/ +/).slice(0, 4))).toEqual([
      ['blue', 'shop', '1', 'ACTIVE'],
      ['green', 'shop', '1', 'ACTIVE'],
    ]);
    const routes = await tessera(['get', 'routes', '--mesh', 'shop', ...url]);
    expect(routes.stdout).toMatch(
      /^NAME +ROUTER +MESH +VERSION +STATUS +AGE\nsplit +color +shop +1 +ACTIVE +\d+s\n$/,
    );
  });

  it('prints what Describe returns with -o json, and that output applies back as unchanged', async () => {
    const one = await tessera(['get', 'virtual-node', 'blue', '--mesh', 'shop', '-o', 'json', ...url]);
    expect(one.code).toBe(0);
    const parsed = JSON.parse(one.stdout);
    const described = await controlPlane.client.send(
      new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'blue' }),
    );
    expect(parsed.virtualNode.spec).toEqual(described.virtualNode?.spec);
    expect(parsed.virtualNode.metadata.arn).toBe(described.virtualNode?.metadata?.arn);

    for (const [kind, format] of [
      ['virtual-nodes', 'json'],
      ['route', 'yaml'],
      ['meshes', 'json'],
      ['vr', 'yaml'],
    ] as const) {
      const all = await tessera([
        'get',
        kind,
        ...(kind === 'meshes' ? [] : ['--mesh', 'shop']),
        '-o',
        format,
        ...url,
      ]);
      expect(all.code).toBe(0);
      const file = join(dir, `${kind}.${format}`);
      await writeFile(file, all.stdout);
      const applied = await tessera(['apply', '-f', file, ...url]);
      expect(applied.stderr).toBe('');
      expect(applied.stdout).toMatch(/^0 created, 0 updated, [1-9]\d* unchanged$/m);
    }
  });

  it('deletes a resource, then says it does not exist', async () => {
    const removed = await tessera([
      'delete',
      'route',
      'split',
      '--mesh',
      'shop',
      '--virtual-router',
      'color',
      ...url,
    ]);
    expect(removed).toMatchObject({
      code: 0,
      stdout: 'deleted route "split" of virtual router "color" in mesh "shop"\n',
    });
    const missing = await tessera([
      'get',
      'route',
      'split',
      '--mesh',
      'shop',
      '--virtual-router',
      'color',
      ...url,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NotFoundException');
    expect(missing.stderr).toContain('"split"');
    const inUse = await tessera(['delete', 'mesh', 'shop', ...url]);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toMatch(/^tessera delete: ResourceInUseException: /);
    const needsRouter = await tessera(['delete', 'route', 'x', '--mesh', 'shop', ...url]);
    expect(needsRouter.stderr).toBe('tessera delete: --virtual-router is required for route\n');
  });
});
