import { describe, expect, it } from 'vitest';
import { accepted, problems } from './helpers.js';

describe('mesh spec', () => {
  it('accepts every field and returns it unchanged', () => {
    const spec = {
      egressFilter: { type: 'ALLOW_ALL' },
      serviceDiscovery: { ipPreference: 'IPv6_PREFERRED' },
    };
    expect(accepted('mesh', spec)).toEqual(spec);
  });

  it('stores a missing egress filter as DROP_ALL and adds no other default', () => {
    expect(accepted('mesh', {})).toEqual({ egressFilter: { type: 'DROP_ALL' } });
    expect(accepted('mesh', { serviceDiscovery: {} })).toEqual({
      serviceDiscovery: {},
      egressFilter: { type: 'DROP_ALL' },
    });
  });

  it('treats a missing spec as an empty one', () => {
    expect(accepted('mesh', undefined)).toEqual({ egressFilter: { type: 'DROP_ALL' } });
  });

  it('rejects an unknown egress filter type and ip preference', () => {
    expect(
      problems('mesh', { egressFilter: { type: 'ALLOW_SOME' }, serviceDiscovery: { ipPreference: 'IPv5' } }),
    ).toEqual([
      'spec.egressFilter.type: must be one of ALLOW_ALL, DROP_ALL, got "ALLOW_SOME"',
      'spec.serviceDiscovery.ipPreference: must be one of IPv6_PREFERRED, IPv4_PREFERRED, IPv4_ONLY, IPv6_ONLY, got "IPv5"',
    ]);
  });

  it('requires the egress filter type when the filter is given', () => {
    expect(problems('mesh', { egressFilter: {} })).toEqual(['spec.egressFilter.type: is required']);
  });

  it('rejects unknown fields at every level', () => {
    expect(problems('mesh', { egressFilter: { type: 'DROP_ALL', mode: 'x' }, tracing: true })).toEqual([
      'spec.egressFilter.mode: unknown field',
      'spec.tracing: unknown field',
    ]);
  });

  it('rejects a spec that is not an object', () => {
    expect(problems('mesh', 'open')).toEqual(['spec: must be an object, got "open"']);
    expect(problems('mesh', null)).toEqual(['spec: must be an object, got null']);
  });
});
