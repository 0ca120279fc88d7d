import { describe, expect, it } from 'vitest';
import {
  formatTraceHeader,
  newSegmentId,
  newTraceId,
  parseDaemonAddress,
  parseTraceHeader,
  withTraceHeader,
} from '../../../../proxy/telemetry/tracing/index.js';

describe('parseTraceHeader', () => {
  it('reads Root, Parent, Sampled and keeps other fields but Self', () => {
    expect(
      parseTraceHeader(
        'Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793; Parent=53995c3f42cd8ad8;Sampled=1;Foo=bar',
      ),
    ).toEqual({
      root: '1-5759e988-bd862e3fe1be46a994272793',
      parent: '53995c3f42cd8ad8',
      sampled: '1',
      extra: ';Foo=bar',
    });
  });

  it('leaves out a malformed Root or Parent', () => {
    expect(parseTraceHeader('Root=nope;Parent=xyz;Sampled=?')).toEqual({
      root: undefined,
      parent: undefined,
      sampled: '?',
      extra: '',
    });
  });
});

describe('formatTraceHeader', () => {
  it('writes Root, Parent and Sampled in X-Ray order', () => {
    expect(formatTraceHeader('1-5759e988-bd862e3fe1be46a994272793', 'aaaaaaaaaaaaaaaa', true)).toBe(
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=aaaaaaaaaaaaaaaa;Sampled=1',
    );
  });
});

describe('withTraceHeader', () => {
  it('replaces any trace header in a raw header array', () => {
    expect(withTraceHeader(['host', 'a', 'X-AMZN-TRACE-ID', 'old', 'accept', '*/*'], 'new')).toEqual([
      'host',
      'a',
      'accept',
      '*/*',
      'X-Amzn-Trace-Id',
      'new',
    ]);
  });
});

describe('ids', () => {
  it('makes X-Ray trace ids from the clock and unique 64-bit segment ids', () => {
    expect(newTraceId(0x5759e988 * 1000 + 999)).toMatch(/^1-5759e988-[0-9a-f]{24}$/);
    const ids = new Set(Array.from({ length: 2_000 }, () => newSegmentId()));
    expect(ids.size).toBe(2_000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('parseDaemonAddress', () => {
  it('reads host:port and the udp part of a udp/tcp pair', () => {
    expect(parseDaemonAddress('127.0.0.1:2000')).toEqual({ host: '127.0.0.1', port: 2000 });
    expect(parseDaemonAddress('tcp:127.0.0.1:2001 udp:127.0.0.1:2002')).toEqual({
      host: '127.0.0.1',
      port: 2002,
    });
    expect(() => parseDaemonAddress('127.0.0.1')).toThrow(/daemonAddress/);
  });
});
