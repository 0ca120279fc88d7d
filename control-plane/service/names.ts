// The request field that carries each kind's name, as App Mesh's API spells it.

import type { Kind } from '../model/kinds.js';

export const NAME_FIELD: Record<Kind, string> = {
  mesh: 'meshName',
  virtualService: 'virtualServiceName',
  virtualNode: 'virtualNodeName',
  virtualRouter: 'virtualRouterName',
  route: 'routeName',
  virtualGateway: 'virtualGatewayName',
  gatewayRoute: 'gatewayRouteName',
};

/** The field naming the router or gateway a route or gateway route belongs to. */
export const PARENT_NAME_FIELD: Partial<Record<Kind, string>> = {
  route: 'virtualRouterName',
  gatewayRoute: 'virtualGatewayName',
};
