// TLS settings in the snapshot, carried as data: where certificates and trust come from, and which names to accept.

import { z } from 'zod';
import { portNumber } from './matches.js';

/** A certificate and key the proxy presents. `acm` and `sds` cannot be loaded in this version (see `unsupported`). */
export const certificateSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('file'),
    certificateChain: z.string().min(1),
    privateKey: z.string().min(1),
  }),
  z.strictObject({ kind: z.literal('sds'), secretName: z.string().min(1) }),
  z.strictObject({ kind: z.literal('acm'), certificateArn: z.string().min(1) }),
]);
export type Certificate = z.infer<typeof certificateSchema>;

/** Where the certificate authorities that a peer's certificate must chain to come from. */
export const trustSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), certificateChain: z.string().min(1) }),
  z.strictObject({ kind: z.literal('sds'), secretName: z.string().min(1) }),
  z.strictObject({ kind: z.literal('acm'), certificateAuthorityArns: z.array(z.string().min(1)).min(1) }),
]);
export type Trust = z.infer<typeof trustSchema>;

/** How a peer certificate is checked. */
export const validationSchema = z.strictObject({
  trust: trustSchema,
  /** Accepted subject alternative names, sorted; empty: any name signed by `trust`. */
  subjectAlternativeNames: z.array(z.string().min(1)),
});
export type Validation = z.infer<typeof validationSchema>;

/**
 * TLS a proxy originates toward a backend's endpoints. A proxy that cannot apply an enforced policy
 * (a certificate or trust it cannot load) answers 503 rather than send plain text.
 */
export const clientPolicySchema = z.strictObject({
  /** When false, the policy is advisory and plain text is used. @default true */
  enforce: z.boolean(),
  /** Endpoint (listener) ports the policy applies to, ascending; empty: every port. */
  ports: z.array(portNumber),
  /** Client certificate for mutual TLS. Absent: none presented. */
  certificate: certificateSchema.optional(),
  validation: validationSchema,
});
export type ClientPolicy = z.infer<typeof clientPolicySchema>;

/**
 * TLS an inbound listener terminates. `STRICT`: TLS only; `PERMISSIVE`: TLS or plain text; `DISABLED`:
 * plain text. A proxy that cannot load the certificate of a `STRICT` listener must not serve it in plain text.
 */
export const listenerTlsSchema = z.strictObject({
  mode: z.enum(['STRICT', 'PERMISSIVE', 'DISABLED']),
  certificate: certificateSchema,
  /** Client certificate check (mutual TLS). Absent: clients are not asked for a certificate. */
  validation: validationSchema.optional(),
});
export type ListenerTls = z.infer<typeof listenerTlsSchema>;
