// Route and gateway route matches, normalized: default prefix filled, gRPC as paths and headers, names lowercased.

import { DEFAULT_MATCH_INVERT, DEFAULT_MATCH_PREFIX } from '../model/constants.js';
import type { GatewayRouteSpec } from '../model/gateway-route.js';
import type { RouteSpec } from '../model/route.js';
import { canonicalJson, compareStrings } from '../snapshot/hash.js';
import type {
  HeaderMatch,
  HostnameMatch,
  PathMatch,
  QueryParameterMatch,
  RequestMatch,
  ValueMatch,
} from '../snapshot/matches.js';
import { at, type Notes, type Site } from './notes.js';

type HttpMatchSpec = NonNullable<RouteSpec['httpRoute']>['match'];
type GrpcMatchSpec = NonNullable<RouteSpec['grpcRoute']>['match'];
type GatewayHttpMatchSpec = NonNullable<GatewayRouteSpec['httpRoute']>['match'];
type GatewayGrpcMatchSpec = NonNullable<GatewayRouteSpec['grpcRoute']>['match'];
type NamedMatchSpec = NonNullable<HttpMatchSpec['headers']>[number];
type QueryMatchSpec = NonNullable<HttpMatchSpec['queryParameters']>[number];
type PathMatchSpec = NonNullable<HttpMatchSpec['path']>;

/**
 * A normalized match. `failClosed` is true when a condition could not be carried (a regex JavaScript
 * cannot compile): it was dropped, which widens the match, and the route must then answer 503 for
 * everything it matches, so no request it might have taken is sent to a later route instead.
 */
export interface MatchResult<M> {
  readonly match: M;
  readonly failClosed: boolean;
}

export type GatewayMatch = RequestMatch & { hostname?: HostnameMatch };

/** An httpRoute or http2Route match. */
export function httpMatch(spec: HttpMatchSpec, site: Site, notes: Notes): MatchResult<RequestMatch> {
  const checker = new RegexChecker(notes);
  const match: RequestMatch = {
    path: pathOf(spec.prefix, spec.path, at(site, '.path'), checker),
    headers: headersOf(spec.headers, at(site, '.headers'), checker),
    queryParameters: queryOf(spec.queryParameters),
    ...optional({ method: spec.method, scheme: spec.scheme, port: spec.port }),
  };
  return { match, failClosed: checker.failed };
}

/** A grpcRoute match: the service and method become a path, the metadata headers. */
export function grpcMatch(spec: GrpcMatchSpec, site: Site, notes: Notes): MatchResult<RequestMatch> {
  const checker = new RegexChecker(notes);
  const match: RequestMatch = {
    path: grpcPath(spec.serviceName, spec.methodName),
    headers: headersOf(spec.metadata, at(site, '.metadata'), checker),
    queryParameters: [],
    ...optional({ port: spec.port }),
  };
  return { match, failClosed: checker.failed };
}

/** An http(2) gateway route match. */
export function httpGatewayMatch(
  spec: GatewayHttpMatchSpec,
  site: Site,
  notes: Notes,
): MatchResult<GatewayMatch> {
  const checker = new RegexChecker(notes);
  const match: GatewayMatch = {
    path: pathOf(spec.prefix, spec.path, at(site, '.path'), checker),
    headers: headersOf(spec.headers, at(site, '.headers'), checker),
    queryParameters: queryOf(spec.queryParameters),
    ...optional({ method: spec.method, port: spec.port, hostname: hostnameOf(spec.hostname) }),
  };
  return { match, failClosed: checker.failed };
}

/** A grpc gateway route match. */
export function grpcGatewayMatch(
  spec: GatewayGrpcMatchSpec,
  site: Site,
  notes: Notes,
): MatchResult<GatewayMatch> {
  const checker = new RegexChecker(notes);
  const match: GatewayMatch = {
    path: grpcPath(spec.serviceName, undefined),
    headers: headersOf(spec.metadata, at(site, '.metadata'), checker),
    queryParameters: [],
    ...optional({ port: spec.port, hostname: hostnameOf(spec.hostname) }),
  };
  return { match, failClosed: checker.failed };
}

function pathOf(
  prefix: string | undefined,
  path: PathMatchSpec | undefined,
  site: Site,
  checker: RegexChecker,
): PathMatch {
  if (path?.exact !== undefined) return { kind: 'exact', value: path.exact };
  if (path?.regex !== undefined && checker.compiles(path.regex, at(site, '.regex'))) {
    return { kind: 'regex', pattern: path.regex };
  }
  return { kind: 'prefix', value: prefix ?? DEFAULT_MATCH_PREFIX };
}

/** `/pkg.Service/Method` exactly, `/pkg.Service/` as a prefix, or every request. */
function grpcPath(serviceName: string | undefined, methodName: string | undefined): PathMatch {
  if (serviceName === undefined) return { kind: 'prefix', value: DEFAULT_MATCH_PREFIX };
  if (methodName === undefined) return { kind: 'prefix', value: `/${serviceName}/` };
  return { kind: 'exact', value: `/${serviceName}/${methodName}` };
}

function headersOf(
  specs: readonly NamedMatchSpec[] | undefined,
  site: Site,
  checker: RegexChecker,
): HeaderMatch[] {
  const headers: HeaderMatch[] = [];
  (specs ?? []).forEach((spec, i) => {
    const match = valueMatchOf(spec.match, at(site, `[${i}].match`), checker);
    if (match === undefined) return;
    headers.push({ name: spec.name.toLowerCase(), invert: spec.invert ?? DEFAULT_MATCH_INVERT, match });
  });
  return sortByNameThenJson(headers);
}

function valueMatchOf(
  spec: NamedMatchSpec['match'],
  site: Site,
  checker: RegexChecker,
): ValueMatch | undefined {
  if (spec === undefined) return { kind: 'present' };
  if (spec.exact !== undefined) return { kind: 'exact', value: spec.exact };
  if (spec.prefix !== undefined) return { kind: 'prefix', value: spec.prefix };
  if (spec.suffix !== undefined) return { kind: 'suffix', value: spec.suffix };
  if (spec.range !== undefined) return { kind: 'range', start: spec.range.start, end: spec.range.end };
  const pattern = spec.regex!;
  return checker.compiles(pattern, at(site, '.regex')) ? { kind: 'regex', pattern } : undefined;
}

function queryOf(specs: readonly QueryMatchSpec[] | undefined): QueryParameterMatch[] {
  const query = (specs ?? []).map(
    (spec): QueryParameterMatch => ({
      name: spec.name,
      match:
        spec.match?.exact === undefined ? { kind: 'present' } : { kind: 'exact', value: spec.match.exact },
    }),
  );
  return sortByNameThenJson(query);
}

function hostnameOf(spec: GatewayHttpMatchSpec['hostname']): HostnameMatch | undefined {
  if (spec === undefined) return undefined;
  return spec.exact !== undefined
    ? { kind: 'exact', value: spec.exact.toLowerCase() }
    : { kind: 'suffix', value: spec.suffix!.toLowerCase() };
}

/** Conditions are all required, so their order carries no meaning: sorted, equal meshes compile equally. */
function sortByNameThenJson<T extends { name: string }>(items: T[]): T[] {
  return items.sort(
    (a, b) => compareStrings(a.name, b.name) || compareStrings(canonicalJson(a), canonicalJson(b)),
  );
}

/** The members of `values` that are set. */
function optional<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Checks that patterns compile as the proxy will compile them, and notes those that do not. */
class RegexChecker {
  failed = false;
  readonly #notes: Notes;

  constructor(notes: Notes) {
    this.#notes = notes;
  }

  compiles(pattern: string, site: Site): boolean {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      // The engine's own message is left out: it may differ between Node.js versions, and so the version.
      this.failed = true;
      this.#notes.unsupported(
        site,
        'regex does not compile in JavaScript (RE2-only syntax such as (?P<name>...) is not supported); requests the route may match are answered 503',
      );
      return false;
    }
  }
}
