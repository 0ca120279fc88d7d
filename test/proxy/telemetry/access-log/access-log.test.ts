import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type AccessLogEntry,
  AccessLogFormatError,
  type AccessLogSink,
  compileAccessLogFormat,
  createAccessLog,
} from '../../../../proxy/telemetry/access-log/index.js';

const ENTRY: AccessLogEntry = {
  startTime: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  durationMs: 12.4,
  method: 'GET',
  path: '/colors?x=1',
  authority: 'color.mesh.local:8080',
  protocol: 'HTTP/1.1',
  requestHeaders: [
    'Host',
    'color.mesh.local:8080',
    'User-Agent',
    'curl/8.5.0',
    'X-Forwarded-For',
    '10.0.0.7',
  ],
  responseHeaders: ['Content-Type', 'text/plain'],
  status: 200,
  bytesReceived: 0,
  bytesSent: 4,
  upstreamHost: '10.0.1.5:8080',
  upstreamServiceTimeMs: 9,
  routeName: 'blue-first',
  downstreamRemoteAddress: '10.0.0.7:51234',
};

describe('compileAccessLogFormat', () => {
  it("renders App Mesh's default (Envoy's) text format", () => {
    expect(compileAccessLogFormat(undefined)(ENTRY)).toBe(
      '[2026-01-02T03:04:05.678Z] "GET /colors?x=1 HTTP/1.1" 200 - 0 4 12 9 "10.0.0.7" "curl/8.5.0" "-" "color.mesh.local:8080" "10.0.1.5:8080"\n',
    );
  });

  it('prefers the original path and writes - for what is missing', () => {
    const line = compileAccessLogFormat(undefined)({
      ...ENTRY,
      originalPath: '/before-rewrite',
      upstreamHost: undefined,
      upstreamServiceTimeMs: undefined,
      status: 503,
      responseFlags: 'UH',
    });
    expect(line).toBe(
      '[2026-01-02T03:04:05.678Z] "GET /before-rewrite HTTP/1.1" 503 UH 0 4 12 - "10.0.0.7" "curl/8.5.0" "-" "color.mesh.local:8080" "-"\n',
    );
  });

  it('renders a custom text pattern with truncation, RESP, ROUTE_NAME and a START_TIME format', () => {
    const format = compileAccessLogFormat({
      kind: 'text',
      pattern:
        '%START_TIME(%Y/%m/%d %H:%M:%S.%3f)% %REQ(USER-AGENT):4% %RESP(CONTENT-TYPE)% %ROUTE_NAME% %DOWNSTREAM_REMOTE_ADDRESS% %PROTOCOL% 100%',
    });
    expect(format(ENTRY)).toBe(
      '2026/01/02 03:04:05.678 curl text/plain blue-first 10.0.0.7:51234 HTTP/1.1 100%\n',
    );
  });

  it('writes JSON keys in order, numbers as numbers and missing values as null', () => {
    const format = compileAccessLogFormat({
      kind: 'json',
      fields: [
        { key: 'start_time', value: '%START_TIME%' },
        { key: 'method', value: '%REQ(:METHOD)%' },
        { key: 'code', value: '%RESPONSE_CODE%' },
        { key: 'bytes', value: '%BYTES_SENT%' },
        { key: 'request_id', value: '%REQ(X-REQUEST-ID)%' },
        { key: 'line', value: '%REQ(:METHOD)% %REQ(:PATH)% "quoted"' },
      ],
    });
    const line = format(ENTRY);
    expect(line.endsWith('\n')).toBe(true);
    expect(line).toBe(
      '{"start_time":"2026-01-02T03:04:05.678Z","method":"GET","code":200,"bytes":4,"request_id":null,"line":"GET /colors?x=1 \\"quoted\\""}\n',
    );
    expect(Object.keys(JSON.parse(line))).toEqual([
      'start_time',
      'method',
      'code',
      'bytes',
      'request_id',
      'line',
    ]);
  });

  it('rejects unknown operators, naming each one and its field', () => {
    let error: unknown;
    try {
      compileAccessLogFormat({
        kind: 'json',
        fields: [
          { key: 'a', value: '%NOPE%' },
          { key: 'b', value: '%REQ()%' },
        ],
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AccessLogFormatError);
    expect((error as AccessLogFormatError).problems).toEqual([
      'format.fields[0].value: unknown command operator %NOPE%',
      'format.fields[1].value: %REQ()% needs a header name, as %REQ(X-HEADER)%',
    ]);
  });
});

describe('createAccessLog', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-access-log-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends lines to a file', async () => {
    const path = join(dir, 'access.log');
    let written = 0;
    const log = createAccessLog(
      { path, format: { kind: 'text', pattern: '%RESPONSE_CODE% %UPSTREAM_HOST%' } },
      { counters: { written: { inc: (by = 1) => (written += by) } } },
    );
    for (let i = 0; i < 100; i++) log.log({ ...ENTRY, status: 200 + (i % 2) });
    await vi.waitFor(() => expect(written).toBe(100));
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(101);
    expect(lines[0]).toBe('200 10.0.1.5:8080');
    expect(lines[1]).toBe('201 10.0.1.5:8080');
    log.close();
  });

  it('writes /dev/stdout to the stdout stream it is given', async () => {
    const stdout = new PassThrough();
    const chunks: string[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
    const log = createAccessLog({ path: '/dev/stdout' }, { stdout });
    log.log(ENTRY);
    await vi.waitFor(() => expect(chunks.join('')).toContain('"GET /colors?x=1 HTTP/1.1" 200'));
    expect(chunks.join('').endsWith('"10.0.1.5:8080"\n')).toBe(true);
    log.close();
  });

  it('drops and counts lines past the bound while the stream is blocked', async () => {
    const held: Array<() => void> = [];
    const blocked = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, callback) {
        held.push(callback); // never acknowledged until released
      },
    });
    let dropped = 0;
    let written = 0;
    const log = createAccessLog(
      { path: '/dev/stdout', format: { kind: 'text', pattern: '%REQ(:PATH)%' } },
      {
        stdout: blocked,
        maxBufferedBytes: 1_000,
        counters: {
          dropped: { inc: (by = 1) => (dropped += by) },
          written: { inc: (by = 1) => (written += by) },
        },
      },
    );
    const line = { ...ENTRY, path: `/${'x'.repeat(98)}` }; // 100 characters with the newline
    for (let i = 0; i < 1_000; i++) log.log(line);
    // One line is in the stuck write, 10 wait in the buffer, the rest are dropped.
    expect(dropped).toBe(1_000 - 1 - 10);
    expect(blocked.writableLength).toBeLessThanOrEqual(100);
    held.shift()!();
    await vi.waitFor(() => expect(held.length).toBe(1));
    held.shift()!();
    await vi.waitFor(() => expect(written).toBe(11));
    log.close();
  });

  it('counts failed writes as dropped and keeps going', async () => {
    let fail = true;
    const sink: AccessLogSink = {
      write: (_chunk, done) => setImmediate(() => done(fail ? new Error('EIO') : null)),
      close: () => {},
    };
    let dropped = 0;
    let written = 0;
    const errors: string[] = [];
    const log = createAccessLog(
      { path: '/var/log/envoy.log' },
      {
        openSink: () => sink,
        counters: {
          dropped: { inc: (by = 1) => (dropped += by) },
          written: { inc: (by = 1) => (written += by) },
        },
        onError: (err) => errors.push(err.message),
      },
    );
    log.log(ENTRY);
    await vi.waitFor(() => expect(dropped).toBe(1));
    fail = false;
    log.log(ENTRY);
    await vi.waitFor(() => expect(written).toBe(1));
    expect(errors).toEqual(['EIO']);
  });

  it('reconfigures the format in place, keeps the old one on a bad format, and stops when removed', async () => {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (c: Buffer) => {
      text += c.toString();
    });
    const log = createAccessLog(
      { path: '/dev/stdout', format: { kind: 'text', pattern: 'a %RESPONSE_CODE%' } },
      { stdout },
    );
    log.log(ENTRY);
    expect(() =>
      log.reconfigure({ path: '/dev/stdout', format: { kind: 'text', pattern: '%BOGUS%' } }),
    ).toThrow(AccessLogFormatError);
    log.log(ENTRY);
    log.reconfigure({
      path: '/dev/stdout',
      format: { kind: 'json', fields: [{ key: 'c', value: '%RESPONSE_CODE%' }] },
    });
    log.log(ENTRY);
    await vi.waitFor(() => expect(text).toBe('a 200\na 200\n{"c":200}\n'));
    log.reconfigure(undefined);
    expect(log.enabled).toBe(false);
    log.log(ENTRY);
    await new Promise((r) => setTimeout(r, 20));
    expect(text).toBe('a 200\na 200\n{"c":200}\n');
  });
});
