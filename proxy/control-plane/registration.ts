import type { Counter, Gauge } from '../telemetry/stats.js';
import { type ControlPlaneClientOptions, DEFAULT_CONTROL_PLANE_TIMEOUT_MS } from './client-options.js';
import { endpointUrl } from './control-plane-urls.js';
import { answerSummary, call } from './private/http.js';
import { systemTimers, type TimerHandle, type Timers } from './timers.js';

/** The registry's default: an endpoint without heartbeats disappears this long after the last one. */
export const DEFAULT_REGISTRATION_TTL_SECONDS = 30;
/** First wait before trying again after an error; doubles up to the heartbeat interval. */
export const REGISTRATION_RETRY_MS = 1_000;
/** How long `deregister()` may take at most. */
export const DEFAULT_DEREGISTER_TIMEOUT_MS = 2_000;

export interface RegisteredPort {
  readonly listenerPort: number;
  /** The proxy's ingress port for that listener. */
  readonly port: number;
}

export interface RegistrationOptions extends ControlPlaneClientOptions {
  readonly virtualNode: string;
  /** The instance id (ECS task id, pod name, or hostname-pid). */
  readonly endpointId: string;
  readonly address: string;
  readonly zone?: string;
  readonly ports: readonly RegisteredPort[];
  /** 5–300. @default 30 */
  readonly ttlSeconds?: number;
  readonly attributes?: Readonly<Record<string, string>>;
}

export class Registration {
  readonly #options: RegistrationOptions;
  readonly #timers: Timers;
  readonly #url: string;
  readonly #ttlSeconds: number;
  readonly #log: (message: string) => void;
  readonly #heartbeats: Counter;
  readonly #errors: Counter;
  readonly #registeredGauge: Gauge;
  #ports: readonly RegisteredPort[];
  #registered = false;
  #failures = 0;
  #started = false;
  #stopped = false;
  #timer: TimerHandle | undefined;
  #inFlight: Promise<void> | undefined;
  readonly #abort = new AbortController();

  constructor(options: RegistrationOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#url = endpointUrl(options.controlPlaneUrl, options.mesh, options.virtualNode, options.endpointId);
    this.#ttlSeconds = options.ttlSeconds ?? DEFAULT_REGISTRATION_TTL_SECONDS;
    this.#log = options.log ?? ((message) => process.stderr.write(`tessera proxy: ${message}\n`));
    this.#ports = options.ports;
    this.#heartbeats = options.stats.counter('registration_heartbeats');
    this.#errors = options.stats.counter('registration_errors');
    this.#registeredGauge = options.stats.gauge('registered');
  }

  /** Milliseconds between heartbeats: a third of the TTL, so two may be lost before the endpoint expires. */
  get heartbeatIntervalMs(): number {
    return Math.floor((this.#ttlSeconds * 1000) / 3);
  }

  /** Whether the last registration or heartbeat succeeded. */
  get registered(): boolean {
    return this.#registered;
  }

  /** Registers now (an error is counted and retried, not thrown), then keeps heartbeating. */
  async start(): Promise<void> {
    if (this.#started) throw new Error('Registration already started');
    this.#started = true;
    await this.#beat();
  }

  /** The listener → ingress ports changed (a new snapshot): registers them at once. */
  async setPorts(ports: readonly RegisteredPort[]): Promise<void> {
    const key = (list: readonly RegisteredPort[]) =>
      JSON.stringify(list.map((p) => [p.listenerPort, p.port]));
    if (key(ports) === key(this.#ports)) return;
    this.#ports = ports;
    if (!this.#started || this.#stopped) return;
    await this.#inFlight;
    await this.#beat();
  }

  /** Stops heartbeating; the endpoint expires after its TTL. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#inFlight;
  }

  /**
   * Stops heartbeating and removes the endpoint, within `timeoutMs`. Never throws; true when the control
   * plane confirmed the removal.
   */
  async deregister(timeoutMs = DEFAULT_DEREGISTER_TIMEOUT_MS): Promise<boolean> {
    await this.stop();
    this.#setRegistered(false);
    try {
      const answer = await call(
        this.#url,
        {
          method: 'DELETE',
          timeoutMs,
        },
        this.#options,
      );
      if (answer.status >= 200 && answer.status < 300) return true;
      this.#log(
        `deregistering ${this.#options.endpointId}: the control plane answered ${answerSummary(answer)}`,
      );
    } catch (error) {
      this.#log(`deregistering ${this.#options.endpointId}: ${(error as Error).message}`);
    }
    this.#errors.inc();
    return false;
  }

  #beat(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#timer !== undefined) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#inFlight ??= this.#put().finally(() => {
      this.#inFlight = undefined;
      this.#schedule();
    });
    return this.#inFlight;
  }

  #schedule(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const delay = this.#registered
      ? this.heartbeatIntervalMs
      : Math.min(this.heartbeatIntervalMs, REGISTRATION_RETRY_MS * 2 ** Math.max(0, this.#failures - 1));
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#beat();
    }, delay);
  }

  async #put(): Promise<void> {
    const { address, zone, attributes } = this.#options;
    const body = JSON.stringify({
      address,
      ports: this.#ports.map(({ listenerPort, port }) => ({ listenerPort, port })),
      ...(zone !== undefined ? { zone } : {}),
      ...(attributes !== undefined ? { attributes } : {}),
      ttlSeconds: this.#ttlSeconds,
    });
    let problem: string;
    try {
      const answer = await call(
        this.#url,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body,
          timeoutMs: Math.min(
            this.#options.requestTimeoutMs ?? DEFAULT_CONTROL_PLANE_TIMEOUT_MS,
            this.heartbeatIntervalMs,
          ),
          signal: this.#abort.signal,
        },
        this.#options,
      );
      if (answer.status >= 200 && answer.status < 300) {
        this.#heartbeats.inc();
        if (!this.#registered || this.#failures > 0) {
          this.#log(`registered ${this.#options.endpointId} (${address}) in ${this.#options.virtualNode}`);
        }
        this.#failures = 0;
        this.#setRegistered(true);
        return;
      }
      problem = `the control plane answered ${answerSummary(answer)}`;
    } catch (error) {
      if (this.#stopped) return;
      problem = (error as Error).message;
    }
    this.#errors.inc();
    this.#failures += 1;
    if (this.#failures === 1) this.#log(`registering ${this.#options.endpointId}: ${problem}; trying again`);
    this.#setRegistered(false);
  }

  #setRegistered(value: boolean): void {
    this.#registered = value;
    this.#registeredGauge.set(value ? 1 : 0);
  }
}
