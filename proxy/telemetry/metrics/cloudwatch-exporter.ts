// Windows as PutMetricData calls with @aws-sdk/client-cloudwatch (awsJson1_0 on the wire; the SDK gzips a
// body of 10 KB or more). The only file that talks to CloudWatch; SDK errors keep their `cause`.

import type { CloudWatchClient, CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import { metricData, putMetricDataInputs } from './cloudwatch-batches.js';
import { CLOUDWATCH_MIN_COMPRESSION_BYTES } from './constants.js';
import type { MetricsExporter } from './metrics-exporter.js';
import type { MetricsWindow } from './metrics-window.js';

export interface CloudWatchExporterOptions {
  /** @default 'Tessera' */
  readonly namespace?: string;
  /** e.g. `http://127.0.0.1:4566`. @default - the region's CloudWatch endpoint */
  readonly endpoint?: string;
  /** @default - from the environment (`AWS_REGION`) */
  readonly region?: string;
  /** @default - the SDK's default credential chain */
  readonly credentials?: CloudWatchClientConfig['credentials'];
  /** SDK attempts per request (throttling and 5xx are retried with backoff). @default 3 */
  readonly maxAttempts?: number;
  /** A client to use instead of building one (its settings win). */
  readonly client?: CloudWatchClient;
}

/** A failed PutMetricData call; `cause` is the SDK's error. */
export class MetricsExportError extends Error {
  override readonly name = 'MetricsExportError';
  readonly code = 'MetricsExportFailed';
}

// The SDK loads on the first export, not at start: a proxy on the default EMF exporter never carries it
// (it is a sizeable share of a sidecar's memory).
const loadSdk = () => import('@aws-sdk/client-cloudwatch');

export class CloudWatchExporter implements MetricsExporter {
  readonly #options: CloudWatchExporterOptions;
  #client: Promise<CloudWatchClient> | undefined;
  #closed = false;
  readonly #namespace: string | undefined;
  /** Requests of a window already accepted, so a retried window resumes instead of sending twice. */
  readonly #sent = new WeakMap<MetricsWindow, number>();

  constructor(options: CloudWatchExporterOptions = {}) {
    this.#options = options;
    this.#namespace = options.namespace;
  }

  #clientFor(): Promise<CloudWatchClient> {
    const options = this.#options;
    this.#client ??=
      options.client !== undefined
        ? Promise.resolve(options.client)
        : loadSdk().then(
            ({ CloudWatchClient }) =>
              new CloudWatchClient({
                ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
                ...(options.region !== undefined ? { region: options.region } : {}),
                ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
                maxAttempts: options.maxAttempts ?? 3,
                disableRequestCompression: false,
                requestMinCompressionSizeBytes: CLOUDWATCH_MIN_COMPRESSION_BYTES,
              }),
          );
    return this.#client;
  }

  /**
   * Sends the window's requests in order; rejects at the first failure. Exporting the same window again
   * resumes after the requests already accepted.
   */
  async export(window: MetricsWindow): Promise<void> {
    const inputs = putMetricDataInputs(metricData(window), {
      ...(this.#namespace !== undefined ? { namespace: this.#namespace } : {}),
    });
    const [client, { PutMetricDataCommand }] = await Promise.all([this.#clientFor(), loadSdk()]);
    for (let i = this.#sent.get(window) ?? 0; i < inputs.length; i++) {
      try {
        await client.send(new PutMetricDataCommand(inputs[i]!));
      } catch (error) {
        throw new MetricsExportError(`PutMetricData failed: ${(error as Error).message}`, { cause: error });
      }
      this.#sent.set(window, i + 1);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#client?.then((client) => client.destroy());
  }
}
