import {
  DeleteMeshCommand,
  DeleteRouteCommand,
  DeleteVirtualNodeCommand,
  DeleteVirtualRouterCommand,
  DeleteVirtualServiceCommand,
  UpdateRouteCommand,
} from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '../../../control-plane/snapshot/index.js';
import { createColorMesh, weightsOf } from '../../support/color-mesh.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { routeSpec } from '../../support/fixtures.js';

const MESH = 'snap';

/** The color mesh, plus a node `unrelated` that nothing routes to. */
const NODES = ['blue', 'green', 'front', 'unrelated'];

async function poll(cp: TestControlPlane, node: string, etag?: string, mesh = MESH) {
  const res = await fetch(`${cp.url}/tessera/v1/meshes/${mesh}/virtualNodes/${node}/snapshot`, {
    headers: etag ? { 'if-none-match': etag } : {},
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag') ?? undefined, text };
}

function snapshotOf(text: string): Snapshot {
  const parsed = parseSnapshot(JSON.parse(text));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.snapshot;
}

describe('snapshot endpoint', () => {
  let cp: TestControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane();
    await createColorMesh(cp, MESH, NODES);
  });
  afterAll(async () => {
    await cp?.stop();
  });

  it('serves a node its compiled snapshot with an ETag that is its version', async () => {
    const first = await poll(cp, 'front');
    expect(first.status).toBe(200);
    const snapshot = snapshotOf(first.text);
    expect(first.etag).toBe(`"${snapshot.version}"`);
    expect(snapshot.proxy).toEqual({ kind: 'virtualNode', name: 'front' });
    expect(weightsOf(snapshot)).toEqual({ 'blue:8080': 3, 'green:8080': 1 });
  });

  it('answers 304 with no body when nothing changed, for one DynamoDB read on a warm instance', async () => {
    const { etag } = await poll(cp, 'front');
    cp.dynamodbCalls.length = 0;
    const again = await poll(cp, 'front', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.etag).toBe(etag);
    expect(cp.dynamodbCalls).toEqual(['GetItemCommand']);
  });

  it('answers 304 from a cold instance for two DynamoDB reads (the generation and the shared cache)', async () => {
    const { etag } = await poll(cp, 'front');
    const cold = await startTestControlPlane({ tableName: cp.tableName });
    try {
      const res = await poll(cold, 'front', etag);
      expect(res.status).toBe(304);
      expect(cold.dynamodbCalls).toEqual(['GetItemCommand', 'GetItemCommand']);
    } finally {
      await cold.stop();
    }
  });

  it('serves the new snapshot on the first poll after a write that changes it', async () => {
    const before = await poll(cp, 'front');
    await cp.client.send(
      new UpdateRouteCommand({
        meshName: MESH,
        virtualRouterName: 'colors',
        routeName: 'split',
        spec: routeSpec({ blue: 1, green: 1 }),
      }),
    );
    const after = await poll(cp, 'front', before.etag);
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(before.etag);
    expect(weightsOf(snapshotOf(after.text))).toEqual({ 'blue:8080': 1, 'green:8080': 1 });
  });

  it('reads a changed mesh once for all the proxies that poll after the change', async () => {
    const front = await poll(cp, 'front');
    const blue = await poll(cp, 'blue');
    await cp.client.send(
      new UpdateRouteCommand({
        meshName: MESH,
        virtualRouterName: 'colors',
        routeName: 'split',
        spec: routeSpec({ blue: 2, green: 1 }),
      }),
    );
    cp.dynamodbCalls.length = 0;
    expect((await poll(cp, 'front', front.etag)).status).toBe(200);
    // blue calls colors.local too (every fixture node does), so its snapshot changed as well.
    expect((await poll(cp, 'blue', blue.etag)).status).toBe(200);
    expect(cp.dynamodbCalls.filter((c) => c === 'QueryCommand')).toHaveLength(1);
  });

  it('keeps the version when a write does not touch what the node uses', async () => {
    const before = await poll(cp, 'front');
    await cp.client.send(new DeleteVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'unrelated' }));
    const after = await poll(cp, 'front', before.etag);
    expect(after.status).toBe(304);
  });

  it('tells a recreated mesh apart from the one it replaced', async () => {
    const other = 'recreated';
    await createColorMesh(cp, other, NODES);
    const first = await poll(cp, 'front', undefined, other);
    // Tear down and build the same mesh again: same names, same generation count, new uid.
    await cp.client.send(
      new DeleteVirtualServiceCommand({ meshName: other, virtualServiceName: 'colors.local' }),
    );
    await cp.client.send(
      new DeleteRouteCommand({ meshName: other, virtualRouterName: 'colors', routeName: 'split' }),
    );
    await cp.client.send(new DeleteVirtualRouterCommand({ meshName: other, virtualRouterName: 'colors' }));
    for (const node of ['blue', 'green', 'front', 'unrelated']) {
      await cp.client.send(new DeleteVirtualNodeCommand({ meshName: other, virtualNodeName: node }));
    }
    await cp.client.send(new DeleteMeshCommand({ meshName: other }));
    await createColorMesh(cp, other, NODES);
    const second = await poll(cp, 'front', first.etag, other);
    expect(second.status).toBe(200);
    expect(snapshotOf(second.text).meshUid).not.toBe(snapshotOf(first.text).meshUid);
  });

  it('answers 404 for a node or mesh that does not exist, and 400 for a bad name', async () => {
    const node = await poll(cp, 'ghost');
    expect(node.status).toBe(404);
    expect(JSON.parse(node.text)).toEqual({ message: 'Virtual node "ghost" in mesh "snap" does not exist' });
    const mesh = await poll(cp, 'front', undefined, 'nope');
    expect(mesh.status).toBe(404);
    const bad = await poll(cp, 'bad%20name');
    expect(bad.status).toBe(400);
  });

  it('shows a write to a proxy polling every P seconds within P + 1 s', async () => {
    const periodMs = 1_000;
    let etag = (await poll(cp, 'front')).etag;
    let changedAt: number | undefined;
    let seenAt: number | undefined;
    const poller = (async () => {
      while (seenAt === undefined) {
        const res = await poll(cp, 'front', etag);
        if (res.status === 200 && changedAt !== undefined) seenAt = Date.now();
        etag = res.etag ?? etag;
        if (seenAt === undefined) await new Promise((resolve) => setTimeout(resolve, periodMs));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    changedAt = Date.now();
    await cp.client.send(
      new UpdateRouteCommand({
        meshName: MESH,
        virtualRouterName: 'colors',
        routeName: 'split',
        spec: routeSpec({ blue: 0, green: 1 }),
      }),
    );
    await poller;
    expect(seenAt! - changedAt).toBeLessThanOrEqual(periodMs + 1_000);
  });
});
