import { describe, expect, it } from 'vitest';
import { accepted, patch, problems } from './helpers.js';

const target = { virtualService: { virtualServiceName: 'colors.demo.local' }, port: 8080 };

/** Every optional field of an http gateway route set. */
const httpGatewayRoute = {
  priority: 5,
  httpRoute: {
    match: {
      prefix: '/colors/',
      queryParameters: [{ name: 'v', match: { exact: '2' } }],
      method: 'GET',
      hostname: { suffix: '.demo.example.com' },
      headers: [{ name: 'x-canary', invert: true, match: { exact: 'no' } }],
      port: 8443,
    },
    action: {
      target,
      rewrite: {
        prefix: { value: '/v2/' },
        hostname: { defaultTargetHostname: 'DISABLED' },
      },
    },
  },
};

const http2GatewayRoute = {
  http2Route: {
    match: { path: { exact: '/colors/blue' }, hostname: { exact: 'api.example.com' } },
    action: {
      target: { virtualService: { virtualServiceName: 'colors.demo.local' } },
      rewrite: { path: { exact: '/blue' }, hostname: { defaultTargetHostname: 'ENABLED' } },
    },
  },
};

const grpcGatewayRoute = {
  priority: 0,
  grpcRoute: {
    match: {
      serviceName: 'colors.ColorService',
      hostname: { exact: 'grpc.example.com' },
      metadata: [{ name: 'x-tenant', invert: false, match: { regex: '^t-[0-9]+$' } }],
      port: 8080,
    },
    action: { target, rewrite: { hostname: { defaultTargetHostname: 'DISABLED' } } },
  },
};

const http = (match: object, rewrite?: object) => ({
  httpRoute: { match, action: { target, ...(rewrite ? { rewrite } : {}) } },
});

describe('gateway route spec', () => {
  it('accepts every field of http, http2 and grpc gateway routes and returns them unchanged', () => {
    for (const spec of [httpGatewayRoute, http2GatewayRoute, grpcGatewayRoute]) {
      expect(accepted('gatewayRoute', spec)).toEqual(spec);
    }
  });

  it('accepts a default prefix rewrite and a hostname-only match', () => {
    const spec = http({ hostname: { exact: 'a.example.com' } }, { prefix: { defaultPrefix: 'DISABLED' } });
    expect(accepted('gatewayRoute', spec)).toEqual(spec);
  });

  it('requires a spec with exactly one route type, and has no tcp routes', () => {
    expect(problems('gatewayRoute', undefined)).toEqual(['spec: is required']);
    expect(problems('gatewayRoute', { priority: 1 })).toEqual([
      'spec: must set exactly one of httpRoute, http2Route, grpcRoute',
    ]);
    expect(problems('gatewayRoute', { tcpRoute: {} })).toEqual([
      'spec.tcpRoute: unknown field',
      'spec: must set exactly one of httpRoute, http2Route, grpcRoute',
    ]);
  });

  it('bounds priority to 0–1000', () => {
    expect(problems('gatewayRoute', patch(grpcGatewayRoute, ['priority'], 1001))).toEqual([
      'spec.priority: must be between 0 and 1000, got 1001',
    ]);
  });

  it('requires the target virtual service name', () => {
    expect(
      problems(
        'gatewayRoute',
        patch(httpGatewayRoute, ['httpRoute', 'action', 'target', 'virtualService'], {}),
      ),
    ).toEqual(['spec.httpRoute.action.target.virtualService.virtualServiceName: is required']);
    expect(
      problems('gatewayRoute', patch(grpcGatewayRoute, ['grpcRoute', 'action', 'target'], undefined)),
    ).toEqual(['spec.grpcRoute.action.target: is required']);
  });

  it('checks hostname matches', () => {
    expect(problems('gatewayRoute', http({ hostname: {} }))).toEqual([
      'spec.httpRoute.match.hostname: must set exactly one of exact, suffix',
    ]);
    expect(problems('gatewayRoute', http({ hostname: { exact: 'h'.repeat(254) } }))[0]).toMatch(
      /^spec\.httpRoute\.match\.hostname\.exact: must have at most 253 characters, got "h+\.\.\.$/,
    );
  });

  it('checks prefix and path matches', () => {
    expect(problems('gatewayRoute', http({ prefix: 'colors', path: { regex: '.*' } }))).toEqual([
      'spec.httpRoute.match.prefix: must start with /, got "colors"',
      'spec.httpRoute.match: must set at most one of prefix, path, got ["prefix","path"]',
    ]);
  });

  describe('rewrites', () => {
    it('allow at most one of defaultPrefix and value, and a value starts with /', () => {
      expect(
        problems(
          'gatewayRoute',
          http({ prefix: '/' }, { prefix: { defaultPrefix: 'ENABLED', value: 'v2/' } }),
        ),
      ).toEqual([
        'spec.httpRoute.action.rewrite.prefix.value: must start with /, got "v2/"',
        'spec.httpRoute.action.rewrite.prefix: must set at most one of defaultPrefix, value, got ["defaultPrefix","value"]',
      ]);
      expect(problems('gatewayRoute', http({ prefix: '/' }, { prefix: { defaultPrefix: 'YES' } }))).toEqual([
        'spec.httpRoute.action.rewrite.prefix.defaultPrefix: must be one of ENABLED, DISABLED, got "YES"',
      ]);
    });

    it('match the kind of path match', () => {
      expect(problems('gatewayRoute', http({ path: { exact: '/a' } }, { prefix: { value: '/b/' } }))).toEqual(
        ['spec.httpRoute.action.rewrite.prefix: requires a prefix match, not match.path'],
      );
      expect(problems('gatewayRoute', http({ prefix: '/a/' }, { path: { exact: '/b' } }))).toEqual([
        'spec.httpRoute.action.rewrite.path: requires match.path',
      ]);
    });

    it('offer only the hostname rewrite on grpc routes', () => {
      expect(
        problems(
          'gatewayRoute',
          patch(grpcGatewayRoute, ['grpcRoute', 'action', 'rewrite', 'prefix'], { value: '/' }),
        ),
      ).toEqual(['spec.grpcRoute.action.rewrite.prefix: unknown field']);
    });
  });

  it('checks grpc metadata', () => {
    expect(
      problems(
        'gatewayRoute',
        patch(
          grpcGatewayRoute,
          ['grpcRoute', 'match', 'metadata'],
          [{ name: '', match: { range: { start: 'a', end: 2 } } }],
        ),
      ),
    ).toEqual([
      'spec.grpcRoute.match.metadata[0].name: must not be empty, got ""',
      'spec.grpcRoute.match.metadata[0].match.range.start: must be a number, got "a"',
    ]);
  });
});
