import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DevFileError, parseDevFile } from '../../../cli/dev/dev-file.js';

const EXAMPLE = join(import.meta.dirname, '../../../examples/colors/mesh.yaml');

const RESOURCES = `resources:
  - kind: Mesh
    meshName: m
  - kind: VirtualNode
    meshName: m
    virtualNodeName: a
    spec:
      listeners:
        - portMapping: { port: 8080, protocol: http }
      serviceDiscovery: { awsCloudMap: { namespaceName: m.local, serviceName: a } }
  - kind: VirtualNode
    meshName: m
    virtualNodeName: b
`;

function problems(text: string): string[] {
  try {
    parseDevFile(text, 'mesh.yaml');
  } catch (error) {
    if (error instanceof DevFileError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a DevFileError');
}

describe('parseDevFile', () => {
  it('reads the colors example: resources, services with their listener ports, and the load generator', () => {
    const file = parseDevFile(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
    expect(file.resources.map((r) => r.kind)).toEqual([
      'mesh',
      'virtualNode',
      'virtualNode',
      'virtualNode',
      'virtualNode',
      'virtualRouter',
      'route',
      'virtualService',
    ]);
    expect(file.services.map((s) => [s.name, s.meshName, s.command, s.listenerPort])).toEqual([
      ['front', 'colors', 'node front.mjs', 8080],
      ['blue', 'colors', 'node color.mjs', 8080],
      ['green', 'colors', 'node color.mjs', 8080],
      ['red', 'colors', 'node color.mjs', 8080],
    ]);
    expect(file.services[2]!.env).toEqual({ COLOR: 'green', FAIL_RATE: '0.3' });
    expect(file.load).toEqual({ service: 'front', rate: 20, path: '/' });
    expect(file.dir).toBe(join(import.meta.dirname, '../../../examples/colors'));
  });

  it('takes an argv command, a fixed port, and a node without listeners', () => {
    const file = parseDevFile(
      `${RESOURCES}services:\n  - name: a\n    command: [node, a.mjs]\n    port: 3000\n  - name: b\n    command: ./b.sh\n`,
      'mesh.yaml',
    );
    expect(file.services).toEqual([
      { name: 'a', meshName: 'm', command: ['node', 'a.mjs'], env: {}, port: 3000, listenerPort: 8080 },
      { name: 'b', meshName: 'm', command: './b.sh', env: {} },
    ]);
  });

  it('reports every problem in services and load with file:line:column, at once', () => {
    const text = `${RESOURCES}services:
  - name: a
    command: node a.mjs
    port: abc
  - name: c
    command: []
    env: { PORT: 1, "bad name": x, OK: [1] }
  - name: a
    colour: red
load:
  service: b
  rate: 0
  path: nope
`;
    expect(problems(text)).toEqual([
      'mesh.yaml:17:11 services[0].port: must be a port number (1–65535), got "abc"',
      'mesh.yaml:18:11 services[1].name: must name a VirtualNode in resources (mesh "m"), got "c"',
      'mesh.yaml:19:14 services[1].command: must be a command line or a non-empty list of arguments, got a list',
      'mesh.yaml:20:12 services[1].env.PORT: is set by tessera dev (the app port and its proxy) and cannot be given',
      'mesh.yaml:20:21 services[1].env: must have variable names (letters, digits, _), got "bad name"',
      'mesh.yaml:20:40 services[1].env.OK: must be a string, number or boolean, got a list',
      'mesh.yaml:22:5 services[2].colour: is not a known field (expected name, mesh, command, env, port)',
      'mesh.yaml:21:11 services[2].name: must be unique, got "a" twice',
      'mesh.yaml:21:5 services[2].command: is required (a shell command line, or a list of arguments)',
      'mesh.yaml:24:12 load.service: must name one of services[].name, got "b"',
      'mesh.yaml:25:9 load.rate: must be a number of requests per second above 0 and at most 1000, got 0',
      'mesh.yaml:26:9 load.path: must be a path starting with /, got "nope"',
    ]);
  });

  it('refuses a load generator for a service without a listener', () => {
    expect(
      problems(`${RESOURCES}services:\n  - name: b\n    command: x\nload: { service: b, rate: 5 }\n`),
    ).toEqual(['mesh.yaml:17:18 load.service: virtual node "b" has no listener to send requests to']);
  });

  it('reports the resources parser’s problems with their location too', () => {
    const text = `resources:
  - kind: VirtualNode
    meshName: m
    virtualNodeName: a
    spec: { listners: [] }
services:
  - name: a
    command: x
`;
    const found = problems(text);
    expect(found[0]).toMatch(/^mesh\.yaml:5:13 resources\[0\]\.spec\.listners: /);
  });

  it('reports YAML syntax errors and a missing services section with their location', () => {
    expect(problems('resources: [\n')).toEqual([expect.stringMatching(/^mesh\.yaml:2:1: /)]);
    expect(problems(`${RESOURCES}extra: 1\n`)).toEqual([
      'mesh.yaml:14:1 extra: is not a known field (expected resources, services, load)',
      'mesh.yaml:1:1 services: must be a non-empty list of services, got nothing',
    ]);
    expect(problems('- a\n')).toEqual([
      'mesh.yaml:1:1: must be a mapping with resources: and services:, got a list',
    ]);
  });
});
