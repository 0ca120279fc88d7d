// API Gateway HTTP API (payload 2.0) and Lambda Function URL events ↔ the API's plain request/response.
// Both front doors deliver the same event shape, so one conversion serves both.

import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import type { ApiRequest, ApiResponse } from '../control-plane/api/http.js';

export type HttpEvent = APIGatewayProxyEventV2 | LambdaFunctionURLEvent;

export function toApiRequest(event: HttpEvent): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const body =
    event.body === undefined || event.body === null
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    body,
    requestId: event.requestContext.requestId,
    ...principalOf(event),
  };
}

/** The IAM principal API Gateway (IAM authorizer) or a Function URL (AuthType AWS_IAM) authenticated. */
function principalOf(event: HttpEvent): { principal?: string } {
  const iam = (event.requestContext as { authorizer?: { iam?: { userArn?: string } } }).authorizer?.iam;
  return iam?.userArn ? { principal: iam.userArn } : {};
}

export function toHttpResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: response.body,
    isBase64Encoded: false,
  };
}
