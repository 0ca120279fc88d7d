// Matches on a query parameter of the request.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Construct } from 'constructs';

/** A query parameter match in App Mesh's shape. */
export interface QueryParameterMatchConfig {
  /** One `queryParameters[]` member of a match. */
  readonly queryParameterMatch: appmesh.HttpQueryParameter;
}

/** How a query parameter is matched. */
export abstract class QueryParameterMatch {
  /** The parameter `queryParameterName` equals `queryParameterValue`. */
  public static valueIs(queryParameterName: string, queryParameterValue: string): QueryParameterMatch {
    return new (class extends QueryParameterMatch {
      public bind(_scope: Construct): QueryParameterMatchConfig {
        return { queryParameterMatch: { name: queryParameterName, match: { exact: queryParameterValue } } };
      }
    })();
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): QueryParameterMatchConfig;
}
