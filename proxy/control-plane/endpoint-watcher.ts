// Keeps the endpoints of the virtual nodes the snapshot's clusters name: polls the registry with
// If-None-Match, and keeps the last good set when the control plane fails or answers something invalid.

import {
  ENDPOINTS_SCHEMA_VERSION,
  type EndpointSet,
  endpointSetSchema,
  type Snapshot,
} from '../../control-plane/snapshot/index.js';
import type { Counter } from '../telemetry/stats.js';
import { type ControlPlaneClientOptions, DEFAULT_CONTROL_PLANE_TIMEOUT_MS } from './client-options.js';
import { endpointsReadUrl } from './control-plane-urls.js';
import { answerSummary, call, unquoteEtag } from './private/http.js';
import { ENDPOINTS_FILE_NAME, StateFile } from './state-file.js';
import { jittered, systemTimers, type TimerHandle, type Timers } from './timers.js';

/** The registry reads at most this many nodes at once; more are read in several requests. */
export const MAX_NODES_PER_ENDPOINT_READ = 100;

export interface EndpointWatcherOptions extends ControlPlaneClientOptions {
  readonly pollIntervalMs: number;
  /** Called with every node's endpoints whenever any of them change (and once per change of the node set). */
  readonly onEndpoints: (set: EndpointSet) => void;
  /** @default Math.random */
  readonly random?: () => number;
  /**
   * Folder where the last endpoints are kept (`endpoints.json`), so a proxy restarted while the control
   * plane is unreachable still knows where its backends are. @default - nothing is kept on disk
   */
  readonly stateDir?: string;
}

/** The virtual nodes whose endpoints a snapshot needs: those its clusters name, sorted, once each. */
export function nodesOf(snapshot: Snapshot): string[] {
  return [...new Set(snapshot.clusters.map((cluster) => cluster.virtualNode))].sort();
}

interface Chunk {
  readonly nodes: readonly string[];
  set?: EndpointSet;
}

export class EndpointWatcher {
  readonly #options: EndpointWatcherOptions;
  readonly #timers: Timers;
  readonly #log: (message: string) => void;
  readonly #updates: Counter;
  readonly #fetchErrors: Counter;
  readonly #rejected: Counter;
  #nodesKey = '';
  #chunks: Chunk[] = [];
  #last: EndpointSet | undefined;
  #failing = false;
  #started = false;
  #stopped = false;
  #timer: TimerHandle | undefined;
  #inFlight: Promise<void> | undefined;
  readonly #abort = new AbortController();
  readonly #file: StateFile | undefined;

  constructor(options: EndpointWatcherOptions) {
    this.#options = options;
    this.#file =
      options.stateDir !== undefined ? new StateFile(options.stateDir, ENDPOINTS_FILE_NAME) : undefined;
    this.#timers = options.timers ?? systemTimers;
    this.#log = options.log ?? ((message) => process.stderr.write(`tessera proxy: ${message}\n`));
    this.#updates = options.stats.counter('endpoints_updates');
    this.#fetchErrors = options.stats.counter('endpoints_fetch_errors');
    this.#rejected = options.stats.counter('endpoints_rejected');
  }

  /** Starts polling (a no-op poll while no nodes are set). */
  start(): void {
    if (this.#started) throw new Error('EndpointWatcher already started');
    this.#started = true;
    this.#schedule();
  }

  /**
   * Watches these nodes from now on (`nodesOf(snapshot)` after each snapshot). A changed set is polled at
   * once; nodes kept keep their last endpoints until then. Resolves when that poll is over.
   */
  async setNodes(nodes: readonly string[]): Promise<void> {
    const sorted = [...new Set(nodes)].sort();
    const key = sorted.join('\n');
    if (key === this.#nodesKey) return;
    this.#nodesKey = key;
    const chunks: Chunk[] = [];
    for (let i = 0; i < sorted.length; i += MAX_NODES_PER_ENDPOINT_READ) {
      chunks.push({ nodes: sorted.slice(i, i + MAX_NODES_PER_ENDPOINT_READ) });
    }
    this.#chunks = chunks;
    if (chunks.length === 0) {
      this.#emit();
      return;
    }
    await this.pollNow(true);
    if (this.#last === undefined) await this.#loadDisk(sorted);
  }

  /** The last endpoints delivered, or undefined before the first read. */
  get current(): EndpointSet | undefined {
    return this.#last;
  }

  /** Polls now, or joins the poll in flight; with `fresh`, waits for it and polls again (a new node set). */
  async pollNow(fresh = false): Promise<void> {
    if (this.#stopped) return;
    if (this.#inFlight !== undefined) {
      await this.#inFlight;
      return fresh ? this.pollNow() : undefined;
    }
    this.#inFlight = this.#pollAll().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#inFlight;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#timers.setTimeout(
      () => {
        this.#timer = undefined;
        void this.pollNow().then(() => this.#schedule());
      },
      jittered(this.#options.pollIntervalMs, this.#options.random),
    );
  }

  async #pollAll(): Promise<void> {
    const chunks = this.#chunks;
    const changed = await Promise.all(chunks.map((chunk) => this.#pollChunk(chunk)));
    if (this.#stopped || chunks !== this.#chunks) return;
    if (changed.some(Boolean) || this.#last === undefined) {
      if (chunks.every((chunk) => chunk.set !== undefined)) this.#emit();
    }
  }

  /** True when this chunk's endpoints changed. */
  async #pollChunk(chunk: Chunk): Promise<boolean> {
    const { controlPlaneUrl, mesh } = this.#options;
    let answer: Awaited<ReturnType<typeof call>>;
    try {
      answer = await call(
        endpointsReadUrl(controlPlaneUrl, mesh, chunk.nodes),
        {
          headers: chunk.set ? { 'if-none-match': `"${chunk.set.version}"` } : {},
          timeoutMs: this.#options.requestTimeoutMs ?? DEFAULT_CONTROL_PLANE_TIMEOUT_MS,
          signal: this.#abort.signal,
        },
        this.#options,
      );
    } catch (error) {
      if (!this.#stopped)
        this.#failed(`cannot reach the control plane for endpoints (${(error as Error).message})`);
      return false;
    }
    if (answer.status === 304 && chunk.set !== undefined) {
      const tag = unquoteEtag(answer.etag);
      if (tag === undefined || tag === chunk.set.version) return this.#ok(false);
    }
    if (answer.status !== 200) {
      this.#failed(`the control plane answered ${answerSummary(answer)} for endpoints`);
      return false;
    }
    const set = parseEndpointSet(answer.text, mesh, chunk.nodes);
    if (typeof set === 'string') {
      this.#rejected.inc();
      this.#log(`endpoints refused: ${set}; keeping the last ones`);
      return false;
    }
    const changed = chunk.set?.version !== set.version;
    chunk.set = set;
    return this.#ok(changed);
  }

  #emit(): void {
    const endpoints: EndpointSet['endpoints'] = {};
    for (const chunk of this.#chunks) Object.assign(endpoints, chunk.set?.endpoints);
    this.#last = {
      schemaVersion: ENDPOINTS_SCHEMA_VERSION,
      meshName: this.#options.mesh,
      version: this.#chunks.map((chunk) => chunk.set?.version ?? '').join('.'),
      endpoints,
    };
    this.#updates.inc();
    this.#options.onEndpoints(this.#last);
    const text = JSON.stringify(this.#last);
    this.#file?.write(text, this.#timers.now()).catch((error: Error) => {
      this.#log(`cannot keep the endpoints on disk (${error.message})`);
    });
  }

  /** Before the control plane has answered: the endpoints kept on disk by an earlier run, if any. */
  async #loadDisk(nodes: readonly string[]): Promise<void> {
    const stored = await this.#file?.read().catch(() => undefined);
    if (stored === undefined) return;
    const set = parseEndpointSet(stored.text, this.#options.mesh, []);
    if (typeof set === 'string') {
      this.#rejected.inc();
      this.#log(`endpoints on disk refused: ${set}`);
      return;
    }
    const endpoints: EndpointSet['endpoints'] = {};
    for (const node of nodes) endpoints[node] = set.endpoints[node] ?? [];
    this.#last = { ...set, endpoints };
    this.#log('starting from the endpoints kept on disk until the control plane answers');
    this.#options.onEndpoints(this.#last);
  }

  #ok(changed: boolean): boolean {
    if (this.#failing) {
      this.#failing = false;
      this.#log('the control plane answers endpoint reads again');
    }
    return changed;
  }

  #failed(message: string): void {
    this.#fetchErrors.inc();
    if (!this.#failing) {
      this.#failing = true;
      this.#log(`${message}; keeping the last endpoints`);
    }
  }
}

/** The endpoint set in `text`, or why it is refused. */
function parseEndpointSet(text: string, mesh: string, nodes: readonly string[]): EndpointSet | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const result = endpointSetSchema.safeParse(json);
  if (!result.success) {
    return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  }
  if (result.data.meshName !== mesh) return `meshName: must be "${mesh}", got "${result.data.meshName}"`;
  const missing = nodes.filter((node) => result.data.endpoints[node] === undefined);
  if (missing.length > 0)
    return `endpoints: must have a key for every node asked, missing ${missing.join(', ')}`;
  return result.data;
}
