// `npm run bench:api`: how long App Mesh API calls take through the local control plane (the Lambda
// handler behind the HTTP adapter, DynamoDB Local), and how many DynamoDB requests each operation makes.

import {
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  DeleteRouteCommand,
  DeleteVirtualNodeCommand,
  DescribeVirtualNodeCommand,
  ListVirtualNodesCommand,
  TagResourceCommand,
  UpdateVirtualNodeCommand,
} from '@aws-sdk/client-app-mesh';
import { expect, it } from 'vitest';
import { startTestControlPlane } from '../support/control-plane.js';
import { nodeSpec, routerSpec, routeSpec } from '../support/fixtures.js';

const SAMPLES = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

it('measures the local control plane', async () => {
  const cp = await startTestControlPlane();
  const { client } = cp;
  const calls = cp.dynamodbCalls;

  const counted = async (label: string, run: () => Promise<unknown>) => {
    calls.length = 0;
    await run();
    const byCommand = new Map<string, number>();
    for (const c of calls) byCommand.set(c, (byCommand.get(c) ?? 0) + 1);
    return {
      operation: label,
      requests: calls.length,
      detail: [...byCommand].map(([k, v]) => `${v}×${k}`).join(', '),
    };
  };

  const mesh = 'bench';
  const rows = [
    await counted('CreateMesh', () => client.send(new CreateMeshCommand({ meshName: mesh }))),
    await counted('CreateVirtualNode', () =>
      client.send(
        new CreateVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'a', spec: nodeSpec('a.local') }),
      ),
    ),
    await counted('DescribeVirtualNode', () =>
      client.send(new DescribeVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'a' })),
    ),
    await counted('UpdateVirtualNode', () =>
      client.send(
        new UpdateVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'a', spec: nodeSpec('b.local') }),
      ),
    ),
    await counted('ListVirtualNodes', () => client.send(new ListVirtualNodesCommand({ meshName: mesh }))),
    await counted('CreateVirtualRouter', () =>
      client.send(
        new CreateVirtualRouterCommand({ meshName: mesh, virtualRouterName: 'r', spec: routerSpec }),
      ),
    ),
    await counted('CreateRoute (1 target)', () =>
      client.send(
        new CreateRouteCommand({
          meshName: mesh,
          virtualRouterName: 'r',
          routeName: 'rt',
          spec: routeSpec({ a: 1 }),
        }),
      ),
    ),
    await counted('TagResource', () =>
      client.send(
        new TagResourceCommand({
          resourceArn: 'arn:aws:appmesh:us-east-1:000000000000:mesh/bench/virtualNode/a',
          tags: [{ key: 'k', value: 'v' }],
        }),
      ),
    ),
    await counted('DeleteVirtualNode (in use)', () =>
      client
        .send(new DeleteVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'a' }))
        .catch(() => undefined),
    ),
    await counted('DeleteRoute', () =>
      client.send(new DeleteRouteCommand({ meshName: mesh, virtualRouterName: 'r', routeName: 'rt' })),
    ),
    await counted('DeleteVirtualNode', () =>
      client.send(new DeleteVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'a' })),
    ),
  ];

  // Latency: warm up, then SAMPLES sequential calls each.
  for (let i = 0; i < 20; i++) {
    await client.send(
      new CreateVirtualNodeCommand({ meshName: mesh, virtualNodeName: `warm-${i}`, spec: {} }),
    );
    await client.send(new DescribeVirtualNodeCommand({ meshName: mesh, virtualNodeName: `warm-${i}` }));
  }
  const create: number[] = [];
  const describe: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    let t = performance.now();
    await client.send(
      new CreateVirtualNodeCommand({
        meshName: mesh,
        virtualNodeName: `n-${i}`,
        spec: nodeSpec(`n${i}.local`),
      }),
    );
    create.push(performance.now() - t);
    t = performance.now();
    await client.send(new DescribeVirtualNodeCommand({ meshName: mesh, virtualNodeName: `n-${i}` }));
    describe.push(performance.now() - t);
  }

  const lines = [
    '',
    `App Mesh API through the local control plane (SDK → HTTP adapter → Lambda handler → DynamoDB Local), ${SAMPLES} calls each:`,
    '| operation | median ms | p90 ms | min ms |',
    '|---|---|---|---|',
    ...[
      ['CreateVirtualNode', create],
      ['DescribeVirtualNode', describe],
    ].map(
      ([name, xs]) =>
        `| ${name} | ${median(xs as number[]).toFixed(2)} | ${percentile(xs as number[], 90).toFixed(2)} | ${Math.min(...(xs as number[])).toFixed(2)} |`,
    ),
    '',
    'DynamoDB requests per operation:',
    '| operation | requests | which |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.operation} | ${r.requests} | ${r.detail} |`),
    '',
  ];
  console.log(lines.join('\n'));
  expect(create).toHaveLength(SAMPLES);

  await cp.stop();
}, 300_000);
