// The proxy's own HTTP/1.1 server for its listeners (see README.md for why not `node:http`).

export { DownstreamRequest } from './downstream-request.js';
export { DownstreamResponse } from './downstream-response.js';
export { type HttpServer, type HttpServerOptions, startHttpServer } from './http-server.js';
export { type RequestHead, RequestParser, RequestRefusal } from './request-parser.js';
export type { RequestHandler } from './server-connection.js';
