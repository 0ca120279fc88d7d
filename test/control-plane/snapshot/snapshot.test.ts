import { describe, expect, it } from 'vitest';
import { contentHash, parseSnapshot, type Snapshot } from '../../../control-plane/snapshot/index.js';
import { httpRoute, MeshBuilder, nodeSpec, routeMesh } from '../../support/snapshot-mesh.js';

function nodeSnapshot(): { snapshot: Snapshot; json: string } {
  const result = routeMesh({
    r: httpRoute(
      [
        { virtualNode: 'blue', weight: 1 },
        { virtualNode: 'green', weight: 1 },
      ],
      { match: { prefix: '/', headers: [{ name: 'x', match: { range: { start: 1, end: 2 } } }] } },
    ),
  }).compile({ kind: 'virtualNode', name: 'front' });
  if (!result.ok) throw new Error('expected a snapshot');
  return result;
}

function gatewaySnapshot(): Snapshot {
  return new MeshBuilder()
    .gateway('ingress', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] })
    .node('paint', nodeSpec('paint'))
    .service('paint.svc', 'node:paint')
    .gatewayRoute('ingress', 'all', {
      httpRoute: {
        match: { prefix: '/' },
        action: { target: { virtualService: { virtualServiceName: 'paint.svc' } } },
      },
    })
    .gatewaySnapshot('ingress');
}

/** A copy changed by `edit`, with its version recomputed so only the edit is wrong. */
// biome-ignore lint/suspicious/noExplicitAny: a test reaches into arbitrary paths of a copy
type Loose = Record<string, any>;

function edited(snapshot: Snapshot, edit: (copy: Loose) => void): Record<string, unknown> {
  const copy = structuredClone(snapshot) as Loose;
  edit(copy);
  const { version: _, ...content } = copy;
  return { ...content, version: contentHash(content) };
}

describe('parseSnapshot', () => {
  it('accepts compiled snapshots, as JSON text or parsed', () => {
    const { snapshot, json } = nodeSnapshot();
    expect(parseSnapshot(json)).toEqual({ ok: true, snapshot });
    expect(parseSnapshot(JSON.parse(json))).toEqual({ ok: true, snapshot });
    const gateway = gatewaySnapshot();
    expect(parseSnapshot(gateway)).toEqual({ ok: true, snapshot: gateway });
  });

  it('rejects what is not a JSON object', () => {
    expect(parseSnapshot('{"schemaVersion":')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^snapshot is not JSON: /),
    });
    expect(parseSnapshot([])).toEqual({ ok: false, error: 'snapshot must be a JSON object' });
    expect(parseSnapshot(null)).toEqual({ ok: false, error: 'snapshot must be a JSON object' });
  });

  it('rejects a schema version it does not know', () => {
    const { snapshot } = nodeSnapshot();
    expect(parseSnapshot({ ...snapshot, schemaVersion: 2 })).toEqual({
      ok: false,
      error: 'schemaVersion: must be 1, got 2',
    });
    const { schemaVersion: _, ...rest } = snapshot;
    expect(parseSnapshot(rest)).toEqual({ ok: false, error: 'schemaVersion: must be 1, got nothing' });
  });

  it('rejects content that does not match its version', () => {
    const { snapshot } = nodeSnapshot();
    const tampered = structuredClone(snapshot);
    tampered.virtualServices[0]!.routes[0]!.targets[0]!.weight = 99;
    const result = parseSnapshot(tampered);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /^version: does not match the content \(expected [A-Za-z0-9_-]{43}\)$/,
    );
  });

  it('names the path and rule of each schema problem', () => {
    const { snapshot } = nodeSnapshot();
    const result = parseSnapshot(
      edited(snapshot, (copy) => {
        copy.virtualServices[0].routes[0].targets[0].weight = 0;
        delete copy.clusters[0].discovery.hostname;
        copy.surprise = true;
      }),
    );
    expect(result).toEqual({
      ok: false,
      error: [
        'virtualServices[0].routes[0].targets[0].weight: Too small: expected number to be >=1',
        'clusters[0].discovery.hostname: Invalid input: expected string, received undefined',
        'surprise: Unrecognized key: "surprise"',
      ].join('; '),
    });
  });

  it('rejects a route target naming no cluster, and a cluster whose id does not fit it', () => {
    const { snapshot } = nodeSnapshot();
    const result = parseSnapshot(
      edited(snapshot, (copy) => {
        copy.virtualServices[0].routes[0].targets[1].cluster = 'purple:8080';
        copy.clusters[0].id = 'blue:9090';
      }),
    );
    expect(result).toEqual({
      ok: false,
      error: [
        'clusters[0].id: must be "blue:8080", got "blue:9090"',
        'virtualServices[0].routes[0].targets[0].cluster: must name a cluster, got "blue:8080"',
        'virtualServices[0].routes[0].targets[1].cluster: must name a cluster, got "purple:8080"',
      ].join('; '),
    });
  });

  it('rejects a gateway route whose target service is not in the snapshot', () => {
    const result = parseSnapshot(
      edited(gatewaySnapshot(), (copy) => {
        copy.virtualServices = [];
      }),
    );
    expect(result).toEqual({
      ok: false,
      error: 'gatewayRoutes[0].target.virtualService: must name a virtual service, got "paint.svc"',
    });
  });

  it('rejects an uppercase header name, which the proxy would never match', () => {
    const { snapshot } = nodeSnapshot();
    const result = parseSnapshot(
      edited(snapshot, (copy) => {
        copy.virtualServices[0].routes[0].match.headers[0].name = 'X';
      }),
    );
    expect(result).toEqual({
      ok: false,
      error: 'virtualServices[0].routes[0].match.headers[0].name: must be lowercase',
    });
  });
});
