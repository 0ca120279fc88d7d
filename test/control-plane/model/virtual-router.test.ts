import { describe, expect, it } from 'vitest';
import { accepted, problems } from './helpers.js';

describe('virtual router spec', () => {
  it('accepts listeners of every protocol and returns them unchanged', () => {
    const spec = {
      listeners: [
        { portMapping: { port: 8080, protocol: 'http' } },
        { portMapping: { port: 8081, protocol: 'http2' } },
        { portMapping: { port: 8082, protocol: 'grpc' } },
        { portMapping: { port: 8083, protocol: 'tcp' } },
      ],
    };
    expect(accepted('virtualRouter', spec)).toEqual(spec);
  });

  it('rejects ports out of range, unknown protocols and missing port mappings', () => {
    expect(
      problems('virtualRouter', {
        listeners: [
          { portMapping: { port: 0, protocol: 'udp' } },
          { portMapping: { port: 65536, protocol: 'http' } },
          {},
        ],
      }),
    ).toEqual([
      'spec.listeners[0].portMapping.port: must be between 1 and 65535, got 0',
      'spec.listeners[0].portMapping.protocol: must be one of http, http2, grpc, tcp, got "udp"',
      'spec.listeners[1].portMapping.port: must be between 1 and 65535, got 65536',
      'spec.listeners[2].portMapping: is required',
    ]);
  });

  it('rejects a port that is not an integer', () => {
    expect(
      problems('virtualRouter', { listeners: [{ portMapping: { port: 80.5, protocol: 'http' } }] }),
    ).toEqual(['spec.listeners[0].portMapping.port: must be an integer, got 80.5']);
    expect(
      problems('virtualRouter', { listeners: [{ portMapping: { port: '80', protocol: 'http' } }] }),
    ).toEqual(['spec.listeners[0].portMapping.port: must be a number, got "80"']);
  });

  it('rejects two listeners on the same port', () => {
    expect(
      problems('virtualRouter', {
        listeners: [
          { portMapping: { port: 8080, protocol: 'http' } },
          { portMapping: { port: 8080, protocol: 'grpc' } },
        ],
      }),
    ).toEqual(['spec.listeners[1].portMapping.port: must be unique, got 8080']);
  });

  it('rejects listeners that are not a list', () => {
    expect(problems('virtualRouter', { listeners: { portMapping: { port: 1, protocol: 'http' } } })).toEqual([
      'spec.listeners: must be an array, got {"portMapping":{"port":1,"protocol":"http"}}',
    ]);
  });
});
