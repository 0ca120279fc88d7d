// The TLS a virtual node or gateway uses when it calls a backend.

import type { MutualTlsCertificate } from './tls-certificate.js';
import type { TlsValidation } from './tls-validation.js';

/** TLS toward a backend. */
export interface TlsClientPolicy {
  /**
   * Whether TLS is required.
   *
   * @default true
   */
  readonly enforce?: boolean;
  /**
   * The backend ports TLS applies to.
   *
   * @default - every port
   */
  readonly ports?: number[];
  /** How the backend's certificate is checked. */
  readonly validation: TlsValidation;
  /**
   * The certificate presented when the backend asks for one (mutual TLS).
   *
   * @default - none
   */
  readonly mutualTlsCertificate?: MutualTlsCertificate;
}
