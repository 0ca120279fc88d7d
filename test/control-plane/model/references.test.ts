import { describe, expect, it } from 'vitest';
import { specReferences } from '../../../control-plane/model/index.js';

const mesh = 'demo';

describe('specReferences', () => {
  it('names the virtual node or router that provides a virtual service', () => {
    expect(
      specReferences('virtualService', mesh, { provider: { virtualNode: { virtualNodeName: 'blue' } } }),
    ).toEqual([
      {
        key: { kind: 'virtualNode', meshName: mesh, name: 'blue' },
        field: 'spec.provider.virtualNode.virtualNodeName',
      },
    ]);
    expect(
      specReferences('virtualService', mesh, {
        provider: { virtualRouter: { virtualRouterName: 'colors' } },
      }),
    ).toEqual([
      {
        key: { kind: 'virtualRouter', meshName: mesh, name: 'colors' },
        field: 'spec.provider.virtualRouter.virtualRouterName',
      },
    ]);
    expect(specReferences('virtualService', mesh, {})).toEqual([]);
  });

  it('names every weighted target of a route once, at its first field', () => {
    const action = {
      weightedTargets: [
        { virtualNode: 'blue', weight: 50 },
        { virtualNode: 'green', weight: 50 },
        { virtualNode: 'blue', weight: 0, port: 8081 },
      ],
    };
    for (const type of ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute']) {
      expect(specReferences('route', mesh, { [type]: { match: {}, action } })).toEqual([
        {
          key: { kind: 'virtualNode', meshName: mesh, name: 'blue' },
          field: `spec.${type}.action.weightedTargets[0].virtualNode`,
        },
        {
          key: { kind: 'virtualNode', meshName: mesh, name: 'green' },
          field: `spec.${type}.action.weightedTargets[1].virtualNode`,
        },
      ]);
    }
  });

  it('names the target virtual service of a gateway route', () => {
    for (const type of ['httpRoute', 'http2Route', 'grpcRoute']) {
      const spec = {
        [type]: {
          match: {},
          action: { target: { virtualService: { virtualServiceName: 'colors.demo.local' } } },
        },
      };
      expect(specReferences('gatewayRoute', mesh, spec)).toEqual([
        {
          key: { kind: 'virtualService', meshName: mesh, name: 'colors.demo.local' },
          field: `spec.${type}.action.target.virtualService.virtualServiceName`,
        },
      ]);
    }
  });

  it('does not count virtual node backends, listeners or containers as references', () => {
    const node = {
      serviceDiscovery: { dns: { hostname: 'blue.demo.local' } },
      backends: [{ virtualService: { virtualServiceName: 'colors.demo.local' } }],
    };
    expect(specReferences('virtualNode', mesh, node)).toEqual([]);
    expect(specReferences('mesh', mesh, { egressFilter: { type: 'DROP_ALL' } })).toEqual([]);
    expect(specReferences('virtualRouter', mesh, { listeners: [] })).toEqual([]);
    expect(specReferences('virtualGateway', mesh, { listeners: [] })).toEqual([]);
  });

  it('ignores malformed input instead of throwing', () => {
    expect(specReferences('route', mesh, undefined)).toEqual([]);
    expect(
      specReferences('route', mesh, {
        httpRoute: { action: { weightedTargets: [null, { virtualNode: 7 }] } },
      }),
    ).toEqual([]);
    expect(specReferences('gatewayRoute', mesh, { grpcRoute: 'x' })).toEqual([]);
  });
});
