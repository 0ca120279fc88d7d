// The in-memory recorder the data path feeds once per finished request: keys are resolved once per route
// or target (like RouteStats), and `record` adds to that key's counters and latency histogram — O(1), no
// allocation. `drain()` hands the window out as immutable data and starts the next one.

import { type Distribution, LatencyHistogram } from './distribution.js';
import {
  CLUSTER_COUNTERS,
  type ClusterCounter,
  DIMENSION,
  type Direction,
  INBOUND_COUNTERS,
  type MetricName,
  OUTBOUND_COUNTERS,
} from './metric-catalog.js';
import type { MetricsIdentity, MetricsWindow, WindowCell } from './metrics-window.js';

/** One finished request, as the listener saw it. */
export interface RequestSample {
  /** Status sent downstream; 0 when none was. */
  readonly status: number;
  /** From the request's arrival to the end of the response. */
  readonly latencyMs: number;
  /** Request body bytes received from downstream. */
  readonly bytesIn: number;
  /** Response body bytes sent downstream. */
  readonly bytesOut: number;
  /** Attempts after the first. */
  readonly retries: number;
  readonly timedOut: boolean;
  /** A retry was wanted but the retry budget was spent. @default false */
  readonly retryBudgetExhausted?: boolean;
  /** Refused at once: the cluster's pending-request limit was reached. @default false */
  readonly pendingOverflow?: boolean;
}

/** A resolved key: keep it (per route, target or listener) and pass it to `record`. */
export interface MetricKey {
  readonly direction: Direction;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The live counters behind a key; never leaves this module. */
class Cell implements MetricKey {
  readonly values: Float64Array;
  readonly latency: LatencyHistogram | undefined;
  activeConnections = 0;
  touched = false;

  constructor(
    readonly direction: Direction,
    readonly dimensions: Readonly<Record<string, string>>,
  ) {
    this.values = new Float64Array(SLOT_COUNT);
    this.latency = direction === 'outbound' ? new LatencyHistogram() : undefined;
  }
}

// Fixed slots per cell so `record` indexes a typed array instead of looking names up: the catalog's
// counters, in its order.
const SLOTS = [...INBOUND_COUNTERS, ...OUTBOUND_COUNTERS, ...CLUSTER_COUNTERS];
const SLOT_COUNT = SLOTS.length;
const S = Object.fromEntries(SLOTS.map((name, i) => [name, i])) as Record<(typeof SLOTS)[number], number>;
const INBOUND_SLOTS = INBOUND_COUNTERS.map((name) => S[name]);
const OUTBOUND_SLOTS = OUTBOUND_COUNTERS.map((name) => S[name]);
const CLUSTER_SLOTS = CLUSTER_COUNTERS.map((name) => S[name]);

export interface RecorderOptions extends MetricsIdentity {
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
  /** When false, `record` and the connection hooks return at once (metrics off). @default true */
  readonly enabled?: boolean;
}

export class MetricsRecorder {
  readonly identity: MetricsIdentity;
  readonly #now: () => number;
  readonly #enabled: boolean;
  readonly #cells = new Map<string, Cell>();
  readonly #node: Cell;
  #startedAt: number;
  #snapshotAge: (() => number | undefined) | undefined;

  constructor(options: RecorderOptions) {
    this.identity = { mesh: options.mesh, proxy: { ...options.proxy } };
    this.#now = options.now ?? Date.now;
    this.#enabled = options.enabled ?? true;
    this.#startedAt = this.#now();
    this.#node = this.#cell('inbound', {});
  }

  /** The key of the node's inbound traffic (`RequestCount`, `ProcessedBytes`, connections). */
  inboundKey(): MetricKey {
    return this.#node;
  }

  /**
   * The key of outbound requests to `targetVirtualNode` through `route` of `targetVirtualService` (for a
   * gateway: the gateway route's target service and route). Call once per route and target, not per request.
   */
  outboundKey(target: {
    readonly targetVirtualService: string;
    readonly targetVirtualNode: string;
    readonly route: string;
  }): MetricKey {
    return this.#cell('outbound', {
      [DIMENSION.targetVirtualService]: target.targetVirtualService,
      [DIMENSION.targetVirtualNode]: target.targetVirtualNode,
      [DIMENSION.route]: target.route,
    });
  }

  /** The key of a target virtual node's cluster (outlier ejections). */
  clusterKey(targetVirtualNode: string): MetricKey {
    return this.#cell('cluster', { [DIMENSION.targetVirtualNode]: targetVirtualNode });
  }

  /** Counts one finished request under `key`. O(1), allocation-free. */
  record(key: MetricKey, sample: RequestSample): void {
    if (!this.#enabled) return;
    const cell = key as Cell;
    const v = cell.values;
    cell.touched = true;
    if (cell.direction === 'inbound') {
      v[S.RequestCount]! += 1;
      v[S.ProcessedBytes]! += sample.bytesIn + sample.bytesOut;
      return;
    }
    v[S.RequestCountPerTarget]! += 1;
    const status = sample.status;
    if (status >= 500) v[S.HTTPCode_Target_5XX_Count]! += 1;
    else if (status >= 400) v[S.HTTPCode_Target_4XX_Count]! += 1;
    else if (status >= 300) v[S.HTTPCode_Target_3XX_Count]! += 1;
    else if (status >= 200) v[S.HTTPCode_Target_2XX_Count]! += 1;
    v[S.TargetProcessedBytes]! += sample.bytesIn + sample.bytesOut;
    v[S.RetryCount]! += sample.retries;
    if (sample.timedOut) v[S.TimeoutCount]! += 1;
    if (sample.retryBudgetExhausted === true) v[S.RetryBudgetExhaustedCount]! += 1;
    if (sample.pendingOverflow === true) v[S.PendingOverflowCount]! += 1;
    cell.latency!.record(sample.latencyMs);
  }

  /** A connection accepted by an inbound listener; pair with `connectionClosed`. */
  connectionOpened(key: MetricKey = this.#node): void {
    if (!this.#enabled) return;
    const cell = key as Cell;
    cell.touched = true;
    cell.values[S.NewConnectionCount]! += 1;
    cell.activeConnections++;
  }

  connectionClosed(key: MetricKey = this.#node): void {
    if (!this.#enabled) return;
    const cell = key as Cell;
    cell.touched = true;
    if (cell.activeConnections > 0) cell.activeConnections--;
  }

  /** Adds to a cluster counter (`OutlierEjectionCount`) of a `clusterKey`. */
  count(key: MetricKey, metric: ClusterCounter, by = 1): void {
    if (!this.#enabled) return;
    const cell = key as Cell;
    cell.touched = true;
    cell.values[S[metric]]! += by;
  }

  /** Where `SnapshotAgeSeconds` is read at each drain (e.g. `() => watcher.ageSeconds()`). */
  setSnapshotAge(read: () => number | undefined): void {
    this.#snapshotAge = read;
  }

  /** Swaps the current window out as immutable data; the live counters start again from zero. */
  drain(): MetricsWindow {
    const endedAt = this.#now();
    const cells: WindowCell[] = [];
    for (const cell of this.#cells.values()) {
      const drained = this.#drainCell(cell);
      if (drained !== undefined) cells.push(drained);
    }
    const window: MetricsWindow = Object.freeze({
      identity: this.identity,
      startedAt: this.#startedAt,
      endedAt,
      cells: Object.freeze(cells),
    });
    this.#startedAt = endedAt;
    return window;
  }

  #drainCell(cell: Cell): WindowCell | undefined {
    const isNode = cell === this.#node;
    const age = isNode ? this.#snapshotAge?.() : undefined;
    const active = cell.activeConnections;
    if (!cell.touched && active === 0 && age === undefined) return undefined;
    const values: Partial<Record<MetricName, number>> = {};
    const slots =
      cell.direction === 'inbound'
        ? INBOUND_SLOTS
        : cell.direction === 'outbound'
          ? OUTBOUND_SLOTS
          : CLUSTER_SLOTS;
    for (const i of slots) values[SLOTS[i]!] = cell.values[i]!;
    if (cell.direction === 'inbound') values.ActiveConnectionCount = active;
    if (age !== undefined) values.SnapshotAgeSeconds = Math.floor(age);
    cell.values.fill(0);
    cell.touched = false;
    let latency: Distribution | undefined;
    if (cell.latency !== undefined && cell.latency.count > 0) latency = cell.latency.drain();
    return Object.freeze({
      direction: cell.direction,
      dimensions: cell.dimensions,
      values: Object.freeze(values),
      ...(latency !== undefined ? { latency } : {}),
    });
  }

  #cell(direction: Direction, dimensions: Record<string, string>): Cell {
    const id = `${direction}\u0000${Object.values(dimensions).join('\u0000')}`;
    let cell = this.#cells.get(id);
    if (cell === undefined) {
      cell = new Cell(direction, Object.freeze({ ...dimensions }));
      this.#cells.set(id, cell);
    }
    return cell;
  }
}
