import { describe, expect, it } from 'vitest';
import { KINDS, validateSpec } from '../../../control-plane/model/index.js';

describe('validateSpec', () => {
  it('requires a spec for every kind but mesh', () => {
    for (const kind of KINDS.filter((k) => k !== 'mesh')) {
      expect(validateSpec(kind, undefined)).toEqual({
        ok: false,
        problems: [{ path: 'spec', rule: 'is required' }],
      });
    }
  });

  it('returns problems with path, rule and the value received, omitting the value when missing', () => {
    expect(validateSpec('virtualRouter', { listeners: [{ portMapping: { port: 70000 } }] })).toEqual({
      ok: false,
      problems: [
        { path: 'spec.listeners[0].portMapping.port', rule: 'must be between 1 and 65535', value: 70000 },
        { path: 'spec.listeners[0].portMapping.protocol', rule: 'is required' },
      ],
    });
  });

  it('reports one problem per unknown field', () => {
    expect(validateSpec('virtualService', { a: 1, 'b-c': 2 })).toEqual({
      ok: false,
      problems: [
        { path: 'spec.a', rule: 'unknown field' },
        { path: 'spec["b-c"]', rule: 'unknown field' },
      ],
    });
  });

  it('reports problems of different kinds at different depths at once', () => {
    const result = validateSpec('virtualNode', {
      serviceDiscovery: { dns: { hostname: 5 } },
      listeners: [{ portMapping: { port: 8080, protocol: 'http' }, timeout: { tcp: {} } }],
      backends: [{ virtualService: { virtualServiceName: 'x', clientPolicy: { tls: {} } } }],
      logging: 'stdout',
    });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual([
      'spec.serviceDiscovery.dns.hostname',
      'spec.listeners[0].timeout',
      'spec.backends[0].virtualService.clientPolicy.tls.validation',
      'spec.logging',
    ]);
  });

  it('does not share the caller object with the stored spec', () => {
    const input = { provider: { virtualNode: { virtualNodeName: 'blue' } } };
    const result = validateSpec('virtualService', input);
    expect(result.ok && result.spec).toEqual(input);
    expect(result.ok && result.spec).not.toBe(input);
  });
});
