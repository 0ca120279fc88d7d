import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRouteCommand, ListMeshesCommand } from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { tessera } from './resources/run-cli.js';

const COLOR_APP = join(import.meta.dirname, '../fixtures/cloudformation/color-app.yaml');

describe('tessera apply and diff', () => {
  let controlPlane: TestControlPlane;
  let dir: string;
  beforeAll(async () => {
    controlPlane = await startTestControlPlane();
    dir = await mkdtemp(join(tmpdir(), 'tessera-apply-'));
  });
  afterAll(async () => {
    await controlPlane.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes nothing with --dry-run, then creates, then reports all unchanged', async () => {
    const url = ['--control-plane', controlPlane.url];
    const dry = await tessera(['apply', '-f', COLOR_APP, '--dry-run', ...url]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would create virtual node "colorteller-blue" in mesh "colors"');
    expect(dry.stdout).toContain('dry run: 9 to create, 0 to update, 0 unchanged; nothing was written');
    expect((await controlPlane.client.send(new ListMeshesCommand({}))).meshes).toEqual([]);

    const first = await tessera(['apply', '-f', COLOR_APP], { TESSERA_CONTROL_PLANE: controlPlane.url });
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^skipped 9 non-App Mesh resources: AWS::ECS::Service ×3, /);
    expect(lines).toContain('created mesh "colors"');
    expect(lines).toContain(
      'created route "colorteller-route" of virtual router "colorteller-router" in mesh "colors"',
    );
    expect(lines.at(-1)).toBe('9 created, 0 updated, 0 unchanged');

    const second = await tessera(['apply', '-f', COLOR_APP, ...url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 created, 0 updated, 9 unchanged');
  });

  it('diff exits 0 when nothing would change and 1 with the spec diff when something would', async () => {
    const url = ['--control-plane', controlPlane.url];
    const same = await tessera(['diff', '-f', COLOR_APP, ...url]);
    expect(same).toMatchObject({ code: 0, stdout: 'no changes: all 9 resources are up to date\n' });

    const different = await tessera([
      'diff',
      '-f',
      COLOR_APP,
      '--parameter',
      'BlueWeight=70',
      '-p',
      'GreenWeight=30',
      ...url,
    ]);
    expect(different.code).toBe(1);
    expect(different.stdout).toContain('would update route "colorteller-route"');
    expect(different.stdout).toMatch(/- +weight: 80\n.*\n? *\+ +weight: 70/);
    const route = await controlPlane.client.send(
      new DescribeRouteCommand({
        meshName: 'colors',
        virtualRouterName: 'colorteller-router',
        routeName: 'colorteller-route',
      }),
    );
    expect(route.route?.spec?.httpRoute?.action?.weightedTargets?.[0]?.weight).toBe(80);

    const applied = await tessera([
      'apply',
      '-f',
      COLOR_APP,
      '-p',
      'BlueWeight=70',
      '-p',
      'GreenWeight=30',
      ...url,
    ]);
    expect(applied.stdout).toContain(
      'updated route "colorteller-route" of virtual router "colorteller-router" in mesh "colors"',
    );
    expect(applied.stdout).toContain('0 created, 1 updated, 8 unchanged');
  });

  it('prints the field paths of a validation failure, with their lines, and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      `- kind: VirtualNode
  meshName: colors
  virtualNodeName: broken
  spec:
    listeners: [ { portMapping: { port: 70000, protocol: http } } ]
    serviceDiscovery: { dns: { hostname: broken.colors.local } }
`,
    );
    const run = await tessera(['apply', '-f', file, '--control-plane', controlPlane.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `tessera apply: creating virtual node "broken" in mesh "colors" (${file}:1:3: [0]): BadRequestException: the control plane refused it:`,
    );
    expect(run.stderr).toContain(
      `${file}:5:35: spec.listeners[0].portMapping.port: must be between 1 and 65535, got 70000`,
    );
  });

  it('names the missing parameter and the bad line before calling the control plane', async () => {
    const template = join(dir, 'needs-mesh.yaml');
    await writeFile(
      template,
      `Parameters:\n  MeshName: { Type: String }\nResources:\n  Mesh:\n    Type: AWS::AppMesh::Mesh\n    Properties: { MeshName: !Ref MeshName }\n`,
    );
    const run = await tessera(['apply', '-f', template, '--control-plane', 'http://127.0.0.1:1']);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(
      `tessera apply: ${template}:6:19: Resources.Mesh.Properties.MeshName.Ref: parameter MeshName has no value: pass --parameter MeshName=VALUE (it has no Default)\n`,
    );
  });

  it('says the control plane cannot be reached, and exits 1', async () => {
    const run = await tessera(['apply', '-f', COLOR_APP, '--control-plane', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('tessera apply: reading mesh "colors" (');
    expect(run.stderr).toContain(
      'cannot reach the control plane at http://127.0.0.1:9 (ECONNREFUSED); start one with "tessera control-plane"',
    );
    const diff = await tessera(['diff', '-f', COLOR_APP], { TESSERA_CONTROL_PLANE: 'http://127.0.0.1:9' });
    expect(diff.code).toBe(2);
    const badUrl = await tessera(['get', 'meshes', '--control-plane', 'localhost:7070']);
    expect(badUrl).toMatchObject({ code: 1 });
    expect(badUrl.stderr).toContain(
      '--control-plane: must be an http(s) URL such as http://127.0.0.1:7070, got "localhost:7070"',
    );
    expect(await readFile(COLOR_APP, 'utf8')).toContain('AWS::AppMesh::Mesh');
  });
});
