// TLS a virtual node or gateway listener terminates.

import type { TlsCertificate } from './tls-certificate.js';
import type { MutualTlsValidation } from './tls-validation.js';

/** What a listener accepts. */
export enum TlsMode {
  /** Only TLS. */
  STRICT = 'STRICT',
  /** TLS and plaintext. */
  PERMISSIVE = 'PERMISSIVE',
  /** Only plaintext. */
  DISABLED = 'DISABLED',
}

/** TLS of a listener. */
export interface ListenerTlsOptions {
  /** The certificate the listener presents. */
  readonly certificate: TlsCertificate;
  /** What the listener accepts. */
  readonly mode: TlsMode;
  /**
   * Validation of client certificates; a client that presents one is checked (mutual TLS).
   *
   * @default - client certificates are not asked for
   */
  readonly mutualTlsValidation?: MutualTlsValidation;
}
