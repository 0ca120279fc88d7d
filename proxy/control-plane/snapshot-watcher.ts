// Keeps the proxy's snapshot current: polls the control plane with If-None-Match, refuses invalid or older
// snapshots, keeps the last good one (also on disk, where it starts from when the control plane is down).
//
// "Older": a snapshot's version is a content hash, which has no order, and equal content may come back
// legitimately (a route change undone), so versions alone never make a snapshot older. What does order
// snapshots is the mesh's uid: a deleted mesh's uid never comes back. So a snapshot whose `meshUid` is one
// this proxy has already seen replaced by another (a mesh deleted and created again) is older and is
// refused (`snapshot_rejected{reason="stale-mesh"}`), as is one for another mesh or proxy
// (`reason="identity"`). Within a uid the control plane, which reads the mesh consistently, is the
// authority: polls are sequential, so an answer is never overtaken by an earlier one.

import { parseSnapshot, type Snapshot } from '../../control-plane/snapshot/index.js';
import type { Counter, Gauge, Stats } from '../telemetry/stats.js';
import { type ControlPlaneClientOptions, DEFAULT_CONTROL_PLANE_TIMEOUT_MS } from './client-options.js';
import { type ProxyRef, snapshotUrl } from './control-plane-urls.js';
import { answerSummary, call, unquoteEtag } from './private/http.js';
import { SNAPSHOT_FILE_NAME, StateFile } from './state-file.js';
import { jittered, systemTimers, type TimerHandle, type Timers } from './timers.js';

export type SnapshotSource = 'control-plane' | 'disk';

/** Why a snapshot was refused: label `reason` of `snapshot_rejected`. */
export type SnapshotRejection = 'invalid' | 'identity' | 'stale-mesh' | 'apply';

export interface SnapshotWatcherOptions extends ControlPlaneClientOptions {
  readonly proxy: ProxyRef;
  /** Polls are this far apart, ±10%. */
  readonly pollIntervalMs: number;
  /** Where the last good snapshot is kept. @default - not kept */
  readonly stateDir?: string;
  /** Applies a new snapshot; a throw refuses it (`reason="apply"`) and the previous one stays. */
  readonly onSnapshot: (snapshot: Snapshot, source: SnapshotSource) => void | Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
}

/** What the watcher is running on, for `/config`. */
export interface SnapshotStatus {
  readonly version: string;
  readonly meshUid: string;
  readonly source: SnapshotSource;
  /** Seconds since the control plane last confirmed it current. */
  readonly ageSeconds: number;
  /** Epoch ms when it was applied. */
  readonly appliedAt: number;
}

type Outcome = 'applied' | 'unchanged' | 'rejected' | 'unavailable' | 'failed' | 'stopped';

export class SnapshotWatcher {
  readonly #options: SnapshotWatcherOptions;
  readonly #timers: Timers;
  readonly #url: string;
  readonly #file: StateFile | undefined;
  readonly #log: (message: string) => void;
  readonly #updates: Counter;
  readonly #fetchErrors: Counter;
  readonly #stats: Stats;
  #age: Gauge | undefined;

  #current: { snapshot: Snapshot; source: SnapshotSource; appliedAt: number } | undefined;
  #confirmedAt = 0;
  /** The last version refused; sent in If-None-Match so an unchanged bad snapshot is not downloaded again. */
  #refused: string | undefined;
  readonly #retiredMeshUids = new Set<string>();
  #failing = false;
  #started = false;
  #stopped = false;
  #timer: TimerHandle | undefined;
  #inFlight: Promise<Outcome> | undefined;
  readonly #abort = new AbortController();

  constructor(options: SnapshotWatcherOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#url = snapshotUrl(options.controlPlaneUrl, options.mesh, options.proxy);
    this.#file =
      options.stateDir !== undefined ? new StateFile(options.stateDir, SNAPSHOT_FILE_NAME) : undefined;
    this.#log = options.log ?? ((message) => process.stderr.write(`tessera proxy: ${message}\n`));
    this.#stats = options.stats;
    this.#updates = options.stats.counter('snapshot_updates');
    this.#fetchErrors = options.stats.counter('snapshot_fetch_errors');
  }

  /**
   * Fetches the first snapshot; when the control plane is unreachable, answers 5xx, or serves a snapshot
   * that is refused, starts from the disk copy if there is a valid one. Then polls until `stop()`.
   * Resolves once that first attempt is over, with or without a snapshot (see `current`).
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('SnapshotWatcher already started');
    this.#started = true;
    const outcome = await this.#poll();
    if (
      (outcome === 'unavailable' || outcome === 'rejected') &&
      this.#current === undefined &&
      this.#file !== undefined
    ) {
      await this.#loadDisk();
    }
    this.#schedule();
  }

  /** Polls now (or joins the poll in flight); the schedule is unchanged. */
  async pollNow(): Promise<void> {
    await this.#poll();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#inFlight;
  }

  /** The snapshot in use, or undefined before the first valid one. */
  get current(): Snapshot | undefined {
    return this.#current?.snapshot;
  }

  /** Where the snapshot in use came from; `disk` until the control plane confirms or replaces it. */
  get source(): SnapshotSource | undefined {
    return this.#current?.source;
  }

  /** Seconds since the control plane last confirmed the snapshot in use; undefined without one. */
  ageSeconds(): number | undefined {
    if (this.#current === undefined) return undefined;
    return Math.max(0, (this.#timers.now() - this.#confirmedAt) / 1000);
  }

  status(): SnapshotStatus | undefined {
    const current = this.#current;
    if (current === undefined) return undefined;
    return {
      version: current.snapshot.version,
      meshUid: current.snapshot.meshUid,
      source: current.source,
      ageSeconds: this.ageSeconds()!,
      appliedAt: current.appliedAt,
    };
  }

  #schedule(): void {
    if (this.#stopped) return;
    const delay = jittered(this.#options.pollIntervalMs, this.#options.random);
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#poll().then(() => this.#schedule());
    }, delay);
  }

  #poll(): Promise<Outcome> {
    if (this.#stopped) return Promise.resolve('stopped');
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined;
      this.#refreshAge();
    });
    return this.#inFlight;
  }

  async #fetch(): Promise<Outcome> {
    const tags = [this.#current?.snapshot.version, this.#refused].filter((v) => v !== undefined);
    let answer: Awaited<ReturnType<typeof call>>;
    try {
      answer = await call(
        this.#url,
        {
          headers: tags.length > 0 ? { 'if-none-match': tags.map((v) => `"${v}"`).join(', ') } : {},
          timeoutMs: this.#options.requestTimeoutMs ?? DEFAULT_CONTROL_PLANE_TIMEOUT_MS,
          signal: this.#abort.signal,
        },
        this.#options,
      );
    } catch (error) {
      if (this.#stopped) return 'stopped';
      return this.#fetchFailed(`cannot reach the control plane (${(error as Error).message})`, 'unavailable');
    }
    if (this.#stopped) return 'stopped';
    if (answer.status === 304) {
      const tag = unquoteEtag(answer.etag);
      const current = this.#current?.snapshot.version;
      if (current !== undefined && (tag === undefined || tag === current)) return this.#confirm();
      if (tag !== undefined && tag === this.#refused) return this.#recovered('rejected');
      return this.#fetchFailed(`the control plane answered 304 for an unknown version ${tag}`, 'failed');
    }
    if (answer.status !== 200) {
      return this.#fetchFailed(
        `the control plane answered ${answerSummary(answer)}`,
        answer.status >= 500 ? 'unavailable' : 'failed',
      );
    }
    this.#recovered('applied');
    return this.#accept(answer.text, 'control-plane', unquoteEtag(answer.etag), this.#timers.now());
  }

  /** Checks and applies a snapshot from the control plane or the disk. */
  async #accept(
    text: string,
    source: SnapshotSource,
    etag: string | undefined,
    confirmedAt: number,
  ): Promise<Outcome> {
    const parsed = parseSnapshot(text);
    if (!parsed.ok) return this.#refuse('invalid', etag, `snapshot refused: ${parsed.error}`);
    const snapshot = parsed.snapshot;
    const { mesh, proxy } = this.#options;
    if (
      snapshot.meshName !== mesh ||
      snapshot.proxy.kind !== proxy.kind ||
      snapshot.proxy.name !== proxy.name
    ) {
      return this.#refuse(
        'identity',
        snapshot.version,
        `snapshot refused: it is for ${snapshot.proxy.kind} "${snapshot.proxy.name}" in mesh "${snapshot.meshName}", not ${proxy.kind} "${proxy.name}" in mesh "${mesh}"`,
      );
    }
    const current = this.#current;
    if (current !== undefined && snapshot.version === current.snapshot.version) {
      if (source === 'control-plane') return this.#confirm();
      return 'unchanged';
    }
    if (this.#retiredMeshUids.has(snapshot.meshUid)) {
      return this.#refuse(
        'stale-mesh',
        snapshot.version,
        `snapshot refused: it is for mesh uid ${snapshot.meshUid}, which was deleted and replaced by ${current?.snapshot.meshUid}`,
      );
    }
    try {
      await this.#options.onSnapshot(snapshot, source);
    } catch (error) {
      return this.#refuse(
        'apply',
        snapshot.version,
        `snapshot ${snapshot.version} could not be applied: ${(error as Error).message}`,
      );
    }
    if (current !== undefined && current.snapshot.meshUid !== snapshot.meshUid) {
      this.#retiredMeshUids.add(current.snapshot.meshUid);
    }
    this.#current = { snapshot, source, appliedAt: this.#timers.now() };
    this.#confirmedAt = confirmedAt;
    this.#refused = undefined;
    this.#updates.inc();
    this.#log(
      `applied snapshot ${snapshot.version} from ${source === 'disk' ? `disk (${this.#file?.path})` : 'the control plane'}`,
    );
    if (source === 'control-plane' && this.#file !== undefined) {
      await this.#file.write(text, confirmedAt).catch((error: Error) => this.#diskFailed(error));
    }
    return 'applied';
  }

  /** The control plane says the snapshot in use is current. */
  #confirm(): Outcome {
    this.#recovered('unchanged');
    const now = this.#timers.now();
    this.#confirmedAt = now;
    if (this.#current !== undefined && this.#current.source === 'disk') {
      this.#current = { ...this.#current, source: 'control-plane' };
      this.#log(`the control plane confirmed snapshot ${this.#current.snapshot.version} from disk`);
    }
    if (this.#file !== undefined) {
      void this.#file.touch(now).catch((error: Error) => this.#diskFailed(error));
    }
    return 'unchanged';
  }

  async #loadDisk(): Promise<void> {
    let stored: Awaited<ReturnType<StateFile['read']>>;
    try {
      stored = await this.#file!.read();
    } catch (error) {
      this.#diskFailed(error as Error);
      return;
    }
    if (stored === undefined) {
      this.#log(`no snapshot on disk at ${this.#file!.path}; not ready until the control plane answers`);
      return;
    }
    await this.#accept(stored.text, 'disk', undefined, stored.confirmedAt);
  }

  #refuse(reason: SnapshotRejection, version: string | undefined, message: string): Outcome {
    this.#stats.counter('snapshot_rejected', { reason }).inc();
    if (version !== undefined && version !== this.#current?.snapshot.version) this.#refused = version;
    this.#log(
      `${message}; keeping ${this.#current ? `snapshot ${this.#current.snapshot.version}` : 'no snapshot'}`,
    );
    return 'rejected';
  }

  #fetchFailed(message: string, outcome: Outcome): Outcome {
    this.#fetchErrors.inc();
    if (!this.#failing) {
      this.#failing = true;
      this.#log(
        `${message}; keeping ${this.#current ? `snapshot ${this.#current.snapshot.version}` : 'no snapshot'}`,
      );
    }
    return outcome;
  }

  #recovered<T extends Outcome>(outcome: T): T {
    if (this.#failing) {
      this.#failing = false;
      this.#log('the control plane answers again');
    }
    return outcome;
  }

  #diskFailed(error: Error): void {
    this.#stats.counter('snapshot_disk_errors').inc();
    this.#log(`snapshot file ${this.#file?.path}: ${error.message}`);
  }

  #refreshAge(): void {
    const age = this.ageSeconds();
    if (age === undefined) return;
    this.#age ??= this.#stats.gauge('snapshot_age_seconds');
    this.#age.set(Math.floor(age));
  }
}
