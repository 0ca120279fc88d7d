import { describe, expect, it } from 'vitest';
import { ResourceFileError } from '../../../cli/resources/errors.js';
import { parseResourceFile } from '../../../cli/resources/parse-resource-file.js';

function problemsOf(text: string, fileName = 'mesh.yaml'): string[] {
  try {
    parseResourceFile(text, fileName);
  } catch (error) {
    if (error instanceof ResourceFileError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('parseResourceFile', () => {
  it('reads create inputs, telling the kind from `kind` or from the name members', () => {
    const resources = parseResourceFile(
      `- { kind: Mesh, meshName: m }
- { kind: virtual-router, meshName: m, virtualRouterName: r, spec: { listeners: [] } }
- { meshName: m, virtualRouterName: r, routeName: rt, spec: { tcpRoute: { action: { weightedTargets: [] } } } }
- { meshName: m, virtualGatewayName: g, gatewayRouteName: gr, spec: {} }
- { meshName: m, virtualServiceName: s.m.local, spec: {}, tags: [ { key: a, value: b } ] }
`,
      'mesh.yaml',
    );
    expect(resources.map((r) => r.kind)).toEqual([
      'mesh',
      'virtualRouter',
      'route',
      'gatewayRoute',
      'virtualService',
    ]);
    expect(resources[4]!.input).toEqual({
      meshName: 'm',
      virtualServiceName: 's.m.local',
      spec: {},
      tags: [{ key: 'a', value: 'b' }],
    });
    expect(resources[1]!.source).toBe('mesh.yaml:2:3: [1]');
  });

  it('reads Describe output, as `get -o json` prints it, dropping metadata and status', () => {
    const data = {
      meshName: 'm',
      virtualNodeName: 'n',
      spec: { listeners: [] },
      metadata: { arn: 'arn:aws:appmesh:us-east-1:000000000000:mesh/m/virtualNode/n', version: 3 },
      status: { status: 'ACTIVE' },
    };
    const one = parseResourceFile(JSON.stringify({ virtualNode: data }), 'n.json');
    expect(one).toMatchObject([
      { kind: 'virtualNode', input: { meshName: 'm', virtualNodeName: 'n', spec: { listeners: [] } } },
    ]);
    expect(one[0]!.input).not.toHaveProperty('metadata');
    const many = parseResourceFile(
      JSON.stringify({ virtualNodes: [data, { ...data, virtualNodeName: 'o' }] }),
      'n.json',
    );
    expect(many.map((r) => r.input.virtualNodeName)).toEqual(['n', 'o']);
  });

  it('reads a `resources:` list beside other sections, and one resource per YAML document', () => {
    expect(
      parseResourceFile(
        'resources:\n  - { kind: Mesh, meshName: m }\nservices: { front: { command: x } }\n',
        'dev.yaml',
      ),
    ).toHaveLength(1);
    expect(
      parseResourceFile('kind: Mesh\nmeshName: a\n---\nkind: Mesh\nmeshName: b\n', 'two.yaml').map(
        (r) => r.input.meshName,
      ),
    ).toEqual(['a', 'b']);
  });

  it('reports every problem with its line, column and field path', () => {
    expect(
      problemsOf(`resources:
  - kind: VirtualNode
    meshName: m
    virtualNodeName: n
    spec:
      listeners:
        - portMapping: { port: 8080, protocol: http }
          healthcheck: { path: /ping }
  - kind: Widget
    meshName: m
  - kind: VirtualRouter
    virtualRouterName: r
    spce: {}
`),
    ).toEqual([
      'mesh.yaml:8:11: resources[0].spec.listeners[0].healthcheck: unknown field (did you mean healthCheck?)',
      'mesh.yaml:9:5: resources[1].kind: unknown kind "Widget" (expected one of Mesh, VirtualService, VirtualNode, VirtualRouter, Route, VirtualGateway, GatewayRoute)',
      'mesh.yaml:13:5: resources[2].spce: unknown field for a VirtualRouter (expected kind, meshName, virtualRouterName, meshOwner, spec, tags)',
      'mesh.yaml:11:5: resources[2]: meshName is required',
    ]);
  });

  it('refuses the same resource twice, naming both places', () => {
    expect(problemsOf('- { kind: Mesh, meshName: m }\n- { kind: Mesh, meshName: m }\n')).toEqual([
      'mesh.yaml:2:3: [1]: mesh "m" is also defined at mesh.yaml:1:3: [0]',
    ]);
  });

  it('refuses parameters for a resource list', () => {
    expect(() => parseResourceFile('- { kind: Mesh, meshName: m }', 'm.yaml', { A: 'b' })).toThrow(
      '--parameter A: parameters apply to CloudFormation templates, and this file is a resource list',
    );
  });
});
