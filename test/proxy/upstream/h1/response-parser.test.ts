import { describe, expect, it } from 'vitest';
import { UpstreamHttpError } from '../../../../proxy/upstream/h1/errors.js';
import {
  type ResponseEvents,
  type ResponseLimits,
  ResponseParser,
} from '../../../../proxy/upstream/h1/response-parser.js';

const LIMITS: ResponseLimits = { maxHeaderBytes: 61440, maxHeaderCount: 100 };

/** Records the parser's events in order; body slices are copied (they are views valid only during the call). */
class Recorder implements ResponseEvents {
  readonly events: string[] = [];
  readonly heads: Array<{ status: number; headers: string[] }> = [];
  readonly chunks: Buffer[] = [];
  readonly ends: boolean[] = [];

  onResponseHead(status: number, headers: string[]): void {
    this.events.push(`head ${status}`);
    this.heads.push({ status, headers: [...headers] });
  }

  onResponseData(chunk: Buffer): void {
    this.events.push('data');
    this.chunks.push(Buffer.from(chunk));
  }

  onResponseEnd(extraBytes: boolean): void {
    this.events.push(`end ${extraBytes}`);
    this.ends.push(extraBytes);
  }

  get body(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}

interface Parsed {
  readonly recorder: Recorder;
  readonly parser: ResponseParser;
}

const bytes = (raw: string | Buffer): Buffer => (typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw);

/** Feeds `pieces` (latin1 strings or buffers) to a parser started for `method`. */
function parse(
  pieces: ReadonlyArray<string | Buffer>,
  options: { method?: string; limits?: ResponseLimits } = {},
): Parsed {
  const recorder = new Recorder();
  const parser = new ResponseParser(recorder, options.limits ?? LIMITS);
  parser.start(options.method ?? 'GET');
  for (const piece of pieces) parser.execute(bytes(piece));
  return { recorder, parser };
}

/** `raw` one byte per `execute`. */
function byteByByte(raw: string | Buffer): Buffer[] {
  const all = bytes(raw);
  const pieces: Buffer[] = [];
  for (let i = 0; i < all.length; i++) pieces.push(all.subarray(i, i + 1));
  return pieces;
}

/** Every way of cutting `raw` in two non-empty pieces. */
function everySplit(raw: string): Array<[number, Buffer[]]> {
  const all = bytes(raw);
  const splits: Array<[number, Buffer[]]> = [];
  for (let at = 1; at < all.length; at++) splits.push([at, [all.subarray(0, at), all.subarray(at)]]);
  return splits;
}

/** The error `run` throws, checked to be a malformed-response refusal. */
function refusal(run: () => void): UpstreamHttpError {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UpstreamHttpError);
  const err = caught as UpstreamHttpError;
  expect(err.code).toBe('UPSTREAM_MALFORMED_RESPONSE');
  return err;
}

const refuse = (raw: string, options: { method?: string; limits?: ResponseLimits } = {}) =>
  refusal(() => parse([raw], options));

describe('ResponseParser', () => {
  describe('Content-Length bodies', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world';

    it('reads head and body delivered in one chunk', () => {
      const { recorder, parser } = parse([raw]);
      expect(recorder.heads).toEqual([
        { status: 200, headers: ['Content-Type', 'text/plain', 'Content-Length', '11'] },
      ]);
      expect(recorder.body).toBe('hello world');
      expect(recorder.ends).toEqual([false]);
      expect(recorder.events.at(-1)).toBe('end false');
      expect(parser.reading).toBe(false);
      expect(parser.keepAlive).toBe(true);
    });

    it('reads the same head and body delivered byte by byte', () => {
      const whole = parse([raw]).recorder;
      const { recorder } = parse(byteByByte(raw));
      expect(recorder.heads).toEqual(whole.heads);
      expect(recorder.body).toBe(whole.body);
      expect(recorder.ends).toEqual([false]);
      // One data event per body byte, never an empty one.
      expect(recorder.chunks.every((c) => c.length === 1)).toBe(true);
    });

    it('reports the head as received only once it is whole', () => {
      const recorder = new Recorder();
      const parser = new ResponseParser(recorder, LIMITS);
      expect(parser.reading).toBe(false);
      parser.start('GET');
      expect(parser.reading).toBe(true);
      parser.execute(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r'));
      expect(parser.headReceived).toBe(false);
      expect(recorder.heads).toEqual([]);
      parser.execute(bytes('\n'));
      expect(parser.headReceived).toBe(true);
      expect(parser.reading).toBe(true);
      parser.execute(bytes('ok'));
      expect(parser.reading).toBe(false);
      expect(recorder.body).toBe('ok');
    });

    it('ends a Content-Length: 0 response with its head', () => {
      const { recorder } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']);
      expect(recorder.events).toEqual(['head 200', 'end false']);
    });

    it('accepts the same Content-Length twice', () => {
      const { recorder } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok']);
      expect(recorder.body).toBe('ok');
      expect(recorder.ends).toEqual([false]);
    });

    it('keeps binary body bytes as they are', () => {
      const body = Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x0d, 0x0a, 0xff, 0x80]);
      const raw = Buffer.concat([bytes(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
      const { recorder } = parse(byteByByte(raw));
      expect(Buffer.concat(recorder.chunks)).toEqual(body);
    });

    it('refuses end() in the middle of the body', () => {
      const { parser } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello']);
      const err = refusal(() => parser.end());
      expect(err.message).toMatch(/closed before the response ended/);
    });

    it('refuses end() in the middle of the head', () => {
      const { parser } = parse(['HTTP/1.1 200 OK\r\nContent-Le']);
      expect(refusal(() => parser.end()).message).toMatch(/closed before the response ended/);
    });

    it('accepts end() once the response is complete', () => {
      const { parser, recorder } = parse([raw]);
      expect(() => parser.end()).not.toThrow();
      expect(recorder.ends).toEqual([false]);
    });
  });

  describe('chunked bodies', () => {
    const raw =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\n' +
      '6 ; ext ; other="quoted"\r\n world\r\n' +
      'A\r\n0123456789\r\n' +
      '0\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n';

    it('de-chunks, skipping extensions and trailers', () => {
      const { recorder, parser } = parse([raw]);
      expect(recorder.heads).toEqual([{ status: 200, headers: ['Transfer-Encoding', 'chunked'] }]);
      expect(recorder.body).toBe('hello world0123456789');
      expect(recorder.ends).toEqual([false]);
      expect(parser.keepAlive).toBe(true);
      expect(parser.reading).toBe(false);
    });

    it('gives the same result split at every byte position', () => {
      for (const [at, pieces] of everySplit(raw)) {
        const { recorder } = parse(pieces);
        expect({ at, heads: recorder.heads }).toEqual({ at, heads: parse([raw]).recorder.heads });
        expect({ at, body: recorder.body }).toEqual({ at, body: 'hello world0123456789' });
        expect({ at, ends: recorder.ends }).toEqual({ at, ends: [false] });
      }
    });

    it('gives the same result byte by byte', () => {
      const { recorder } = parse(byteByByte(raw));
      expect(recorder.body).toBe('hello world0123456789');
      expect(recorder.ends).toEqual([false]);
    });

    it('reads upper- and lower-case hex sizes', () => {
      const body = 'x'.repeat(0x1a);
      const { recorder } = parse([
        `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n${body}\r\n1A\r\n${body}\r\n0\r\n\r\n`,
      ]);
      expect(recorder.body).toBe(body + body);
    });

    it('accepts an empty chunked body', () => {
      const { recorder } = parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n']);
      expect(recorder.events).toEqual(['head 200', 'end false']);
    });

    it('refuses a chunk size that is not hex', () => {
      const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
      expect(refuse(`${head}zz\r\nhello\r\n0\r\n\r\n`).message).toMatch(/chunk-size line "zz" has no size/);
      expect(refuse(`${head}5x\r\nhello\r\n0\r\n\r\n`).message).toMatch(/is not "size\[;extension\]"/);
      expect(refuse(`${head}-5\r\nhello\r\n0\r\n\r\n`).message).toMatch(/has no size/);
      expect(refuse(`${head}\r\nhello\r\n0\r\n\r\n`).message).toMatch(/has no size/);
    });

    it('refuses chunk data not followed by CRLF', () => {
      const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
      expect(refuse(`${head}5\r\nhello!!\r\n0\r\n\r\n`).message).toMatch(/a chunk is longer than its size/);
      // The same when the two bytes after the data arrive one at a time.
      const err = refusal(() => parse(byteByByte(`${head}5\r\nhelloX\n0\r\n\r\n`)));
      expect(err.message).toMatch(/a chunk is longer than its size/);
    });

    it('refuses a control character in a chunk extension', () => {
      const raw = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\x01\r\nhello\r\n0\r\n\r\n';
      expect(refuse(raw).message).toMatch(/control character in a chunk-size line/);
    });

    it('refuses end() in the middle of a chunked body', () => {
      const { parser } = parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel']);
      expect(refusal(() => parser.end()).message).toMatch(/closed before the response ended/);
    });
  });

  describe('responses without a body', () => {
    it('ends a response to HEAD with its head, whatever Content-Length says', () => {
      const { recorder, parser } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n'], {
        method: 'HEAD',
      });
      expect(recorder.events).toEqual(['head 200', 'end false']);
      expect(recorder.heads[0]!.headers).toEqual(['Content-Length', '1234']);
      expect(parser.keepAlive).toBe(true);
    });

    it('ends a chunked response to HEAD with its head', () => {
      const { recorder } = parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'], {
        method: 'HEAD',
      });
      expect(recorder.events).toEqual(['head 200', 'end false']);
    });

    it.each([204, 304])('ends a %i with its head even with a Content-Length', (status) => {
      const { recorder, parser } = parse([`HTTP/1.1 ${status} X\r\nContent-Length: 10\r\n\r\n`]);
      expect(recorder.events).toEqual([`head ${status}`, 'end false']);
      expect(parser.keepAlive).toBe(true);
    });

    it('reports a body sent after a 204 as extra bytes', () => {
      const { recorder } = parse(['HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello']);
      expect(recorder.events).toEqual(['head 204', 'end true']);
    });

    it('expects a body for a GET after a HEAD on the same parser', () => {
      const recorder = new Recorder();
      const parser = new ResponseParser(recorder, LIMITS);
      parser.start('HEAD');
      parser.execute(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n'));
      parser.start('GET');
      parser.execute(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
      expect(recorder.events).toEqual(['head 200', 'end false', 'head 200', 'data', 'end false']);
      expect(recorder.body).toBe('ok');
    });
  });

  describe('1xx responses', () => {
    const raw =
      'HTTP/1.1 100 Continue\r\n\r\n' +
      'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

    it('skips 100 and 103 heads before the final one', () => {
      const { recorder } = parse([raw]);
      expect(recorder.events).toEqual(['head 200', 'data', 'end false']);
      expect(recorder.heads).toEqual([{ status: 200, headers: ['Content-Length', '2'] }]);
      expect(recorder.body).toBe('ok');
    });

    it('skips them split at every byte position', () => {
      for (const [at, pieces] of everySplit(raw)) {
        const { recorder } = parse(pieces);
        expect({ at, heads: recorder.heads }).toEqual({
          at,
          heads: [{ status: 200, headers: ['Content-Length', '2'] }],
        });
        expect({ at, body: recorder.body, ends: recorder.ends }).toEqual({ at, body: 'ok', ends: [false] });
      }
    });

    it('does not count a 1xx head as the final head', () => {
      const { parser, recorder } = parse(['HTTP/1.1 100 Continue\r\n\r\n']);
      expect(parser.headReceived).toBe(false);
      expect(parser.reading).toBe(true);
      expect(recorder.events).toEqual([]);
    });

    it('refuses 101 Switching Protocols', () => {
      const err = refuse(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n',
      );
      expect(err.message).toMatch(/101 Switching Protocols/);
    });
  });

  describe('close-delimited bodies', () => {
    it('reads until end()', () => {
      const { recorder, parser } = parse([
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello',
        ' world',
      ]);
      expect(recorder.body).toBe('hello world');
      expect(recorder.ends).toEqual([]);
      expect(parser.reading).toBe(true);
      expect(parser.keepAlive).toBe(false);
      parser.end();
      expect(recorder.ends).toEqual([false]);
      expect(parser.reading).toBe(false);
    });

    it('reads a head with no body bytes then end()', () => {
      const { recorder, parser } = parse(['HTTP/1.0 200 OK\r\n\r\n']);
      parser.end();
      expect(recorder.events).toEqual(['head 200', 'end false']);
    });
  });

  describe('keep-alive', () => {
    const keepAlive = (head: string) => parse([`${head}\r\n\r\n`]).parser.keepAlive;

    it('is the HTTP/1.1 default', () => {
      expect(keepAlive('HTTP/1.1 200 OK\r\nContent-Length: 0')).toBe(true);
    });

    it('is off with Connection: close, in any case and among other options', () => {
      expect(keepAlive('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close')).toBe(false);
      expect(keepAlive('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nconnection: Keep-Alive, CLOSE')).toBe(false);
      expect(
        keepAlive('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: x-foo\r\nConnection: close'),
      ).toBe(false);
    });

    it('is off for HTTP/1.0 unless Connection: keep-alive', () => {
      expect(keepAlive('HTTP/1.0 200 OK\r\nContent-Length: 0')).toBe(false);
      expect(keepAlive('HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive')).toBe(true);
      expect(keepAlive('HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: Keep-Alive')).toBe(true);
    });

    it('is off for a close-delimited body, even with Connection: keep-alive', () => {
      const { parser } = parse(['HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nbody']);
      expect(parser.keepAlive).toBe(false);
    });

    it('reads the Keep-Alive timeout in milliseconds', () => {
      const timeout = (head: string) => parse([`${head}\r\n\r\n`]).parser.keepAliveTimeoutMs;
      expect(timeout('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nKeep-Alive: timeout=5')).toBe(5000);
      expect(timeout('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nkeep-alive: max=100, timeout=7')).toBe(7000);
      expect(timeout('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nKeep-Alive: max=100')).toBeUndefined();
      expect(timeout('HTTP/1.1 200 OK\r\nContent-Length: 0')).toBeUndefined();
    });

    it('forgets the Keep-Alive timeout of the previous response on start()', () => {
      const recorder = new Recorder();
      const parser = new ResponseParser(recorder, LIMITS);
      parser.start('GET');
      parser.execute(bytes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nKeep-Alive: timeout=5\r\n\r\n'));
      expect(parser.keepAliveTimeoutMs).toBe(5000);
      parser.start('GET');
      parser.execute(bytes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
      expect(parser.keepAliveTimeoutMs).toBeUndefined();
    });
  });

  describe('bytes after the response', () => {
    it('reports extra bytes after a Content-Length body in the same chunk', () => {
      const { recorder } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n']);
      expect(recorder.events).toEqual(['head 200', 'data', 'end true']);
      expect(recorder.body).toBe('ok');
    });

    it('reports extra bytes after a chunked body in the same chunk', () => {
      const { recorder } = parse([
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nX',
      ]);
      expect(recorder.ends).toEqual([true]);
      expect(recorder.body).toBe('ok');
    });

    it('reports extra bytes after a Content-Length: 0 head', () => {
      const { recorder } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nX']);
      expect(recorder.events).toEqual(['head 200', 'end true']);
    });

    it('leaves bytes that come in a later chunk unread', () => {
      const { recorder, parser } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'more']);
      expect(recorder.events).toEqual(['head 200', 'data', 'end false']);
      expect(parser.reading).toBe(false);
    });
  });

  describe('header values', () => {
    it('keeps latin1 bytes and trims only spaces and tabs', () => {
      const raw = Buffer.concat([
        bytes('HTTP/1.1 200 OK\r\nX-Latin: caf'),
        Buffer.from([0xe9]),
        bytes('\r\nX-Spaces: \t  a b \t \r\nX-Nbsp: value'),
        Buffer.from([0xa0]),
        bytes('\r\nX-Empty:\r\nX-Blank:   \r\nContent-Length: 0\r\n\r\n'),
      ]);
      const { recorder } = parse([raw]);
      expect(recorder.heads[0]!.headers).toEqual([
        'X-Latin',
        'caf\xe9',
        'X-Spaces',
        'a b',
        'X-Nbsp',
        'value\xa0',
        'X-Empty',
        '',
        'X-Blank',
        '',
        'Content-Length',
        '0',
      ]);
      expect(Buffer.from(recorder.heads[0]!.headers[1]!, 'latin1')).toEqual(
        Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      );
    });

    it('keeps header names as sent, with their case and order, duplicates included', () => {
      const { recorder } = parse([
        'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-UPPER: Y\r\nContent-Length: 0\r\n\r\n',
      ]);
      expect(recorder.heads[0]!.headers).toEqual([
        'Set-Cookie',
        'a=1',
        'set-cookie',
        'b=2',
        'X-UPPER',
        'Y',
        'Content-Length',
        '0',
      ]);
    });

    it('accepts a status line without a reason phrase', () => {
      const { recorder } = parse(['HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n']);
      expect(recorder.events).toEqual(['head 404', 'end false']);
    });
  });

  describe('refusals', () => {
    it('refuses Content-Length together with Transfer-Encoding', () => {
      expect(
        refuse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n').message,
      ).toMatch(/both Content-Length and Transfer-Encoding/);
      expect(
        refuse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n').message,
      ).toMatch(/both Content-Length and Transfer-Encoding/);
    });

    it('refuses two different Content-Length values', () => {
      expect(
        refuse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello').message,
      ).toMatch(/two different Content-Length headers/);
    });

    it.each(['abc', '5, 5', '-1', '+5', '0x10', '1.5', '', '1234567890123456'])(
      'refuses the Content-Length %j',
      (value) => {
        const err = refuse(`HTTP/1.1 200 OK\r\nContent-Length: ${value}\r\n\r\n`);
        expect(err.message).toMatch(/Content-Length ".*" is not a number/);
      },
    );

    it.each(['gzip', 'gzip, chunked', 'chunked, gzip', 'chunked, chunked', 'identity', ''])(
      'refuses Transfer-Encoding: %j',
      (value) => {
        const err = refuse(`HTTP/1.1 200 OK\r\nTransfer-Encoding: ${value}\r\n\r\n0\r\n\r\n`);
        expect(err.message).toMatch(/Transfer-Encoding must be exactly "chunked"/);
      },
    );

    it('refuses Transfer-Encoding split over two headers', () => {
      const err = refuse('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n');
      expect(err.message).toMatch(/Transfer-Encoding must be exactly "chunked"/);
    });

    it('refuses Transfer-Encoding in HTTP/1.0', () => {
      const err = refuse('HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
      expect(err.message).toMatch(/Transfer-Encoding in an HTTP\/1\.0 response/);
    });

    it('refuses obs-fold (a header line starting with a space or tab)', () => {
      expect(refuse('HTTP/1.1 200 OK\r\nX-A: 1\r\n continued\r\nContent-Length: 0\r\n\r\n').message).toMatch(
        /obs-fold/,
      );
      expect(refuse('HTTP/1.1 200 OK\r\nX-A: 1\r\n\tcontinued\r\nContent-Length: 0\r\n\r\n').message).toMatch(
        /obs-fold/,
      );
      expect(refuse('HTTP/1.1 200 OK\r\n Content-Length: 0\r\n\r\n').message).toMatch(/obs-fold/);
    });

    it('refuses a bare LF in a header line', () => {
      const err = refuse('HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 5\r\n\r\nhello');
      expect(err.message).toMatch(/bare LF/);
    });

    it('refuses a bare CR in a header line', () => {
      const err = refuse('HTTP/1.1 200 OK\r\nX-A: 1\rContent-Length: 5\r\n\r\nhello');
      expect(err.message).toMatch(/bare CR/);
    });

    it('refuses a bare LF in the status line', () => {
      const err = refuse('HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n');
      expect(err.message).toMatch(/status line/);
    });

    it('refuses NUL and other control characters in a header value', () => {
      expect(refuse('HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n').message).toMatch(
        /control character/,
      );
      expect(refuse('HTTP/1.1 200 OK\r\nX-A: a\x7fb\r\nContent-Length: 0\r\n\r\n').message).toMatch(
        /control character/,
      );
    });

    it('accepts a tab inside a header value', () => {
      const { recorder } = parse(['HTTP/1.1 200 OK\r\nX-A: a\tb\r\nContent-Length: 0\r\n\r\n']);
      expect(recorder.heads[0]!.headers.slice(0, 2)).toEqual(['X-A', 'a\tb']);
    });

    it('refuses a header name with a space before the colon', () => {
      const err = refuse('HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello');
      expect(err.message).toMatch(/has no valid "name:"/);
    });

    it('refuses header lines without a valid name', () => {
      expect(refuse('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n').message).toMatch(/has no valid "name:"/);
      expect(refuse('HTTP/1.1 200 OK\r\n: empty name\r\n\r\n').message).toMatch(/has no valid "name:"/);
      expect(refuse('HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n').message).toMatch(/has no valid "name:"/);
    });

    it.each([
      'HTTP/2 200',
      'HTTP/2 200 OK',
      'HTTP/1.1 20',
      'HTTP/1.1 2000 OK',
      'HTTP/1.1 099 OK',
      'HTTP/1.2 200 OK',
      'http/1.1 200 OK',
      'ICY 200 OK',
      'HTTP/1.1  200 OK',
      'HTTP/1.1 200\tOK',
    ])('refuses the status line %j', (line) => {
      const err = refuse(`${line}\r\nContent-Length: 0\r\n\r\n`);
      expect(err.message).toMatch(/the status line .* is not "HTTP\/1\.x NNN reason"/);
    });

    it('refuses a head larger than maxHeaderBytes', () => {
      const limits = { maxHeaderBytes: 100, maxHeaderCount: 100 };
      const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100)}\r\nContent-Length: 0\r\n\r\n`;
      expect(refuse(big, { limits }).message).toMatch(/the response head is larger than 100 bytes/);
      // Without its end yet: refused as soon as more than the limit is buffered.
      const partial = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100)}`;
      expect(refuse(partial, { limits }).message).toMatch(/larger than 100 bytes/);
      expect(refusal(() => parse(byteByByte(big), { limits })).message).toMatch(/larger than 100 bytes/);
    });

    it('accepts a head of exactly maxHeaderBytes delivered in one chunk', () => {
      const head = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ';
      const padded = head + 'p'.repeat(100 - head.length);
      expect(padded.length).toBe(100);
      const { recorder } = parse([`${padded}\r\n\r\n`], {
        limits: { maxHeaderBytes: 100, maxHeaderCount: 100 },
      });
      expect(recorder.events).toEqual(['head 200', 'end false']);
    });

    it('accepts a head of exactly maxHeaderBytes however it is split', () => {
      const head = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ';
      const padded = head + 'p'.repeat(100 - head.length);
      const { recorder } = parse(byteByByte(`${padded}\r\n\r\n`), {
        limits: { maxHeaderBytes: 100, maxHeaderCount: 100 },
      });
      expect(recorder.events).toEqual(['head 200', 'end false']);
    });

    it('refuses more headers than maxHeaderCount', () => {
      const limits = { maxHeaderBytes: 61440, maxHeaderCount: 3 };
      const ok = 'HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n';
      expect(parse([ok], { limits }).recorder.events).toEqual(['head 200', 'end false']);
      const err = refuse('HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 0\r\n\r\n', { limits });
      expect(err.message).toMatch(/the response has more than 3 headers/);
    });

    it('refuses a control character in a trailer', () => {
      const raw = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\0b\r\n\r\n';
      expect(refuse(raw).message).toMatch(/control character in a trailer/);
    });

    it('refuses a chunk-size line that never ends', () => {
      const raw = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;${'e'.repeat(5000)}`;
      expect(refuse(raw).message).toMatch(/chunk-size or trailer line is too long/);
    });

    it('refuses a chunk size of 2^48 bytes or more', () => {
      const raw = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000\r\n';
      expect(refuse(raw).message).toMatch(/chunk size larger than 2\^48/);
    });

    it('refuses the same way when the response arrives byte by byte', () => {
      const cases: Array<[string, RegExp]> = [
        ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', /both Content-Length/],
        ['HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n', /obs-fold/],
        ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /has no size/],
        ['ICY 200 OK\r\n\r\n', /status line/],
      ];
      for (const [raw, rule] of cases) {
        expect(refusal(() => parse(byteByByte(raw))).message).toMatch(rule);
      }
    });
  });

  describe('reset', () => {
    it('stops emitting when reset from an event handler', () => {
      const events: string[] = [];
      const parser: ResponseParser = new ResponseParser(
        {
          onResponseHead: () => {
            events.push('head');
            parser.reset();
          },
          onResponseData: () => events.push('data'),
          onResponseEnd: () => events.push('end'),
        },
        LIMITS,
      );
      parser.start('GET');
      parser.execute(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
      expect(events).toEqual(['head']);
      expect(parser.reading).toBe(false);
      expect(() => parser.end()).not.toThrow();
    });
  });
});
