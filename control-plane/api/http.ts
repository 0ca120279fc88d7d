// The API's view of HTTP: a request and a response as plain data, so any front door can carry them
// (a Lambda event, a local node:http server).

export interface ApiRequest {
  readonly method: string;
  /** The raw (still percent-encoded) path, e.g. `/v20190125/meshes/demo`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text; undefined when there is none. */
  readonly body: string | undefined;
  /** An id for logs and the `x-amzn-RequestId` header. */
  readonly requestId: string;
  /**
   * The caller's IAM principal ARN as the front door authenticated it (SigV4); absent when the front
   * door does no authentication (the local control plane).
   */
  readonly principal?: string;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** App Mesh resource specs are small; anything bigger is a mistake or an attack. */
export const MAX_REQUEST_BODY_BYTES = 256 * 1024;
