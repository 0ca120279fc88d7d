// Sends raw bytes to an HTTP server over a real socket and reports what came back, and whether the server closed.

import net from 'node:net';

export interface RawResponse {
  /** Status of the first response, 0 when none came. */
  readonly status: number;
  /** Header names (lower-case) and values of the first response. */
  readonly headers: Readonly<Record<string, string>>;
  /** Body of the first response (by Content-Length; else everything after the head). */
  readonly body: string;
  /** Every byte received, for counting responses. */
  readonly text: string;
  /** True when the server closed the connection. */
  readonly closed: boolean;
}

/**
 * Writes `bytes` (a string is sent as latin1, byte for byte) to 127.0.0.1:`port`, then waits until the
 * server closes the connection, or until `idleMs` pass without data once something has arrived (or
 * `timeoutMs` in all).
 */
export function rawExchange(
  port: number,
  bytes: string | Buffer,
  { idleMs = 250, timeoutMs = 5_000 }: { idleMs?: number; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(idle);
      clearTimeout(overall);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks).toString('latin1'), closed));
    };
    const overall = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(idle);
      idle = setTimeout(finish, idleMs);
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('error', () => {
      closed = true;
      finish();
    });
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  });
}

function parse(text: string, closed: boolean): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 ') || end === -1) return { status: 0, headers: {}, body: '', text, closed };
  const lines = text.slice(0, end).split('\r\n');
  const status = Number(lines[0]!.slice(9, 12));
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = text.slice(end + 4);
  const length = headers['content-length'];
  const body = length === undefined ? rest : rest.slice(0, Number(length));
  return { status, headers, body, text, closed };
}

/** `GET path` with `Host` and extra header lines, as raw HTTP/1.1. */
export function get(path: string, host = 'svc:8080', extra: readonly string[] = []): string {
  return [`GET ${path} HTTP/1.1`, `Host: ${host}`, ...extra, '', ''].join('\r\n');
}
