import { describe, expect, it } from 'vitest';
import {
  type RequestHead,
  RequestParser,
  RequestRefusal,
} from '../../../../proxy/http/server/request-parser.js';

const LIMITS = { maxHeaderBytes: 1024, maxHeaderCount: 10 };

interface Hooks {
  onHead?: (parser: RequestParser, head: RequestHead) => void;
  onData?: (parser: RequestParser, chunk: Buffer) => void;
  onEnd?: (parser: RequestParser) => void;
}

/** A parser whose events are recorded as `head:METHOD target`, `data:<bytes>` and `end`. */
function recorder(limits = LIMITS, hooks: Hooks = {}) {
  const events: string[] = [];
  const heads: RequestHead[] = [];
  const parser: RequestParser = new RequestParser(
    {
      onRequestHead(head) {
        heads.push(head);
        events.push(`head:${head.method} ${head.target}`);
        hooks.onHead?.(parser, head);
      },
      onRequestData(chunk) {
        // Copied at once: the chunk is a view valid only during the call.
        events.push(`data:${chunk.toString('latin1')}`);
        hooks.onData?.(parser, chunk);
      },
      onRequestEnd() {
        events.push('end');
        hooks.onEnd?.(parser);
      },
    },
    limits,
  );
  const feed = (text: string): void => parser.execute(Buffer.from(text, 'latin1'));
  return { parser, events, heads, feed };
}

/** Events with consecutive data slices joined, so reads split anywhere compare equal. */
function merged(events: readonly string[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    const last = out.at(-1);
    if (event.startsWith('data:') && last?.startsWith('data:')) out[out.length - 1] = last + event.slice(5);
    else out.push(event);
  }
  return out;
}

/** The refusal thrown while feeding `text` (all at once), or fails. */
function refusal(text: string, limits = LIMITS): RequestRefusal {
  const { feed } = recorder(limits);
  try {
    feed(text);
  } catch (err) {
    expect(err).toBeInstanceOf(RequestRefusal);
    return err as RequestRefusal;
  }
  throw new Error(`not refused: ${JSON.stringify(text)}`);
}

const GET = 'GET /a HTTP/1.1\r\nHost: svc\r\n\r\n';
const CHUNKED_POST =
  'POST /upload?x=1 HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '5;name=value;flag\r\nhello\r\n' +
  '1 ; ext="quoted"\r\n \r\n' +
  'A\r\n0123456789\r\n' +
  '0\r\nX-Checksum: abc\r\nX-Other: def\r\n\r\n';

describe('RequestParser: heads', () => {
  it('reads the request line and headers, names as received and values trimmed', () => {
    const { feed, heads, events } = recorder();
    feed('GET /p?q=1 HTTP/1.1\r\nHost: svc:8080\r\nX-Mixed-Case:   spaced value \t\r\nEmpty:\r\n\r\n');
    expect(events).toEqual(['head:GET /p?q=1', 'end']);
    expect(heads[0]).toEqual({
      method: 'GET',
      target: '/p?q=1',
      major: 1,
      minor: 1,
      headers: ['Host', 'svc:8080', 'X-Mixed-Case', 'spaced value', 'Empty', ''],
      bodyLength: 0,
      keepAlive: true,
      expectContinue: false,
      expectUnknown: false,
    });
  });

  it('reads a request line alone, and the absolute, authority and asterisk forms of the target', () => {
    const { parser, feed, heads } = recorder();
    feed('GET http://svc:8080/p HTTP/1.0\r\n\r\n');
    parser.next();
    feed('CONNECT svc:443 HTTP/1.1\r\nHost: svc:443\r\n\r\n');
    parser.next();
    feed('OPTIONS * HTTP/1.1\r\nHost: svc\r\n\r\n');
    expect(heads.map((h) => [h.method, h.target, h.major, h.minor, h.headers.length])).toEqual([
      ['GET', 'http://svc:8080/p', 1, 0, 0],
      ['CONNECT', 'svc:443', 1, 1, 2],
      ['OPTIONS', '*', 1, 1, 2],
    ]);
  });

  it('emits the head only once the blank line has arrived, and reports headReceived', () => {
    const { parser, feed, events } = recorder();
    const text = 'POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 2\r\n\r\n';
    feed(text.slice(0, -1));
    expect(events).toEqual([]);
    expect(parser.headReceived).toBe(false);
    feed(text.slice(-1));
    expect(events).toEqual(['head:POST /']);
    expect(parser.headReceived).toBe(true);
    expect(parser.reading).toBe(true);
    feed('ok');
    expect(events).toEqual(['head:POST /', 'data:ok', 'end']);
    expect(parser.reading).toBe(false);
  });

  const keepAlive: [string, string, boolean][] = [
    ['HTTP/1.1 by default', 'GET / HTTP/1.1\r\nHost: svc\r\n\r\n', true],
    ['HTTP/1.1 with Connection: close', 'GET / HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n', false],
    ['HTTP/1.1 with close among options', 'GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n', false],
    [
      'HTTP/1.1 with close in a second Connection header',
      'GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n',
      false,
    ],
    ['HTTP/1.0 by default', 'GET / HTTP/1.0\r\nHost: svc\r\n\r\n', false],
    ['HTTP/1.0 with Connection: keep-alive', 'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n', true],
    ['HTTP/1.0 with keep-alive and close', 'GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n', false],
  ];
  for (const [what, text, expected] of keepAlive) {
    it(`keepAlive is ${expected} for ${what}`, () => {
      const { feed, heads } = recorder();
      feed(text);
      expect(heads[0]?.keepAlive).toBe(expected);
    });
  }

  it('reads Expect: 100-continue in any case, and any other expectation as unknown', () => {
    const expectations = ['100-continue', '100-Continue', '200-ok', 'foo'].map((value) => {
      const { feed, heads } = recorder();
      feed(`POST / HTTP/1.1\r\nHost: svc\r\nExpect: ${value}\r\nContent-Length: 1\r\n\r\n`);
      return [heads[0]?.expectContinue, heads[0]?.expectUnknown];
    });
    expect(expectations).toEqual([
      [true, false],
      [true, false],
      [false, true],
      [false, true],
    ]);
  });
});

describe('RequestParser: bodies', () => {
  it('delivers a Content-Length body and ends exactly at its length', () => {
    const { feed, heads, events } = recorder();
    feed('POST / HTTP/1.1\r\nHost: svc\r\ncontent-length: 11\r\n\r\nhello');
    expect(heads[0]?.bodyLength).toBe(11);
    expect(events).toEqual(['head:POST /', 'data:hello']);
    feed(' world');
    expect(events).toEqual(['head:POST /', 'data:hello', 'data: world', 'end']);
  });

  it('ends a request with Content-Length: 0 at its head', () => {
    const { feed, heads, events } = recorder();
    feed('POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 0\r\n\r\n');
    expect(heads[0]?.bodyLength).toBe(0);
    expect(events).toEqual(['head:POST /', 'end']);
  });

  it('de-chunks a chunked body, reading past extensions and trailers', () => {
    const { feed, heads, events } = recorder();
    feed(CHUNKED_POST);
    expect(heads[0]?.bodyLength).toBe(-1);
    expect(merged(events)).toEqual(['head:POST /upload?x=1', 'data:hello 0123456789', 'end']);
  });

  it('reads a chunked body the same when the bytes are split at any offset', () => {
    const whole = recorder();
    whole.feed(CHUNKED_POST + GET);
    whole.parser.next();
    const expected = merged(whole.events);
    expect(expected).toEqual(['head:POST /upload?x=1', 'data:hello 0123456789', 'end', 'head:GET /a', 'end']);
    const text = CHUNKED_POST + GET;
    for (let at = 1; at < text.length; at++) {
      const split = recorder();
      split.feed(text.slice(0, at));
      split.feed(text.slice(at));
      split.parser.next();
      expect(merged(split.events), `split at ${at}`).toEqual(expected);
    }
  });

  it('reads a chunked body fed one byte at a time', () => {
    const { parser, feed, events } = recorder();
    for (const c of CHUNKED_POST + GET) feed(c);
    parser.next();
    expect(merged(events)).toEqual([
      'head:POST /upload?x=1',
      'data:hello 0123456789',
      'end',
      'head:GET /a',
      'end',
    ]);
  });

  it('accepts upper-case hex chunk sizes and leading zeros', () => {
    const { feed, events } = recorder();
    feed(
      `POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n00B\r\n${'b'.repeat(11)}\r\n0\r\n\r\n`,
    );
    expect(merged(events)).toEqual(['head:POST /', `data:${'b'.repeat(11)}`, 'end']);
  });
});

describe('RequestParser: pipelining, pause and resume', () => {
  it('holds a pipelined request until next(), then reads it', () => {
    const { parser, feed, events } = recorder();
    feed(
      `${GET}POST /b HTTP/1.1\r\nHost: svc\r\nContent-Length: 3\r\n\r\nxyzGET /c HTTP/1.1\r\nHost: svc\r\n\r\n`,
    );
    expect(events).toEqual(['head:GET /a', 'end']);
    expect(parser.holding).toBe(true);
    // More bytes while holding are held too, not parsed.
    feed('GET /d HTTP/1.1\r\n');
    expect(events).toEqual(['head:GET /a', 'end']);
    parser.next();
    expect(events).toEqual(['head:GET /a', 'end', 'head:POST /b', 'data:xyz', 'end']);
    expect(parser.holding).toBe(true);
    parser.next();
    expect(events.slice(5)).toEqual(['head:GET /c', 'end']);
    parser.next();
    expect(events.slice(7)).toEqual([]);
    expect(parser.holding).toBe(false);
    feed('Host: svc\r\n\r\n');
    expect(events.slice(7)).toEqual(['head:GET /d', 'end']);
  });

  it('does not parse, so does not refuse, a malformed request held behind the current one', () => {
    const { parser, feed, events } = recorder();
    feed(`${GET}NOT A REQUEST\r\n\r\n`);
    expect(events).toEqual(['head:GET /a', 'end']);
    expect(() => parser.next()).toThrow(RequestRefusal);
  });

  it('holds what arrives after pause(), delivering it on resume()', () => {
    const { parser, feed, events } = recorder(LIMITS, {
      onData: (p) => p.pause(),
    });
    feed(
      'POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n',
    );
    expect(events).toEqual(['head:POST /', 'data:abc']);
    expect(parser.paused).toBe(true);
    expect(parser.holding).toBe(true);
    feed(GET);
    expect(events).toEqual(['head:POST /', 'data:abc']);
    parser.resume();
    expect(events).toEqual(['head:POST /', 'data:abc', 'data:def']);
    parser.resume();
    expect(events).toEqual(['head:POST /', 'data:abc', 'data:def', 'end']);
    // The pipelined GET is held until next(), however often resume() is called.
    parser.resume();
    expect(events).toHaveLength(4);
    parser.next();
    expect(events.slice(4)).toEqual(['head:GET /a', 'end']);
  });

  it('holds the whole body when paused at the head', () => {
    const { parser, feed, events } = recorder(LIMITS, { onHead: (p) => p.pause() });
    feed('POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 4\r\n\r\nbo');
    feed('dy');
    expect(events).toEqual(['head:POST /']);
    expect(parser.holding).toBe(true);
    parser.resume();
    expect(events).toEqual(['head:POST /', 'data:body', 'end']);
    expect(parser.holding).toBe(false);
  });

  it('emits nothing more after reset()', () => {
    const { parser, feed, events } = recorder(LIMITS, { onHead: (p) => p.reset() });
    feed(`POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 4\r\n\r\nbody${GET}`);
    feed(GET);
    expect(events).toEqual(['head:POST /']);
    expect(parser.holding).toBe(false);
  });
});

describe('RequestParser: refusals', () => {
  const badRequests: [string, string][] = [
    ['an empty request line', '\r\nHost: svc\r\n\r\n'],
    ['a lower-case version', 'GET / http/1.1\r\nHost: svc\r\n\r\n'],
    ['no version', 'GET /\r\nHost: svc\r\n\r\n'],
    ['a two-digit minor version', 'GET / HTTP/1.10\r\nHost: svc\r\n\r\n'],
    ['two spaces after the method', 'GET  / HTTP/1.1\r\nHost: svc\r\n\r\n'],
    ['a tab as separator', 'GET\t/ HTTP/1.1\r\nHost: svc\r\n\r\n'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: svc\r\n\r\n'],
    ['a NUL in the target', 'GET /a\0 HTTP/1.1\r\nHost: svc\r\n\r\n'],
    ['a method that is not a token', 'G(T / HTTP/1.1\r\nHost: svc\r\n\r\n'],
    ['a bare LF ending the request line', 'GET / HTTP/1.1\nHost: svc\r\n\r\n'],
    ['whitespace before the colon', 'GET / HTTP/1.1\r\nHost : svc\r\n\r\n'],
    ['a header line without a colon', 'GET / HTTP/1.1\r\nHost svc\r\n\r\n'],
    ['an empty header name', 'GET / HTTP/1.1\r\n: svc\r\n\r\n'],
    ['a header name that is not a token', 'GET / HTTP/1.1\r\nX(A): b\r\n\r\n'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: svc\r\nX-A: b\r\n\tc\r\n\r\n'],
    ['a bare LF in a header value', 'GET / HTTP/1.1\r\nX-A: b\nc\r\n\r\n'],
    ['a bare CR in a header value', 'GET / HTTP/1.1\r\nX-A: b\rc\r\n\r\n'],
    ['a NUL in a header value', 'GET / HTTP/1.1\r\nX-A: b\0c\r\n\r\n'],
    ['DEL in a header value', 'GET / HTTP/1.1\r\nX-A: b\x7fc\r\n\r\n'],
    ['two Content-Length headers', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na'],
    ['a Content-Length list', 'POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\na'],
    ['a signed Content-Length', 'POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\na'],
    ['a negative Content-Length', 'POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\na'],
    ['an empty Content-Length', 'POST / HTTP/1.1\r\nContent-Length:\r\n\r\n'],
    ['a 16-digit Content-Length', `POST / HTTP/1.1\r\nContent-Length: ${'1'.repeat(16)}\r\n\r\n`],
    [
      'Content-Length with Transfer-Encoding',
      'POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'Transfer-Encoding before Content-Length',
      'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
    ],
    ['Transfer-Encoding: gzip, chunked', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'],
    ['Transfer-Encoding: identity', 'POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n'],
    ['an empty Transfer-Encoding', 'POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n'],
    [
      'chunked given twice',
      'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['Transfer-Encoding on HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ];
  for (const [what, text] of badRequests) {
    it(`refuses ${what} with 400`, () => {
      const refused = refusal(text);
      expect(refused.status).toBe(400);
      expect(refused.name).toBe('RequestRefusal');
      expect(refused.message.length).toBeGreaterThan(0);
    });
  }

  const CHUNKED_HEAD = 'POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n';
  const badChunks: [string, string][] = [
    ['a chunk-size line without a size', ';ext\r\nabc\r\n0\r\n\r\n'],
    ['a 0x prefix', '0x3\r\nabc\r\n0\r\n\r\n'],
    ['a negative size', '-3\r\nabc\r\n0\r\n\r\n'],
    ['junk after the size', '3x\r\nabc\r\n0\r\n\r\n'],
    ['a chunk longer than its size', '3\r\nabcd\r\n0\r\n\r\n'],
    ['a chunk shorter than its size', '3\r\nab\r\n0\r\n\r\n'],
    ['a bare LF after the chunk data', '3\r\nabc\n0\r\n\r\n'],
    ['a control character in an extension', '3;a=\x01\r\nabc\r\n0\r\n\r\n'],
    ['a bare LF in the chunk-size line', '3;a\nb\r\nabc\r\n0\r\n\r\n'],
    ['a control character in a trailer', '0\r\nX-T: a\x01b\r\n\r\n'],
  ];
  for (const [what, body] of badChunks) {
    it(`refuses ${what} with 400, after delivering the head`, () => {
      const { feed, events } = recorder();
      let thrown: unknown;
      try {
        feed(CHUNKED_HEAD + body);
      } catch (err) {
        thrown = err;
      }
      expect(events[0]).toBe('head:POST /');
      expect(events).not.toContain('end');
      expect(thrown).toBeInstanceOf(RequestRefusal);
      expect((thrown as RequestRefusal).status).toBe(400);
    });
  }

  it('refuses a head larger than maxHeaderBytes with 431, and accepts one of exactly that size', () => {
    const limits = { maxHeaderBytes: 200, maxHeaderCount: 10 };
    // The limit counts the request line and header lines, without the blank line ending the head.
    const head = (size: number) => {
      const start = 'GET / HTTP/1.1\r\nX-Fill: ';
      return `${start}${'f'.repeat(size - start.length)}\r\n\r\n`;
    };
    const { feed, events } = recorder(limits);
    feed(head(200));
    expect(events).toEqual(['head:GET /', 'end']);
    const refused = refusal(head(201), limits);
    expect(refused.status).toBe(431);
  });

  it('refuses an over-large head with 431 as soon as it cannot fit, before its end arrives', () => {
    const limits = { maxHeaderBytes: 200, maxHeaderCount: 10 };
    const { feed } = recorder(limits);
    const start = `GET / HTTP/1.1\r\nX-Fill: ${'f'.repeat(300)}`;
    // 203 bytes could still be a 200-byte head with its blank line pending: not refused yet.
    for (let i = 0; i < 203; i++) feed(start[i]!);
    let thrown: unknown;
    try {
      feed(start[203]!);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RequestRefusal);
    expect((thrown as RequestRefusal).status).toBe(431);
  });

  it('refuses more than maxHeaderCount headers with 431, and accepts exactly that many', () => {
    const request = (count: number) =>
      `GET / HTTP/1.1\r\n${Array.from({ length: count }, (_, i) => `X-H${i}: v\r\n`).join('')}\r\n`;
    const { feed, heads } = recorder();
    feed(request(10));
    expect(heads[0]?.headers).toHaveLength(20);
    expect(refusal(request(11)).status).toBe(431);
  });

  it('refuses a chunk-size line too long to be one with 431', () => {
    const { feed } = recorder();
    feed('POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n');
    let thrown: unknown;
    try {
      feed(`3;${'e'.repeat(5000)}`);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RequestRefusal);
    expect((thrown as RequestRefusal).status).toBe(431);
  });

  it('refuses a trailer section over 16 KiB with 431', () => {
    const trailers = Array.from({ length: 20 }, (_, i) => `X-T${i}: ${'t'.repeat(1000)}\r\n`).join('');
    const refused = refusal(
      `POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${trailers}\r\n`,
    );
    expect(refused.status).toBe(431);
  });

  it('refuses a chunk size of 2^48 bytes or more', () => {
    const refused = refusal(
      'POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000\r\nabc\r\n',
    );
    expect(refused.status).toBeOneOf([400, 431]);
  });
});
