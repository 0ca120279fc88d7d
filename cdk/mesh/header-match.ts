// Matches on a request header (or gRPC metadata entry): exact, prefix, suffix, regex or numeric range,
// each also inverted.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Construct } from 'constructs';

/** A header match in App Mesh's shape. */
export interface HeaderMatchConfig {
  /** One `headers[]` (or `metadata[]`) member of a match. */
  readonly headerMatch: appmesh.HttpRouteHeader;
}

/** How a header's value is matched. */
export abstract class HeaderMatch {
  /** The value equals `headerValue`. */
  public static valueIs(headerName: string, headerValue: string): HeaderMatch {
    return new HeaderMatchImpl(headerName, false, { exact: headerValue });
  }

  /** The value does not equal `headerValue`. */
  public static valueIsNot(headerName: string, headerValue: string): HeaderMatch {
    return new HeaderMatchImpl(headerName, true, { exact: headerValue });
  }

  /** The value starts with `prefix`. */
  public static valueStartsWith(headerName: string, prefix: string): HeaderMatch {
    return new HeaderMatchImpl(headerName, false, { prefix });
  }

  /** The value does not start with `prefix`. */
  public static valueDoesNotStartWith(headerName: string, prefix: string): HeaderMatch {
    return new HeaderMatchImpl(headerName, true, { prefix });
  }

  /** The value ends with `suffix`. */
  public static valueEndsWith(headerName: string, suffix: string): HeaderMatch {
    return new HeaderMatchImpl(headerName, false, { suffix });
  }

  /** The value does not end with `suffix`. */
  public static valueDoesNotEndWith(headerName: string, suffix: string): HeaderMatch {
    return new HeaderMatchImpl(headerName, true, { suffix });
  }

  /** The value matches `regex`. */
  public static valueMatchesRegex(headerName: string, regex: string): HeaderMatch {
    return new HeaderMatchImpl(headerName, false, { regex });
  }

  /** The value does not match `regex`. */
  public static valueDoesNotMatchRegex(headerName: string, regex: string): HeaderMatch {
    return new HeaderMatchImpl(headerName, true, { regex });
  }

  /** The value is an integer in `[start, end)`. */
  public static valuesIsInRange(headerName: string, start: number, end: number): HeaderMatch {
    return new HeaderMatchImpl(headerName, false, { range: { start, end } });
  }

  /** The value is not an integer in `[start, end)`. */
  public static valuesIsNotInRange(headerName: string, start: number, end: number): HeaderMatch {
    return new HeaderMatchImpl(headerName, true, { range: { start, end } });
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): HeaderMatchConfig;
}

class HeaderMatchImpl extends HeaderMatch {
  constructor(
    private readonly name: string,
    private readonly invert: boolean,
    private readonly match: appmesh.HeaderMatchMethod,
  ) {
    super();
  }

  public bind(_scope: Construct): HeaderMatchConfig {
    return { headerMatch: { name: this.name, invert: this.invert, match: this.match } };
  }
}
