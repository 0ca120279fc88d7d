// What a request's route resolves to (its counters, its telemetry labels), made once per snapshot and then
// found by the route object and plain names: no key string is built and hashed per request.

export class RouteMemo<R extends object, V> {
  readonly #byRoute = new Map<R, Map<string, Map<string, V>>>();
  readonly #make: (route: R, name: string, detail: string) => V;

  constructor(make: (route: R, name: string, detail: string) => V) {
    this.#make = make;
  }

  get(route: R, name: string, detail = ''): V {
    let byName = this.#byRoute.get(route);
    if (byName === undefined) {
      byName = new Map();
      this.#byRoute.set(route, byName);
    }
    let byDetail = byName.get(name);
    if (byDetail === undefined) {
      byDetail = new Map();
      byName.set(name, byDetail);
    }
    let value = byDetail.get(detail);
    if (value === undefined) {
      value = this.#make(route, name, detail);
      byDetail.set(detail, value);
    }
    return value;
  }
}
