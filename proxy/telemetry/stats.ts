// In-memory counters and gauges for the admin port (`/stats`, JSON or Prometheus text) and, later, the
// metric exporters. Callers resolve a labelled series once (per route, per target) and keep it, so the
// per-request cost is one addition.

export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(by?: number): void;
  readonly value: number;
}

export interface Gauge {
  set(value: number): void;
  add(delta: number): void;
  readonly value: number;
}

interface Series {
  readonly name: string;
  readonly labels: Labels;
  readonly kind: 'counter' | 'gauge';
  value: number;
}

export interface StatsSnapshot {
  readonly counters: ReadonlyArray<{ name: string; labels: Labels; value: number }>;
  readonly gauges: ReadonlyArray<{ name: string; labels: Labels; value: number }>;
}

export class Stats {
  readonly #series = new Map<string, Series>();

  /** The counter `name{labels}`, created at 0 on first use. Keep the result; do not call per request. */
  counter(name: string, labels: Labels = {}): Counter {
    const series = this.#get(name, labels, 'counter');
    return {
      inc: (by = 1) => {
        series.value += by;
      },
      get value() {
        return series.value;
      },
    };
  }

  gauge(name: string, labels: Labels = {}): Gauge {
    const series = this.#get(name, labels, 'gauge');
    return {
      set: (value) => {
        series.value = value;
      },
      add: (delta) => {
        series.value += delta;
      },
      get value() {
        return series.value;
      },
    };
  }

  snapshot(): StatsSnapshot {
    const all = [...this.#series.values()].sort(
      (a, b) =>
        a.name.localeCompare(b.name) || seriesKey('', a.labels).localeCompare(seriesKey('', b.labels)),
    );
    const pick = (kind: Series['kind']) =>
      all.filter((s) => s.kind === kind).map(({ name, labels, value }) => ({ name, labels, value }));
    return { counters: pick('counter'), gauges: pick('gauge') };
  }

  /** Prometheus text exposition format (version 0.0.4). */
  toPrometheus(prefix = 'tessera_'): string {
    const lines: string[] = [];
    let last = '';
    for (const { name, labels, value, kind } of [...this.#series.values()].sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const metric = `${prefix}${name}`;
      if (metric !== last) {
        lines.push(`# TYPE ${metric} ${kind}`);
        last = metric;
      }
      const rendered = Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',');
      lines.push(`${metric}${rendered ? `{${rendered}}` : ''} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }

  #get(name: string, labels: Labels, kind: Series['kind']): Series {
    const key = seriesKey(name, labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { name, labels: { ...labels }, kind, value: 0 };
      this.#series.set(key, series);
    } else if (series.kind !== kind) {
      throw new Error(`stat ${name} is a ${series.kind}, not a ${kind}`);
    }
    return series;
  }
}

function seriesKey(name: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return `${name}{${parts.join(',')}}`;
}
