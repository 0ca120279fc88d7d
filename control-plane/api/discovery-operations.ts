// The endpoint registry's HTTP operations (Tessera's own API, beside App Mesh's): proxies register,
// heartbeat and deregister their node's endpoint, and read the endpoints of the nodes they call.

import { etagOf, ifNoneMatchHas } from './etag.js';
import { type Operation, Reply } from './operation.js';

const PREFIX = ['tessera', 'v1', 'meshes', '{meshName}'];
const ENDPOINT_PATH = [...PREFIX, 'virtualNodes', '{virtualNodeName}', 'endpoints', '{endpointId}'];

export const DISCOVERY_OPERATIONS: Operation[] = [
  {
    name: 'RegisterEndpoint',
    method: 'PUT',
    segments: ENDPOINT_PATH,
    async run(services, { params, body, request }) {
      return services.endpoints.register(
        params.meshName!,
        params.virtualNodeName!,
        params.endpointId!,
        body,
        request.principal,
      );
    },
  },
  {
    name: 'DeregisterEndpoint',
    method: 'DELETE',
    segments: ENDPOINT_PATH,
    async run(services, { params, request }) {
      return services.endpoints.deregister(
        params.meshName!,
        params.virtualNodeName!,
        params.endpointId!,
        request.principal,
      );
    },
  },
  {
    name: 'GetEndpoints',
    method: 'GET',
    segments: [...PREFIX, 'endpoints'],
    async run(services, { params, query, request }) {
      const header = request.headers['if-none-match'];
      const read = await services.endpoints.read(params.meshName!, query.getAll('virtualNode'), (version) =>
        ifNoneMatchHas(header, version),
      );
      // `no-cache`: a cache in between may keep it, but must revalidate every poll (as snapshots).
      if (read.notModified) {
        return new Reply(304, undefined, { etag: etagOf(read.version), 'cache-control': 'no-cache' });
      }
      return new Reply(200, read.set, { etag: etagOf(read.set.version), 'cache-control': 'no-cache' });
    },
  },
];
