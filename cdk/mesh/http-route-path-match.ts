// Matches on the request path — prefix, exact or regex — for routes, and for gateway routes with the
// rewrite that goes with each.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import { Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MeshValidationError } from './private/utils.js';

/** A route's path match in App Mesh's shape (one member set). */
export interface HttpRoutePathMatchConfig {
  /**
   * `match.path`: the whole path, exact or regex.
   *
   * @default - not a whole-path match
   */
  readonly wholePathMatch?: appmesh.HttpPathMatch;
  /**
   * `match.prefix`.
   *
   * @default - not a prefix match
   */
  readonly prefixPathMatch?: string;
}

/** How a route matches the request path. */
export abstract class HttpRoutePathMatch {
  /** The path equals `path` (which starts with `/`). */
  public static exactly(path: string): HttpRoutePathMatch {
    requireSlash('exact path', path);
    return new (class extends HttpRoutePathMatch {
      public bind(_scope: Construct): HttpRoutePathMatchConfig {
        return { wholePathMatch: { exact: path } };
      }
    })();
  }

  /** The whole path matches `regex`. */
  public static regex(regex: string): HttpRoutePathMatch {
    return new (class extends HttpRoutePathMatch {
      public bind(_scope: Construct): HttpRoutePathMatchConfig {
        return { wholePathMatch: { regex } };
      }
    })();
  }

  /** The path starts with `prefix` (which starts with `/`; `/` matches every request). */
  public static startsWith(prefix: string): HttpRoutePathMatch {
    requireSlash('prefix', prefix);
    return new (class extends HttpRoutePathMatch {
      public bind(_scope: Construct): HttpRoutePathMatchConfig {
        return { prefixPathMatch: prefix };
      }
    })();
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): HttpRoutePathMatchConfig;
}

/** A gateway route's path match and rewrite in App Mesh's shape. */
export interface HttpGatewayRoutePathMatchConfig {
  /**
   * `match.path`.
   *
   * @default - not a whole-path match
   */
  readonly wholePathMatch?: appmesh.HttpPathMatch;
  /**
   * `match.prefix`.
   *
   * @default - not a prefix match
   */
  readonly prefixPathMatch?: string;
  /**
   * `action.rewrite.path`.
   *
   * @default - the path is kept
   */
  readonly wholePathRewrite?: appmesh.HttpGatewayRoutePathRewrite;
  /**
   * `action.rewrite.prefix`.
   *
   * @default - the matched prefix is rewritten to `/`
   */
  readonly prefixPathRewrite?: appmesh.HttpGatewayRoutePrefixRewrite;
}

/** How a gateway route matches the request path, and what it rewrites. */
export abstract class HttpGatewayRoutePathMatch {
  /**
   * The path starts with `prefix`.
   *
   * @param rewriteTo the prefix that replaces the matched one (both then start and end with `/`); `''`
   *   keeps the path as received. @default - the matched prefix is rewritten to `/`
   */
  public static startsWith(prefix: string, rewriteTo?: string): HttpGatewayRoutePathMatch {
    requireSlash('prefix', prefix);
    if (rewriteTo) {
      if (!prefix.endsWith('/')) {
        throw new MeshValidationError(`a prefix rewritten to another must end with '/', got ${prefix}`);
      }
      if (!rewriteTo.startsWith('/') || !rewriteTo.endsWith('/')) {
        throw new MeshValidationError(`a prefix rewrite must start and end with '/', got ${rewriteTo}`);
      }
    }
    return new (class extends HttpGatewayRoutePathMatch {
      public bind(_scope: Construct): HttpGatewayRoutePathMatchConfig {
        return {
          prefixPathMatch: prefix,
          prefixPathRewrite:
            rewriteTo === undefined
              ? undefined
              : rewriteTo === ''
                ? { defaultPrefix: 'DISABLED' }
                : { value: rewriteTo },
        };
      }
    })();
  }

  /**
   * The path equals `path`.
   *
   * @param rewriteTo the path sent on instead. @default - the path is kept
   */
  public static exactly(path: string, rewriteTo?: string): HttpGatewayRoutePathMatch {
    requireSlash('exact path', path);
    return HttpGatewayRoutePathMatch.whole({ exact: path }, rewriteTo);
  }

  /**
   * The whole path matches `regex`.
   *
   * @param rewriteTo the path sent on instead. @default - the path is kept
   */
  public static regex(regex: string, rewriteTo?: string): HttpGatewayRoutePathMatch {
    return HttpGatewayRoutePathMatch.whole({ regex }, rewriteTo);
  }

  private static whole(
    match: appmesh.HttpPathMatch,
    rewriteTo: string | undefined,
  ): HttpGatewayRoutePathMatch {
    if (rewriteTo !== undefined) requireSlash('path rewrite', rewriteTo);
    return new (class extends HttpGatewayRoutePathMatch {
      public bind(_scope: Construct): HttpGatewayRoutePathMatchConfig {
        return {
          wholePathMatch: match,
          wholePathRewrite: rewriteTo === undefined ? undefined : { exact: rewriteTo },
        };
      }
    })();
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): HttpGatewayRoutePathMatchConfig;
}

function requireSlash(what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!value.startsWith('/')) throw new MeshValidationError(`${what} must start with '/', got ${value}`);
}
