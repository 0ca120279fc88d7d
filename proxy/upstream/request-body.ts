// Reading a downstream request body: small ones buffered so retries can replay them, large ones streamed once.

import { PassThrough, type Readable } from 'node:stream';
import type { DownstreamRequest } from '../http/server/index.js';

/** `bytes`: the whole body, replayable. `stream`: sent as it arrives, so tried only once. */
export type RequestBody =
  | { readonly replayable: true; readonly bytes: Buffer }
  | { readonly replayable: false; readonly stream: PassThrough };

/**
 * Reads `req`'s body: a declared length over `limit` is streamed at once; otherwise bytes are buffered
 * until the end, or until they pass `limit` (chunked bodies), when what was read is sent first and the rest
 * streamed. A stream is fed through a `PassThrough` so an aborted attempt never destroys `req` (the
 * client must still get our reply); `releaseBody` lets the rest drain.
 */
export function readRequestBody(
  request: DownstreamRequest,
  declaredLength: number,
  limit: number,
  done: (body: RequestBody | Error) => void,
): void {
  const req = request.body;
  if (declaredLength > limit) {
    done(stream(req, undefined));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      cleanup();
      done(stream(req, chunks));
    }
  };
  const onEnd = () => {
    cleanup();
    done({ replayable: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
  };
  const onError = (err: Error) => {
    cleanup();
    done(err);
  };
  const onClose = () => {
    if (!req.readableEnded) onError(new Error('request body aborted'));
  };
  const cleanup = () => {
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
    req.removeListener('close', onClose);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
}

function stream(req: Readable, prefix: Buffer[] | undefined): RequestBody {
  req.pause();
  const body = new PassThrough();
  if (prefix !== undefined) for (const chunk of prefix) body.write(chunk);
  req.pipe(body);
  return { replayable: false, stream: body };
}

/** After the exchange: stops feeding `body` and lets the rest of `req` drain so the connection stays usable. */
export function releaseBody(request: DownstreamRequest, body: PassThrough): void {
  const req = request.body;
  req.unpipe(body);
  if (!req.readableEnded && !req.destroyed) req.resume();
}
