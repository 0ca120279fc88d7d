import { describe, expect, it } from 'vitest';
import { accepted, patch, problems } from './helpers.js';

const seconds = (value: number) => ({ unit: 's', value });

const tlsValidation = {
  trust: {
    acm: { certificateAuthorityArns: ['arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca'] },
  },
  subjectAlternativeNames: { match: { exact: ['colors.demo.local'] } },
};

/** Every optional field of a virtual node set at least once. */
const fullNode = {
  serviceDiscovery: {
    dns: { hostname: 'colors-blue.demo.local', responseType: 'ENDPOINTS', ipPreference: 'IPv4_ONLY' },
  },
  listeners: [
    {
      portMapping: { port: 8080, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        port: 8080,
        path: '/ping',
        healthyThreshold: 2,
        unhealthyThreshold: 10,
        intervalMillis: 5000,
        timeoutMillis: 60000,
      },
      outlierDetection: {
        maxServerErrors: 5,
        interval: seconds(10),
        baseEjectionDuration: { unit: 'ms', value: 30000 },
        maxEjectionPercent: 100,
      },
      connectionPool: { http: { maxConnections: 100, maxPendingRequests: 50 } },
      timeout: { http: { perRequest: seconds(0), idle: seconds(300) } },
      tls: {
        mode: 'STRICT',
        certificate: { acm: { certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' } },
        validation: {
          trust: { file: { certificateChain: '/certs/ca.pem' } },
          subjectAlternativeNames: { match: { exact: ['gateway.demo.local'] } },
        },
      },
    },
    {
      portMapping: { port: 9090, protocol: 'tcp' },
      connectionPool: { tcp: { maxConnections: 10 } },
      timeout: { tcp: { idle: seconds(60) } },
      tls: { mode: 'PERMISSIVE', certificate: { sds: { secretName: 'spiffe://demo.local/blue' } } },
    },
    {
      portMapping: { port: 7070, protocol: 'grpc' },
      healthCheck: {
        protocol: 'grpc',
        healthyThreshold: 3,
        unhealthyThreshold: 3,
        intervalMillis: 300000,
        timeoutMillis: 2000,
      },
      connectionPool: { grpc: { maxRequests: 1 } },
      timeout: { grpc: { perRequest: seconds(15) } },
      tls: {
        mode: 'DISABLED',
        certificate: { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } },
        validation: { trust: { sds: { secretName: 'ca-bundle' } } },
      },
    },
    {
      portMapping: { port: 6060, protocol: 'http2' },
      connectionPool: { http2: { maxRequests: 20 } },
      timeout: { http2: { idle: { unit: 'ms', value: 1500 } } },
    },
  ],
  backends: [
    {
      virtualService: {
        virtualServiceName: 'colors.demo.local',
        clientPolicy: {
          tls: {
            enforce: true,
            ports: [8080, 8443],
            certificate: {
              file: { certificateChain: '/certs/client.pem', privateKey: '/certs/client-key.pem' },
            },
            validation: tlsValidation,
          },
        },
      },
    },
    { virtualService: { virtualServiceName: 'later.demo.local' } },
  ],
  backendDefaults: {
    clientPolicy: {
      tls: {
        enforce: false,
        ports: [443],
        certificate: { sds: { secretName: 'client-cert' } },
        validation: { trust: { file: { certificateChain: '/certs/ca.pem' } } },
      },
    },
  },
  logging: {
    accessLog: {
      file: {
        path: '/dev/stdout',
        format: {
          json: [
            { key: 'status', value: '%RESPONSE_CODE%' },
            { key: 'path', value: '%REQ(:PATH)%' },
          ],
        },
      },
    },
  },
};

const cloudMapNode = {
  serviceDiscovery: {
    awsCloudMap: {
      namespaceName: 'demo.local',
      serviceName: 'colors',
      attributes: [{ key: 'ECS_TASK_DEFINITION_FAMILY', value: 'colors blue' }],
      ipPreference: 'IPv6_PREFERRED',
    },
  },
  listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
  logging: {
    accessLog: { file: { path: '/var/log/access.log', format: { text: '[%START_TIME%] %RESPONSE_CODE%' } } },
  },
};

const oneListener = (listener: object) => ({
  serviceDiscovery: { dns: { hostname: 'a.local' } },
  listeners: [{ portMapping: { port: 8080, protocol: 'http' }, ...listener }],
});

describe('virtual node spec', () => {
  it('accepts every field App Mesh has and returns the spec unchanged', () => {
    expect(accepted('virtualNode', fullNode)).toEqual(fullNode);
    expect(accepted('virtualNode', cloudMapNode)).toEqual(cloudMapNode);
  });

  it('accepts a node with no listeners and no service discovery', () => {
    expect(accepted('virtualNode', { backends: [] })).toEqual({ backends: [] });
  });

  it('requires a spec', () => {
    expect(problems('virtualNode', undefined)).toEqual(['spec: is required']);
  });

  describe('service discovery', () => {
    it('must set exactly one of dns and awsCloudMap', () => {
      expect(problems('virtualNode', { serviceDiscovery: {} })).toEqual([
        'spec.serviceDiscovery: must set exactly one of dns, awsCloudMap',
      ]);
      expect(
        problems('virtualNode', {
          serviceDiscovery: { dns: { hostname: 'a' }, awsCloudMap: { namespaceName: 'n', serviceName: 's' } },
        }),
      ).toEqual([
        'spec.serviceDiscovery: must set exactly one of dns, awsCloudMap, got ["dns","awsCloudMap"]',
      ]);
    });

    it('is required when listeners are set', () => {
      expect(
        problems('virtualNode', { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] }),
      ).toEqual(['spec.serviceDiscovery: is required when listeners are set']);
    });

    it('checks dns and Cloud Map fields', () => {
      expect(problems('virtualNode', { serviceDiscovery: { dns: { responseType: 'ROUND_ROBIN' } } })).toEqual(
        [
          'spec.serviceDiscovery.dns.hostname: is required',
          'spec.serviceDiscovery.dns.responseType: must be one of LOADBALANCER, ENDPOINTS, got "ROUND_ROBIN"',
        ],
      );
      expect(
        problems('virtualNode', {
          serviceDiscovery: {
            awsCloudMap: {
              namespaceName: '',
              serviceName: 's',
              attributes: [{ key: 'has space', value: ' lead' }],
            },
          },
        }),
      ).toEqual([
        'spec.serviceDiscovery.awsCloudMap.namespaceName: must not be empty, got ""',
        'spec.serviceDiscovery.awsCloudMap.attributes[0].key: must contain only printable ASCII characters and no spaces, got "has space"',
        'spec.serviceDiscovery.awsCloudMap.attributes[0].value: must contain only printable ASCII characters and not start with a space, got " lead"',
      ]);
    });
  });

  describe('listeners', () => {
    it('reject a port out of range with the field, the rule and the value', () => {
      expect(
        problems('virtualNode', patch(fullNode, ['listeners', 0, 'portMapping', 'port'], 70000)),
      ).toEqual(['spec.listeners[0].portMapping.port: must be between 1 and 65535, got 70000']);
    });

    it('reject an unknown protocol', () => {
      expect(
        problems('virtualNode', patch(fullNode, ['listeners', 3, 'portMapping', 'protocol'], 'udp')),
      ).toEqual(['spec.listeners[3].portMapping.protocol: must be one of http, http2, grpc, tcp, got "udp"']);
    });

    it('reject two listeners on one port', () => {
      expect(problems('virtualNode', patch(fullNode, ['listeners', 2, 'portMapping', 'port'], 8080))).toEqual(
        ['spec.listeners[2].portMapping.port: must be unique, got 8080'],
      );
    });

    it('check health check ranges and required fields', () => {
      expect(
        problems(
          'virtualNode',
          oneListener({
            healthCheck: {
              protocol: 'http',
              healthyThreshold: 1,
              unhealthyThreshold: 11,
              intervalMillis: 4999,
              port: 0,
            },
          }),
        ),
      ).toEqual([
        'spec.listeners[0].healthCheck.port: must be between 1 and 65535, got 0',
        'spec.listeners[0].healthCheck.healthyThreshold: must be between 2 and 10, got 1',
        'spec.listeners[0].healthCheck.unhealthyThreshold: must be between 2 and 10, got 11',
        'spec.listeners[0].healthCheck.intervalMillis: must be between 5000 and 300000, got 4999',
        'spec.listeners[0].healthCheck.timeoutMillis: is required',
      ]);
      expect(
        problems('virtualNode', patch(fullNode, ['listeners', 0, 'healthCheck', 'timeoutMillis'], 60001)),
      ).toEqual(['spec.listeners[0].healthCheck.timeoutMillis: must be between 2000 and 60000, got 60001']);
    });

    it('check outlier detection', () => {
      expect(
        problems(
          'virtualNode',
          oneListener({
            outlierDetection: {
              maxServerErrors: 0,
              interval: { unit: 'm', value: 1 },
              baseEjectionDuration: { unit: 's', value: -1 },
              maxEjectionPercent: 101,
            },
          }),
        ),
      ).toEqual([
        'spec.listeners[0].outlierDetection.maxServerErrors: must be at least 1, got 0',
        'spec.listeners[0].outlierDetection.interval.unit: must be one of s, ms, got "m"',
        'spec.listeners[0].outlierDetection.baseEjectionDuration.value: must be at least 0, got -1',
        'spec.listeners[0].outlierDetection.maxEjectionPercent: must be between 0 and 100, got 101',
      ]);
    });

    it('require both unit and value in a duration', () => {
      expect(
        problems('virtualNode', oneListener({ timeout: { http: { idle: { value: 5 }, perRequest: {} } } })),
      ).toEqual([
        'spec.listeners[0].timeout.http.perRequest.unit: is required',
        'spec.listeners[0].timeout.http.perRequest.value: is required',
        'spec.listeners[0].timeout.http.idle.unit: is required',
      ]);
    });

    it('require exactly one connection pool and timeout member, matching the listener protocol', () => {
      expect(problems('virtualNode', oneListener({ connectionPool: {}, timeout: {} }))).toEqual([
        'spec.listeners[0].connectionPool: must set exactly one of tcp, http, http2, grpc',
        'spec.listeners[0].timeout: must set exactly one of http, http2, grpc, tcp',
      ]);
      expect(
        problems(
          'virtualNode',
          oneListener({
            connectionPool: { tcp: { maxConnections: 1 }, http: { maxConnections: 1 } },
            timeout: { grpc: {} },
          }),
        ),
      ).toEqual([
        'spec.listeners[0].connectionPool: must set exactly one of tcp, http, http2, grpc, got ["tcp","http"]',
        'spec.listeners[0].timeout: must set http to match portMapping.protocol, got ["grpc"]',
      ]);
    });

    it('check connection pool limits', () => {
      expect(
        problems(
          'virtualNode',
          oneListener({ connectionPool: { http: { maxConnections: 0, maxPendingRequests: 0 } } }),
        ),
      ).toEqual([
        'spec.listeners[0].connectionPool.http.maxConnections: must be at least 1, got 0',
        'spec.listeners[0].connectionPool.http.maxPendingRequests: must be at least 1, got 0',
      ]);
      expect(
        problems(
          'virtualNode',
          patch(fullNode, ['listeners', 1, 'connectionPool', 'tcp', 'maxPendingRequests'], 5),
        ),
      ).toEqual(['spec.listeners[1].connectionPool.tcp.maxPendingRequests: unknown field']);
    });

    it('check listener TLS mode, certificate and validation trust', () => {
      expect(
        problems(
          'virtualNode',
          oneListener({
            tls: {
              mode: 'OPTIONAL',
              certificate: { acm: { certificateArn: 'arn' }, sds: { secretName: 's' } },
              validation: { trust: { acm: { certificateAuthorityArns: ['arn'] } } },
            },
          }),
        ),
      ).toEqual([
        'spec.listeners[0].tls.mode: must be one of STRICT, PERMISSIVE, DISABLED, got "OPTIONAL"',
        'spec.listeners[0].tls.certificate: must set exactly one of acm, file, sds, got ["acm","sds"]',
        'spec.listeners[0].tls.validation.trust.acm: unknown field',
        'spec.listeners[0].tls.validation.trust: must set exactly one of file, sds',
      ]);
      expect(problems('virtualNode', oneListener({ tls: { mode: 'STRICT' } }))).toEqual([
        'spec.listeners[0].tls.certificate: is required',
      ]);
    });
  });

  describe('backends and client policy', () => {
    it('require the virtual service name and a validation context', () => {
      expect(
        problems('virtualNode', {
          backends: [{ virtualService: { clientPolicy: { tls: { enforce: 'yes' } } } }, {}],
        }),
      ).toEqual([
        'spec.backends[0].virtualService.virtualServiceName: is required',
        'spec.backends[0].virtualService.clientPolicy.tls.enforce: must be a boolean, got "yes"',
        'spec.backends[0].virtualService.clientPolicy.tls.validation: is required',
        'spec.backends[1]: must set exactly one of virtualService',
      ]);
    });

    it('limit certificate authority ARNs to 1–3 and client certificates to file or sds', () => {
      const tls = (trust: object, certificate?: object) => ({
        backendDefaults: {
          clientPolicy: { tls: { validation: { trust }, ...(certificate ? { certificate } : {}) } },
        },
      });
      expect(problems('virtualNode', tls({ acm: { certificateAuthorityArns: [] } }))).toEqual([
        'spec.backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns: must have at least 1 item, got []',
      ]);
      expect(
        problems('virtualNode', tls({ acm: { certificateAuthorityArns: ['a', 'b', 'c', 'd'] } })),
      ).toEqual([
        'spec.backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns: must have at most 3 items, got ["a","b","c","d"]',
      ]);
      expect(
        problems('virtualNode', tls({ sds: { secretName: 'ca' } }, { acm: { certificateArn: 'a' } })),
      ).toEqual([
        'spec.backendDefaults.clientPolicy.tls.certificate.acm: unknown field',
        'spec.backendDefaults.clientPolicy.tls.certificate: must set exactly one of file, sds',
      ]);
    });

    it('check client policy ports and subject alternative names', () => {
      expect(
        problems('virtualNode', {
          backendDefaults: {
            clientPolicy: {
              tls: {
                ports: [0],
                validation: {
                  trust: { file: { certificateChain: '' } },
                  subjectAlternativeNames: { match: {} },
                },
              },
            },
          },
        }),
      ).toEqual([
        'spec.backendDefaults.clientPolicy.tls.ports[0]: must be between 1 and 65535, got 0',
        'spec.backendDefaults.clientPolicy.tls.validation.trust.file.certificateChain: must not be empty, got ""',
        'spec.backendDefaults.clientPolicy.tls.validation.subjectAlternativeNames.match.exact: is required',
      ]);
    });
  });

  describe('logging', () => {
    it('requires exactly one log format and bounds its entries', () => {
      expect(
        problems('virtualNode', {
          logging: { accessLog: { file: { path: '/dev/stdout', format: { text: 'x', json: [] } } } },
        }),
      ).toEqual([
        'spec.logging.accessLog.file.format: must set exactly one of text, json, got ["text","json"]',
      ]);
      expect(
        problems('virtualNode', {
          logging: {
            accessLog: {
              file: { path: 'p'.repeat(256), format: { json: [{ key: 'k'.repeat(101), value: '' }] } },
            },
          },
        }),
      ).toEqual([
        `spec.logging.accessLog.file.path: must have at most 255 characters, got "${'p'.repeat(76)}...`,
        `spec.logging.accessLog.file.format.json[0].key: must have at most 100 characters, got "${'k'.repeat(76)}...`,
        'spec.logging.accessLog.file.format.json[0].value: must not be empty, got ""',
      ]);
    });

    it('requires the access log file', () => {
      expect(problems('virtualNode', { logging: { accessLog: {} } })).toEqual([
        'spec.logging.accessLog: must set exactly one of file',
      ]);
    });
  });

  it('reports every problem at once', () => {
    const spec = patch(
      patch(
        patch(fullNode, ['listeners', 0, 'portMapping', 'port'], 70000),
        ['backends', 0, 'virtualService', 'x'],
        1,
      ),
      ['logging', 'accessLog', 'file', 'path'],
      undefined,
    );
    expect(problems('virtualNode', spec)).toEqual([
      'spec.listeners[0].portMapping.port: must be between 1 and 65535, got 70000',
      'spec.backends[0].virtualService.x: unknown field',
      'spec.logging.accessLog.file.path: is required',
    ]);
  });
});
