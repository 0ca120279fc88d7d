// The App Mesh API as a Lambda function (API Gateway HTTP API or Function URL), with Powertools
// logging, metrics and tracing. The local control plane serves this same function over HTTP.

import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createApiHandler } from '../control-plane/api/api-handler.js';
import type { ApiServices } from '../control-plane/api/operation.js';
import { type HttpEvent, toApiRequest, toHttpResult } from './http-event.js';

export type HttpHandler = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ApiFunctionDependencies {
  /** Built on first use, so a cold start can read the account from the invocation's ARN. */
  readonly services: (context: Context) => ApiServices;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function createApiFunction({ services, logger, metrics }: ApiFunctionDependencies): HttpHandler {
  let handle: ReturnType<typeof createApiHandler> | undefined;
  return async (event, context) => {
    handle ??= createApiHandler(services(context), {
      onInternalError: (error, request) =>
        logger.error('request failed', { error: error as Error, requestId: request.requestId }),
    });
    logger.addContext(context);
    const request = toApiRequest(event);
    const started = performance.now();
    const result = await handle(request);
    const status = result.response.statusCode;
    logger.info('request', {
      operation: result.operation,
      method: request.method,
      path: request.path,
      status,
      errorCode: result.errorCode,
      requestId: request.requestId,
    });
    // One metric set per request, dimensioned by operation only: a bounded number of metrics.
    metrics.addDimension('Operation', result.operation ?? 'Unknown');
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    metrics.addMetric('ClientErrors', MetricUnit.Count, status >= 400 && status < 500 ? 1 : 0);
    metrics.addMetric('ServerErrors', MetricUnit.Count, status >= 500 ? 1 : 0);
    metrics.addMetric('Latency', MetricUnit.Milliseconds, performance.now() - started);
    metrics.publishStoredMetrics();
    return toHttpResult(result.response);
  };
}
