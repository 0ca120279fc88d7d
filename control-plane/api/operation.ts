// What an API operation is: a method and path pattern, and what to do with a matched request.

import type { EndpointRegistry } from '../discovery/endpoint-registry.js';
import type { SnapshotService } from '../distribution/snapshot-service.js';
import type { MeshService } from '../service/mesh-service.js';
import type { ApiRequest } from './http.js';

/** The use cases the API can call. */
export interface ApiServices {
  readonly mesh: MeshService;
  readonly snapshots: SnapshotService;
  readonly endpoints: EndpointRegistry;
}

export interface OperationInput {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body; `{}` when there is none. */
  readonly body: Record<string, unknown>;
  readonly request: ApiRequest;
}

/** JSON that is already serialized (a compiled snapshot): served byte for byte. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A response other than `200` with a JSON body: a status, headers, and an optional body. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

export interface Operation {
  /** The operation's name, e.g. `CreateVirtualNode`; used in logs and metrics. */
  readonly name: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path segments; `{x}` captures one segment as `params.x`. */
  readonly segments: readonly string[];
  /** Returns the JSON body of a 200, or a `Reply`. */
  run(services: ApiServices, input: OperationInput): Promise<unknown>;
}
