// Proxies fetch their compiled configuration here, conditionally: `If-None-Match` → 304 when unchanged.

import type { ProxyRef } from '../distribution/proxy-ref.js';
import { BadRequestError } from '../errors.js';
import { validateName } from '../model/names.js';
import { etagOf, ifNoneMatchHas } from './etag.js';
import { type Operation, type OperationInput, RawJson, Reply } from './operation.js';

const PREFIX = ['tessera', 'v1', 'meshes', '{meshName}'];

function snapshotOperation(
  kind: ProxyRef['kind'],
  collection: string,
  nameField: string,
  name: string,
): Operation {
  return {
    name,
    method: 'GET',
    segments: [...PREFIX, collection, `{${nameField}}`, 'snapshot'],
    async run({ snapshots }, { params, request }: OperationInput) {
      const meshName = params.meshName!;
      const proxyName = params[nameField]!;
      const problems = [...validateName('meshName', meshName), ...validateName(nameField, proxyName)];
      if (problems.length > 0) throw new BadRequestError(problems);
      const ifNoneMatch = request.headers['if-none-match'];
      const result = await snapshots.read(meshName, { kind, name: proxyName }, (version) =>
        ifNoneMatchHas(ifNoneMatch, version),
      );
      // `no-cache`: a cache in between may keep it, but must revalidate every poll.
      const headers = { etag: etagOf(result.version), 'cache-control': 'no-cache' };
      return result.notModified
        ? new Reply(304, undefined, headers)
        : new Reply(200, new RawJson(result.json), headers);
    },
  };
}

export const SNAPSHOT_OPERATIONS: readonly Operation[] = [
  snapshotOperation('virtualNode', 'virtualNodes', 'virtualNodeName', 'GetVirtualNodeSnapshot'),
  snapshotOperation('virtualGateway', 'virtualGateways', 'virtualGatewayName', 'GetVirtualGatewaySnapshot'),
];
