import { describe, expect, it } from 'vitest';
import { MAX_HEADER_MATCHES, MAX_WEIGHTED_TARGETS } from '../../../control-plane/model/index.js';
import { accepted, patch, problems } from './helpers.js';

const seconds = (value: number) => ({ unit: 's', value });
const targets = [
  { virtualNode: 'colors-blue', weight: 90, port: 8080 },
  { virtualNode: 'colors-green', weight: 10 },
];

/** Every optional field of an http route set. */
const httpRoute = {
  priority: 0,
  httpRoute: {
    match: {
      prefix: '/colors',
      queryParameters: [{ name: 'debug', match: { exact: 'true' } }, { name: 'trace' }],
      method: 'POST',
      scheme: 'https',
      headers: [
        { name: 'x-canary', invert: false, match: { exact: 'yes' } },
        { name: 'x-user', match: { prefix: 'admin-' } },
        { name: 'x-region', invert: true, match: { suffix: '-east' } },
        { name: 'x-id', match: { regex: '^[0-9]+$' } },
        { name: 'x-version', match: { range: { start: 1, end: 3 } } },
        { name: 'x-present' },
      ],
      port: 8080,
    },
    action: { weightedTargets: targets },
    retryPolicy: {
      maxRetries: 3,
      perRetryTimeout: { unit: 'ms', value: 250 },
      httpRetryEvents: ['server-error', 'gateway-error', 'client-error', 'stream-error'],
      tcpRetryEvents: ['connection-error'],
    },
    timeout: { perRequest: seconds(5), idle: seconds(60) },
  },
};

const http2Route = {
  priority: 1000,
  http2Route: {
    match: { path: { regex: '^/v[0-9]+/colors$' } },
    action: { weightedTargets: [{ virtualNode: 'colors-blue', weight: 1 }] },
    retryPolicy: { maxRetries: 0, perRetryTimeout: seconds(1), tcpRetryEvents: ['connection-error'] },
    timeout: { perRequest: seconds(0) },
  },
};

const grpcRoute = {
  priority: 10,
  grpcRoute: {
    match: {
      serviceName: 'colors.ColorService',
      methodName: 'GetColor',
      metadata: [
        { name: 'x-canary', invert: false, match: { exact: 'yes' } },
        { name: 'x-version', match: { range: { start: -5, end: 5 } } },
      ],
      port: 7070,
    },
    action: { weightedTargets: targets },
    retryPolicy: {
      maxRetries: 2,
      perRetryTimeout: seconds(1),
      grpcRetryEvents: ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'],
      httpRetryEvents: ['stream-error'],
      tcpRetryEvents: ['connection-error'],
    },
    timeout: { perRequest: seconds(2), idle: seconds(30) },
  },
};

const tcpRoute = {
  tcpRoute: {
    match: { port: 9090 },
    action: { weightedTargets: [{ virtualNode: 'db', weight: 100, port: 9090 }] },
    timeout: { idle: seconds(600) },
  },
};

const simple = (match: object, extra: object = {}) => ({
  httpRoute: { match, action: { weightedTargets: [{ virtualNode: 'a', weight: 1 }] }, ...extra },
});

describe('route spec', () => {
  it('accepts every field of http, http2, grpc and tcp routes and returns them unchanged', () => {
    for (const spec of [httpRoute, http2Route, grpcRoute, tcpRoute])
      expect(accepted('route', spec)).toEqual(spec);
  });

  it('accepts an http match with neither prefix nor path, and a tcp route with no match', () => {
    expect(accepted('route', simple({}))).toEqual(simple({}));
    const noMatch = { tcpRoute: { action: { weightedTargets: [{ virtualNode: 'db', weight: 1 }] } } };
    expect(accepted('route', noMatch)).toEqual(noMatch);
  });

  it('requires a spec', () => {
    expect(problems('route', undefined)).toEqual(['spec: is required']);
  });

  it('must set exactly one route type', () => {
    expect(problems('route', { priority: 1 })).toEqual([
      'spec: must set exactly one of httpRoute, http2Route, grpcRoute, tcpRoute',
    ]);
    expect(problems('route', { ...httpRoute, ...tcpRoute })).toEqual([
      'spec: must set exactly one of httpRoute, http2Route, grpcRoute, tcpRoute, got ["httpRoute","tcpRoute"]',
    ]);
  });

  it('bounds priority to 0–1000', () => {
    expect(problems('route', patch(httpRoute, ['priority'], 1001))).toEqual([
      'spec.priority: must be between 0 and 1000, got 1001',
    ]);
    expect(problems('route', patch(httpRoute, ['priority'], -1))).toEqual([
      'spec.priority: must be between 0 and 1000, got -1',
    ]);
  });

  describe('weighted targets', () => {
    it('require 1 to 10 targets', () => {
      expect(problems('route', patch(httpRoute, ['httpRoute', 'action', 'weightedTargets'], []))).toEqual([
        'spec.httpRoute.action.weightedTargets: must have at least 1 item, got []',
      ]);
      const eleven = Array.from({ length: MAX_WEIGHTED_TARGETS + 1 }, (_, i) => ({
        virtualNode: `n${i}`,
        weight: 1,
      }));
      expect(
        problems('route', patch(tcpRoute, ['tcpRoute', 'action', 'weightedTargets'], eleven))[0],
      ).toMatch(/^spec\.tcpRoute\.action\.weightedTargets: must have at most 10 items, got \[/);
    });

    it('bound each weight to 0–100 and require the node', () => {
      expect(
        problems(
          'route',
          patch(
            httpRoute,
            ['httpRoute', 'action', 'weightedTargets'],
            [{ weight: 101 }, { virtualNode: 'b', weight: 1.5 }],
          ),
        ),
      ).toEqual([
        'spec.httpRoute.action.weightedTargets[0].virtualNode: is required',
        'spec.httpRoute.action.weightedTargets[0].weight: must be between 0 and 100, got 101',
        'spec.httpRoute.action.weightedTargets[1].weight: must be an integer, got 1.5',
      ]);
    });

    it('accept a zero weight beside a positive one but not all zero', () => {
      const zeroAndOne = [
        { virtualNode: 'a', weight: 0 },
        { virtualNode: 'b', weight: 1 },
      ];
      expect(
        problems('route', patch(httpRoute, ['httpRoute', 'action', 'weightedTargets'], zeroAndOne)),
      ).toEqual([]);
      expect(
        problems(
          'route',
          patch(grpcRoute, ['grpcRoute', 'action', 'weightedTargets'], [{ virtualNode: 'a', weight: 0 }]),
        ),
      ).toEqual(['spec.grpcRoute.action.weightedTargets: must give at least one target a weight above 0']);
    });

    it('bound the target port', () => {
      expect(
        problems('route', patch(tcpRoute, ['tcpRoute', 'action', 'weightedTargets', 0, 'port'], 0)),
      ).toEqual(['spec.tcpRoute.action.weightedTargets[0].port: must be between 1 and 65535, got 0']);
    });
  });

  describe('http match', () => {
    it('requires a prefix to start with / and allows at most one of prefix and path', () => {
      expect(problems('route', simple({ prefix: 'colors' }))).toEqual([
        'spec.httpRoute.match.prefix: must start with /, got "colors"',
      ]);
      expect(problems('route', simple({ prefix: '/', path: { exact: '/a' } }))).toEqual([
        'spec.httpRoute.match: must set at most one of prefix, path, got ["prefix","path"]',
      ]);
    });

    it('requires exactly one of exact and regex in a path match', () => {
      expect(problems('route', simple({ path: {} }))).toEqual([
        'spec.httpRoute.match.path: must set exactly one of exact, regex',
      ]);
      expect(problems('route', simple({ path: { exact: '/a', regex: '/b' } }))).toEqual([
        'spec.httpRoute.match.path: must set exactly one of exact, regex, got ["exact","regex"]',
      ]);
    });

    it('checks method, scheme, port and query parameters', () => {
      expect(
        problems(
          'route',
          simple({ method: 'FETCH', scheme: 'ftp', port: 0, queryParameters: [{ match: { prefix: 'x' } }] }),
        ),
      ).toEqual([
        'spec.httpRoute.match.queryParameters[0].name: is required',
        'spec.httpRoute.match.queryParameters[0].match.prefix: unknown field',
        'spec.httpRoute.match.method: must be one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, got "FETCH"',
        'spec.httpRoute.match.scheme: must be one of http, https, got "ftp"',
        'spec.httpRoute.match.port: must be between 1 and 65535, got 0',
      ]);
      expect(problems('route', simple({ queryParameters: [] }))).toEqual([
        'spec.httpRoute.match.queryParameters: must have at least 1 item, got []',
      ]);
    });

    it('checks header matches', () => {
      const eleven = Array.from({ length: MAX_HEADER_MATCHES + 1 }, (_, i) => ({ name: `h${i}` }));
      expect(problems('route', simple({ headers: eleven }))[0]).toMatch(
        /^spec\.httpRoute\.match\.headers: must have at most 10 items, got/,
      );
      expect(
        problems(
          'route',
          simple({
            headers: [
              { name: 'h'.repeat(51), invert: 'no', match: { exact: 'a', prefix: 'b' } },
              { name: 'r', match: { range: { start: 5, end: 5 } } },
              { name: 'e', match: {} },
              { name: 'l', match: { exact: '' } },
            ],
          }),
        ),
      ).toEqual([
        `spec.httpRoute.match.headers[0].name: must have at most 50 characters, got "${'h'.repeat(51)}"`,
        'spec.httpRoute.match.headers[0].invert: must be a boolean, got "no"',
        'spec.httpRoute.match.headers[0].match: must set exactly one of exact, prefix, suffix, regex, range, got ["exact","prefix"]',
        'spec.httpRoute.match.headers[1].match.range.end: must be greater than start (5), got 5',
        'spec.httpRoute.match.headers[2].match: must set exactly one of exact, prefix, suffix, regex, range',
        'spec.httpRoute.match.headers[3].match.exact: must not be empty, got ""',
      ]);
    });
  });

  describe('retry policy', () => {
    it('requires retries, a per-retry timeout and at least one kind of event', () => {
      expect(problems('route', simple({}, { retryPolicy: {} }))).toEqual([
        'spec.httpRoute.retryPolicy.maxRetries: is required',
        'spec.httpRoute.retryPolicy.perRetryTimeout: is required',
        'spec.httpRoute.retryPolicy: must set at least one of httpRetryEvents, tcpRetryEvents',
      ]);
    });

    it('rejects unknown events and a negative retry count', () => {
      expect(
        problems(
          'route',
          simple(
            {},
            {
              retryPolicy: {
                maxRetries: -1,
                perRetryTimeout: seconds(1),
                httpRetryEvents: ['5xx'],
                tcpRetryEvents: ['connection-error', 'connection-error'],
              },
            },
          ),
        ),
      ).toEqual([
        'spec.httpRoute.retryPolicy.maxRetries: must be at least 0, got -1',
        'spec.httpRoute.retryPolicy.httpRetryEvents[0]: must be one of server-error, gateway-error, client-error, stream-error, got "5xx"',
        'spec.httpRoute.retryPolicy.tcpRetryEvents: must have at most 1 item, got ["connection-error","connection-error"]',
      ]);
    });

    it('accepts grpc events only on grpc routes', () => {
      expect(
        problems(
          'route',
          simple(
            {},
            { retryPolicy: { maxRetries: 1, perRetryTimeout: seconds(1), grpcRetryEvents: ['unavailable'] } },
          ),
        ),
      ).toEqual([
        'spec.httpRoute.retryPolicy.grpcRetryEvents: unknown field',
        'spec.httpRoute.retryPolicy: must set at least one of httpRetryEvents, tcpRetryEvents',
      ]);
      expect(
        problems('route', patch(grpcRoute, ['grpcRoute', 'retryPolicy', 'grpcRetryEvents'], ['aborted'])),
      ).toEqual([
        'spec.grpcRoute.retryPolicy.grpcRetryEvents[0]: must be one of cancelled, deadline-exceeded, internal, resource-exhausted, unavailable, got "aborted"',
      ]);
    });
  });

  describe('grpc match', () => {
    it('requires the service name when a method name is set', () => {
      expect(problems('route', patch(grpcRoute, ['grpcRoute', 'match', 'serviceName'], undefined))).toEqual([
        'spec.grpcRoute.match.serviceName: is required when methodName is set',
      ]);
    });

    it('checks method name length and metadata', () => {
      const spec = patch(
        patch(grpcRoute, ['grpcRoute', 'match', 'methodName'], 'm'.repeat(51)),
        ['grpcRoute', 'match', 'metadata'],
        [],
      );
      expect(problems('route', spec)).toEqual([
        `spec.grpcRoute.match.methodName: must have at most 50 characters, got "${'m'.repeat(51)}"`,
        'spec.grpcRoute.match.metadata: must have at least 1 item, got []',
      ]);
    });

    it('is required on a grpc route', () => {
      expect(problems('route', patch(grpcRoute, ['grpcRoute', 'match'], undefined))).toEqual([
        'spec.grpcRoute.match: is required',
      ]);
    });
  });

  describe('timeouts', () => {
    it('allow only idle on tcp routes', () => {
      expect(problems('route', patch(tcpRoute, ['tcpRoute', 'timeout', 'perRequest'], seconds(1)))).toEqual([
        'spec.tcpRoute.timeout.perRequest: unknown field',
      ]);
    });
  });

  it('rejects a tcp route with an http-only match field', () => {
    expect(problems('route', patch(tcpRoute, ['tcpRoute', 'match', 'prefix'], '/'))).toEqual([
      'spec.tcpRoute.match.prefix: unknown field',
    ]);
  });

  it('reports every problem at once', () => {
    const spec = patch(
      patch(patch(httpRoute, ['priority'], 5000), ['httpRoute', 'match', 'method'], 'get'),
      ['httpRoute', 'action', 'weightedTargets', 1, 'weight'],
      -1,
    );
    expect(problems('route', spec)).toEqual([
      'spec.priority: must be between 0 and 1000, got 5000',
      'spec.httpRoute.match.method: must be one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, got "get"',
      'spec.httpRoute.action.weightedTargets[1].weight: must be between 0 and 100, got -1',
    ]);
  });
});
