// TLS shapes shared by virtual nodes and virtual gateways: listener certificates, client policies, validation.

import { z } from 'zod';
import {
  MAX_CERTIFICATE_AUTHORITY_ARNS,
  MAX_FILE_PATH_LENGTH,
  MAX_SUBJECT_ALTERNATIVE_NAME_LENGTH,
  TLS_MODES,
} from './constants.js';
import { exactlyOne, nonEmpty, port, text } from './shared.js';

const filePath = text(1, MAX_FILE_PATH_LENGTH);

const fileCertificate = z.strictObject({ certificateChain: filePath, privateKey: filePath });
const sdsCertificate = z.strictObject({ secretName: nonEmpty });
const acmCertificate = z.strictObject({ certificateArn: nonEmpty });

const acmTrust = z.strictObject({
  certificateAuthorityArns: z.array(nonEmpty).min(1).max(MAX_CERTIFICATE_AUTHORITY_ARNS),
});
const fileTrust = z.strictObject({ certificateChain: filePath });
const sdsTrust = z.strictObject({ secretName: nonEmpty });

export const subjectAlternativeNames = z.strictObject({
  match: z.strictObject({ exact: z.array(text(1, MAX_SUBJECT_ALTERNATIVE_NAME_LENGTH)) }),
});

/** How a client checks the certificate its backend presents: trust `acm` | `file` | `sds`. */
export const tlsValidationContext = z.strictObject({
  trust: exactlyOne(
    z.strictObject({ acm: acmTrust.optional(), file: fileTrust.optional(), sds: sdsTrust.optional() }),
    ['acm', 'file', 'sds'],
  ),
  subjectAlternativeNames: subjectAlternativeNames.optional(),
});

/** TLS a node or gateway uses toward its backends. `enforce` defaults to true. */
export const clientPolicy = z.strictObject({
  tls: z
    .strictObject({
      enforce: z.boolean().optional(),
      ports: z.array(port).optional(),
      certificate: exactlyOne(
        z.strictObject({ file: fileCertificate.optional(), sds: sdsCertificate.optional() }),
        ['file', 'sds'],
      ).optional(),
      validation: tlsValidationContext,
    })
    .optional(),
});
export type ClientPolicy = z.infer<typeof clientPolicy>;

/** TLS a listener terminates: certificate `acm` | `file` | `sds`, optional client validation (mutual TLS). */
export const listenerTls = z.strictObject({
  mode: z.enum(TLS_MODES),
  certificate: exactlyOne(
    z.strictObject({
      acm: acmCertificate.optional(),
      file: fileCertificate.optional(),
      sds: sdsCertificate.optional(),
    }),
    ['acm', 'file', 'sds'],
  ),
  validation: z
    .strictObject({
      trust: exactlyOne(z.strictObject({ file: fileTrust.optional(), sds: sdsTrust.optional() }), [
        'file',
        'sds',
      ]),
      subjectAlternativeNames: subjectAlternativeNames.optional(),
    })
    .optional(),
});
export type ListenerTls = z.infer<typeof listenerTls>;

/** `backendDefaults` of a node or gateway. */
export const backendDefaults = z.strictObject({ clientPolicy: clientPolicy.optional() });
