import {
  BadRequestException,
  ConflictException,
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  DescribeVirtualNodeCommand,
  ListTagsForResourceCommand,
  ListVirtualNodesCommand,
  NotFoundException,
  paginateListTagsForResource,
  paginateListVirtualNodes,
  TagResourceCommand,
  TooManyTagsException,
  UntagResourceCommand,
  UpdateVirtualNodeCommand,
} from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { nodeSpec } from '../../support/fixtures.js';

const MESH = 'writes';

describe('App Mesh API pagination, tags, idempotency and concurrency', () => {
  let cp: TestControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane();
    await cp.client.send(new CreateMeshCommand({ meshName: MESH }));
  });
  afterAll(async () => {
    await cp?.stop();
  });

  it('paginates with limit and an opaque nextToken, through the SDK paginator', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `page-node-${i}`);
    for (const name of names) {
      await cp.client.send(new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: name, spec: {} }));
    }
    const first = await cp.client.send(new ListVirtualNodesCommand({ meshName: MESH, limit: 3 }));
    expect(first.virtualNodes).toHaveLength(3);
    expect(first.nextToken).toEqual(expect.any(String));

    const pages: string[][] = [];
    for await (const page of paginateListVirtualNodes(
      { client: cp.client, pageSize: 3 },
      { meshName: MESH },
    )) {
      pages.push((page.virtualNodes ?? []).map((n) => n.virtualNodeName!));
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(names);
  });

  it('rejects a limit out of range and a forged nextToken', async () => {
    await expect(
      cp.client.send(new ListVirtualNodesCommand({ meshName: MESH, limit: 101 })),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(
      cp.client.send(new ListVirtualNodesCommand({ meshName: MESH, limit: 0 })),
    ).rejects.toBeInstanceOf(BadRequestException);
    const forged = cp.client.send(new ListVirtualNodesCommand({ meshName: MESH, nextToken: 'not-a-token' }));
    await expect(forged).rejects.toBeInstanceOf(BadRequestException);
    await expect(forged).rejects.toThrow(/nextToken/);
  });

  it('tags, lists tags page by page, and untags without changing the version', async () => {
    const created = await cp.client.send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'tagged',
        spec: nodeSpec('tagged.local'),
        tags: [{ key: 'team', value: 'payments' }],
      }),
    );
    const arn = created.virtualNode!.metadata!.arn!;
    await cp.client.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'env', value: 'prod' },
          { key: 'team', value: 'checkout' },
          { key: 'cost-center', value: '42' },
        ],
      }),
    );
    const tags = (await cp.client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags;
    expect(tags).toEqual([
      { key: 'cost-center', value: '42' },
      { key: 'env', value: 'prod' },
      { key: 'team', value: 'checkout' },
    ]);
    const pages: number[] = [];
    for await (const page of paginateListTagsForResource(
      { client: cp.client, pageSize: 2 },
      { resourceArn: arn },
    )) {
      pages.push(page.tags?.length ?? 0);
    }
    expect(pages).toEqual([2, 1]);

    await cp.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env', 'not-there'] }));
    expect(
      (await cp.client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags?.map((t) => t.key),
    ).toEqual(['cost-center', 'team']);
    const node = await cp.client.send(
      new DescribeVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'tagged' }),
    );
    expect(node.virtualNode?.metadata?.version).toBe(1);
    expect(node.virtualNode?.spec).toEqual(nodeSpec('tagged.local'));
  });

  it('refuses more than 50 tags with TooManyTagsException and keeps the old ones', async () => {
    const created = await cp.client.send(
      new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'many-tags', spec: {} }),
    );
    const arn = created.virtualNode!.metadata!.arn!;
    const tags = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await cp.client.send(new TagResourceCommand({ resourceArn: arn, tags }));
    await expect(
      cp.client.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'one-more', value: 'x' }] })),
    ).rejects.toBeInstanceOf(TooManyTagsException);
    const after = await cp.client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(after.tags).toHaveLength(50);
  });

  it('answers tag operations on unknown or malformed ARNs clearly', async () => {
    await expect(
      cp.client.send(
        new ListTagsForResourceCommand({ resourceArn: 'arn:aws:appmesh:us-east-1:000000000000:mesh/none' }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      cp.client.send(
        new TagResourceCommand({ resourceArn: 'arn:aws:s3:::bucket', tags: [{ key: 'a', value: 'b' }] }),
      ),
    ).rejects.toThrow(/resourceArn: must be an App Mesh resource ARN/);
  });

  it('returns the first result when a create is retried with the same clientToken', async () => {
    const input = {
      meshName: MESH,
      virtualNodeName: 'idempotent',
      spec: nodeSpec('i.local'),
      clientToken: 'tok-1',
    };
    const first = await cp.client.send(new CreateVirtualNodeCommand(input));
    const again = await cp.client.send(new CreateVirtualNodeCommand(input));
    expect(again.virtualNode?.metadata?.uid).toBe(first.virtualNode?.metadata?.uid);
    expect(again.virtualNode?.metadata?.version).toBe(1);

    const reused = cp.client.send(new CreateVirtualNodeCommand({ ...input, spec: nodeSpec('other.local') }));
    await expect(reused).rejects.toBeInstanceOf(ConflictException);
    await expect(reused).rejects.toThrow(/clientToken "tok-1" was already used/);
  });

  it('applies an update retried with the same clientToken once', async () => {
    await cp.client.send(new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'once', spec: {} }));
    const update = {
      meshName: MESH,
      virtualNodeName: 'once',
      spec: nodeSpec('once.local'),
      clientToken: 'upd-1',
    };
    const first = await cp.client.send(new UpdateVirtualNodeCommand(update));
    const again = await cp.client.send(new UpdateVirtualNodeCommand(update));
    expect(first.virtualNode?.metadata?.version).toBe(2);
    expect(again.virtualNode?.metadata?.version).toBe(2);
    const next = await cp.client.send(new UpdateVirtualNodeCommand({ ...update, clientToken: 'upd-2' }));
    expect(next.virtualNode?.metadata?.version).toBe(3);
  });

  it('never loses a concurrent update: each is applied with its own version or refused with ConflictException', async () => {
    await cp.client.send(
      new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'contended', spec: {} }),
    );
    const writers = 16;
    const results = await Promise.allSettled(
      Array.from({ length: writers }, (_, i) =>
        cp.client.send(
          new UpdateVirtualNodeCommand({
            meshName: MESH,
            virtualNodeName: 'contended',
            spec: nodeSpec(`writer-${i}.local`),
          }),
        ),
      ),
    );
    const applied = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.virtualNode!] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(applied.length + refused.length).toBe(writers);
    expect(applied.length).toBeGreaterThanOrEqual(1);
    for (const error of refused) expect(error).toBeInstanceOf(ConflictException);

    // Versions of the applied updates are distinct and consecutive from 2.
    const versions = applied.map((n) => n.metadata!.version!).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: applied.length }, (_, i) => i + 2));

    // The stored resource is the last applied update, whole.
    const final = await cp.client.send(
      new DescribeVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'contended' }),
    );
    expect(final.virtualNode?.metadata?.version).toBe(1 + applied.length);
    const winner = applied.find((n) => n.metadata!.version === 1 + applied.length)!;
    expect(final.virtualNode?.spec).toEqual(winner.spec);
  });
});
