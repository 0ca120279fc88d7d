// Signs the proxy's control-plane requests with AWS Signature Version 4, for a control plane behind IAM
// auth (the CDK's HTTP API): credentials from the default Node.js chain (ECS task role, EKS Pod Identity
// or IRSA, environment), service `execute-api`, the API's region.

import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** The SigV4 service name API Gateway checks (a Lambda Function URL would be `lambda`). */
export const CONTROL_PLANE_SIGNING_NAME = 'execute-api';

/** A request about to be sent, and the headers to send it with. */
export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface RequestSigner {
  /** The headers to send: those given plus `host`, `x-amz-date`, `authorization` (and the session token). */
  sign(request: SignableRequest): Promise<Record<string, string>>;
}

export interface SigV4SignerOptions {
  readonly region: string;
  /** @default CONTROL_PLANE_SIGNING_NAME ('execute-api') */
  readonly service?: string;
  /** @default the AWS SDK's default chain for Node.js, refreshed before expiry */
  readonly credentials?: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
}

export function createSigV4Signer(options: SigV4SignerOptions): RequestSigner {
  const signer = new SignatureV4({
    service: options.service ?? CONTROL_PLANE_SIGNING_NAME,
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  return {
    async sign(request) {
      const url = new URL(request.url);
      const query: Record<string, string | string[]> = {};
      for (const [name, value] of url.searchParams) {
        const seen = query[name];
        query[name] = seen === undefined ? value : ([] as string[]).concat(seen, value);
      }
      const signed = await signer.sign({
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port !== '' ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        // `host` is signed, so it is sent exactly as signed (node:http would otherwise derive it itself).
        headers: { ...request.headers, host: url.host },
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      return signed.headers as Record<string, string>;
    },
  };
}
