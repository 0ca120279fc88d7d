import { describe, expect, it } from 'vitest';
import { accepted, patch, problems } from './helpers.js';

/** Every optional field of a virtual gateway set. */
const fullGateway = {
  listeners: [
    {
      portMapping: { port: 8443, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        port: 8443,
        path: '/health',
        healthyThreshold: 2,
        unhealthyThreshold: 2,
        intervalMillis: 10000,
        timeoutMillis: 5000,
      },
      connectionPool: { http: { maxConnections: 1000, maxPendingRequests: 100 } },
      tls: {
        mode: 'STRICT',
        certificate: { acm: { certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/gw' } },
        validation: {
          trust: { sds: { secretName: 'client-ca' } },
          subjectAlternativeNames: { match: { exact: ['client.demo.local'] } },
        },
      },
    },
    {
      portMapping: { port: 8080, protocol: 'grpc' },
      connectionPool: { grpc: { maxRequests: 50 } },
      tls: {
        mode: 'PERMISSIVE',
        certificate: { file: { certificateChain: '/c.pem', privateKey: '/k.pem' } },
      },
    },
    { portMapping: { port: 8081, protocol: 'http2' }, connectionPool: { http2: { maxRequests: 5 } } },
  ],
  backendDefaults: {
    clientPolicy: {
      tls: {
        enforce: true,
        ports: [8080],
        certificate: { file: { certificateChain: '/client.pem', privateKey: '/client-key.pem' } },
        validation: {
          trust: {
            acm: {
              certificateAuthorityArns: ['arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/a'],
            },
          },
          subjectAlternativeNames: { match: { exact: ['colors.demo.local'] } },
        },
      },
    },
  },
  logging: { accessLog: { file: { path: '/dev/stdout', format: { text: '%START_TIME% %RESPONSE_CODE%' } } } },
};

describe('virtual gateway spec', () => {
  it('accepts every field App Mesh has and returns the spec unchanged', () => {
    expect(accepted('virtualGateway', fullGateway)).toEqual(fullGateway);
  });

  it('requires a spec and its listeners', () => {
    expect(problems('virtualGateway', undefined)).toEqual(['spec: is required']);
    expect(problems('virtualGateway', {})).toEqual(['spec.listeners: is required']);
  });

  it('rejects the tcp protocol, which gateways do not serve', () => {
    expect(
      problems('virtualGateway', patch(fullGateway, ['listeners', 2, 'portMapping', 'protocol'], 'tcp')),
    ).toEqual(['spec.listeners[2].portMapping.protocol: must be one of http, http2, grpc, got "tcp"']);
    expect(
      problems('virtualGateway', {
        listeners: [
          { portMapping: { port: 80, protocol: 'http' }, connectionPool: { tcp: { maxConnections: 1 } } },
        ],
      }),
    ).toEqual([
      'spec.listeners[0].connectionPool.tcp: unknown field',
      'spec.listeners[0].connectionPool: must set exactly one of http, http2, grpc',
    ]);
  });

  it('requires the connection pool to match the listener protocol', () => {
    expect(
      problems(
        'virtualGateway',
        patch(fullGateway, ['listeners', 0, 'connectionPool'], { grpc: { maxRequests: 1 } }),
      ),
    ).toEqual([
      'spec.listeners[0].connectionPool: must set http to match portMapping.protocol, got ["grpc"]',
    ]);
  });

  it('rejects listener fields only virtual nodes have', () => {
    expect(
      problems(
        'virtualGateway',
        patch(fullGateway, ['listeners', 0, 'timeout'], { http: { idle: { unit: 's', value: 1 } } }),
      ),
    ).toEqual(['spec.listeners[0].timeout: unknown field']);
    expect(problems('virtualGateway', patch(fullGateway, ['backends'], []))).toEqual([
      'spec.backends: unknown field',
    ]);
  });

  it('checks the health check and TLS of each listener', () => {
    const spec = patch(
      patch(fullGateway, ['listeners', 0, 'healthCheck', 'protocol'], 'tcp'),
      ['listeners', 0, 'tls', 'validation', 'trust'],
      { file: { certificateChain: '/ca.pem' }, sds: { secretName: 'x' } },
    );
    expect(problems('virtualGateway', spec)).toEqual([
      'spec.listeners[0].healthCheck.protocol: must be one of http, http2, grpc, got "tcp"',
      'spec.listeners[0].tls.validation.trust: must set exactly one of file, sds, got ["file","sds"]',
    ]);
  });

  it('rejects two listeners on one port', () => {
    expect(
      problems('virtualGateway', patch(fullGateway, ['listeners', 1, 'portMapping', 'port'], 8443)),
    ).toEqual(['spec.listeners[1].portMapping.port: must be unique, got 8443']);
  });
});
