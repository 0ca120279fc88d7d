// The example app (cdk/example-app.ts, what cdk/app.ts synthesizes): cdk-nag's AwsSolutions pack finds
// nothing unsuppressed, and the template holds what a user deploying it would look for.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColorsExampleStack, exampleProps } from '../../cdk/example-app.js';
import { PROXY_CONTAINER_NAME } from '../../cdk/index.js';
import { validateSpec } from '../../control-plane/model/index.js';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** The example stack as cdk/app.ts makes it, with `context` as `-c` would give it; no bundling. */
function exampleStack(context: Record<string, unknown> = {}): ColorsExampleStack {
  const outdir = mkdtempSync(join(tmpdir(), 'tessera-app-test-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return new ColorsExampleStack(app, 'TesseraColors', exampleProps(app));
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The Spec of the `Custom::TesseraMeshResource` of `kind` named `name`, as an object. */
function meshSpec(template: Template, kind: string, name: string): Record<string, unknown> {
  const found = Object.values(resourcesOf(template, 'Custom::TesseraMeshResource')).find(
    (r) => r.Properties.Kind === kind && r.Properties.Name === name,
  );
  if (found === undefined) throw new Error(`no ${kind} named ${name}`);
  const spec = found.Properties.Spec;
  if (typeof spec === 'string') return JSON.parse(spec);
  // A spec with tokens is an Fn::Join; its token parts sit inside JSON strings.
  const [separator, parts] = (spec as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(separator));
}

interface ContainerJson {
  readonly Name: string;
  readonly DependsOn?: { ContainerName: string; Condition: string }[];
}

describe('example app', () => {
  let stack: ColorsExampleStack;
  let template: Template;

  beforeAll(() => {
    stack = exampleStack();
    Aspects.of(stack.node.root).add(new AwsSolutionsChecks({ verbose: true }));
    template = Template.fromStack(stack);
  }, 60_000);

  describe('cdk-nag AwsSolutions', () => {
    const findings = (kind: 'error' | 'warning') => {
      const annotations = Annotations.fromStack(stack);
      const pattern = Match.stringLikeRegexp('AwsSolutions-.*');
      const found =
        kind === 'error' ? annotations.findError('*', pattern) : annotations.findWarning('*', pattern);
      return found.map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`);
    };

    it('reports no unsuppressed error', () => {
      expect(findings('error')).toEqual([]);
    });

    it('reports no unsuppressed warning', () => {
      expect(findings('warning')).toEqual([]);
    });

    it('leaves no warning of any kind (CDK, Tessera or cdk-nag)', () => {
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
      expect(warnings.map((w) => `${w.id}: ${String(w.entry.data).split('\n')[0]}`)).toEqual([]);
    });
  });

  it('splits colors.local 80/20 between blue and green, retrying server errors', () => {
    const spec = meshSpec(template, 'route', 'paint');
    expect(spec).toEqual({
      httpRoute: {
        match: { prefix: '/' },
        action: {
          weightedTargets: [
            { virtualNode: 'blue', weight: 80 },
            { virtualNode: 'green', weight: 20 },
          ],
        },
        retryPolicy: {
          maxRetries: 2,
          perRetryTimeout: { unit: 'ms', value: 1000 },
          httpRetryEvents: ['server-error'],
        },
      },
    });
    const result = validateSpec('route', spec);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(meshSpec(template, 'virtualService', 'colors.local')).toEqual({
      provider: { virtualRouter: { virtualRouterName: 'colors' } },
    });
  });

  it('matches each node to its tasks by the ECS_TASK_DEFINITION_FAMILY Cloud Map attribute', () => {
    const families = Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition')).map(
      (task) => task.Properties.Family,
    );
    expect(families.sort()).toEqual(['colors-blue', 'colors-front', 'colors-green']);
    for (const name of ['front', 'blue', 'green']) {
      const spec = meshSpec(template, 'virtualNode', name) as { serviceDiscovery: unknown };
      expect(spec.serviceDiscovery).toEqual({
        awsCloudMap: {
          namespaceName: 'colors.local',
          serviceName: 'TOKEN',
          attributes: [{ key: 'ECS_TASK_DEFINITION_FAMILY', value: `colors-${name}` }],
        },
      });
    }
    // The services that name the nodes' Cloud Map service, in an HTTP namespace (no hosted zone).
    template.resourceCountIs('AWS::ServiceDiscovery::HttpNamespace', 1);
    const services = Object.values(resourcesOf(template, 'AWS::ServiceDiscovery::Service'));
    expect(services.map((service) => service.Properties.Name).sort()).toEqual(['blue', 'front', 'green']);
    // The control plane watches the cluster's task state changes.
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.ecs'],
        detail: { clusterArn: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster'), 'Arn'] }] },
      }),
    });
  });

  it('runs the proxy in every task, intercepting, with the app waiting for it to be healthy', () => {
    const tasks = Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition'));
    expect(tasks).toHaveLength(3);
    for (const task of tasks) {
      const containers = task.Properties.ContainerDefinitions as ContainerJson[];
      expect(containers.map((c) => c.Name).sort()).toEqual(['app', PROXY_CONTAINER_NAME]);
      expect(containers.find((c) => c.Name === 'app')?.DependsOn).toEqual([
        { ContainerName: PROXY_CONTAINER_NAME, Condition: 'HEALTHY' },
      ]);
      expect(task.Properties.ProxyConfiguration).toMatchObject({
        Type: 'APPMESH',
        ContainerName: PROXY_CONTAINER_NAME,
      });
    }
  });

  it('needs no NAT gateway: tasks get public IPs in public subnets', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::ECS::Service', 3);
    template.allResourcesProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
    });
  });

  it('has a dashboard of the three nodes and the route', () => {
    const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    // The body is an Fn::Join whose tokens (the mesh resources' names) sit inside JSON strings.
    const [, parts] = (dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })[
      'Fn::Join'
    ];
    const text = parts
      .map((part) =>
        typeof part === 'string' ? part : `<${(part as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0]}>`,
      )
      .join('');
    const widgets = (JSON.parse(text) as { widgets: { type: string; properties: Record<string, unknown> }[] })
      .widgets;
    const nameOf = (kind: string, name: string) =>
      `<${Object.entries(resourcesOf(template, 'Custom::TesseraMeshResource')).find(([, r]) => r.Properties.Kind === kind && r.Properties.Name === name)![0]}>`;
    const headings = widgets
      .filter((w) => w.type === 'text')
      .map((w) => String(w.properties.markdown).split('\n')[0]);
    expect(headings).toEqual(
      ['front', 'blue', 'green'].map(
        (node) => `### Virtual node ${nameOf('virtualNode', node)} (mesh ${nameOf('mesh', 'colors')})`,
      ),
    );
    const routeMetrics = widgets
      .flatMap((w) => (w.properties.metrics ?? []) as unknown[][])
      .filter((metric) => metric.includes('Route'));
    expect(routeMetrics.map((metric) => metric[1])).toEqual(
      expect.arrayContaining([
        'RequestCountPerTarget',
        'HTTPCode_Target_5XX_Count',
        'TargetResponseTime',
        'RetryCount',
      ]),
    );
    for (const metric of routeMetrics) expect(metric).toContain(nameOf('route', 'paint'));
    template.hasOutput('DashboardUrl', {});
  });

  it('reads its settings from the context', () => {
    const custom = Template.fromStack(
      exampleStack({
        meshName: 'paints',
        greenWeight: '50',
        natGateways: '1',
        proxyImage: 'example.com/p:1',
      }),
    );
    expect(meshSpec(custom, 'route', 'paint')).toMatchObject({
      httpRoute: {
        action: {
          weightedTargets: [
            { virtualNode: 'blue', weight: 50 },
            { virtualNode: 'green', weight: 50 },
          ],
        },
      },
    });
    custom.resourceCountIs('AWS::EC2::NatGateway', 1);
    custom.allResourcesProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    custom.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'paints-front',
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({ Name: PROXY_CONTAINER_NAME, Image: 'example.com/p:1' }),
      ]),
    });
    expect(() => exampleStack({ greenWeight: '101', natGateways: 'one' })).toThrow(
      /greenWeight: must be an integer between 0 and 100, got 101; natGateways: must be 0, 1 or 2 \(one per AZ at most\), got NaN/,
    );
  });
});
