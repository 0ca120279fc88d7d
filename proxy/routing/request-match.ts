// A route's match compiled once per snapshot: every condition checked in turn, cheapest first.

import type { QueryParameterMatch, RequestMatch } from '../../control-plane/snapshot/index.js';
import {
  type CompiledHeaderMatch,
  compileHeaderMatch,
  compileWholeMatch,
  headerMatches,
} from './header-match.js';
import { queryMatches } from './query-match.js';
import type { RequestFacts } from './types.js';

/**
 * A compiled `RequestMatch`. The port condition is not checked here: the route table only offers a
 * request the routes of the port it was addressed to.
 */
export class CompiledRequestMatch {
  readonly #method: string | undefined;
  readonly #scheme: 'http' | 'https' | undefined;
  readonly #pathKind: RequestMatch['path']['kind'];
  readonly #pathValue: string;
  readonly #pathRegex: RegExp | undefined;
  readonly #headers: readonly CompiledHeaderMatch[];
  readonly #query: readonly QueryParameterMatch[];
  /**
   * True when a regex did not compile here. That condition is dropped (the match widens) and the route
   * must answer 503 for what it matches, as the compiler does with a regex JavaScript cannot compile.
   */
  readonly failClosed: boolean;

  constructor(match: RequestMatch) {
    let failClosed = false;
    this.#method = match.method;
    this.#scheme = match.scheme;
    const path = match.path;
    this.#pathKind = path.kind;
    this.#pathValue = path.kind === 'regex' ? '' : path.value;
    if (path.kind === 'regex') {
      this.#pathRegex = compileWholeMatch(path.pattern);
      if (this.#pathRegex === undefined) {
        failClosed = true;
        this.#pathKind = 'prefix';
        this.#pathValue = '/';
      }
    }
    const headers: CompiledHeaderMatch[] = [];
    for (const header of match.headers) {
      const compiled = compileHeaderMatch(header);
      if (compiled === undefined) failClosed = true;
      else headers.push(compiled);
    }
    this.#headers = headers;
    this.#query = match.queryParameters;
    this.failClosed = failClosed;
  }

  /** Whether every condition holds for the request. */
  matches(facts: RequestFacts): boolean {
    if (this.#method !== undefined && facts.method !== this.#method) return false;
    if (this.#scheme !== undefined && facts.scheme !== this.#scheme) return false;
    if (!this.#pathMatches(facts.path)) return false;
    for (const header of this.#headers) {
      if (!headerMatches(header, facts.headers)) return false;
    }
    for (const query of this.#query) {
      if (!queryMatches(query, facts.query)) return false;
    }
    return true;
  }

  #pathMatches(path: string): boolean {
    switch (this.#pathKind) {
      case 'prefix':
        return path.startsWith(this.#pathValue);
      case 'exact':
        return path === this.#pathValue;
      case 'regex':
        return this.#pathRegex!.test(path);
    }
  }
}
