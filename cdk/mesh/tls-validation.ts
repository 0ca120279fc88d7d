// How a peer's certificate is checked: the trust (ACM private CAs, a file, SDS) and the names it must carry.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Construct } from 'constructs';
import { MeshValidationError } from './private/utils.js';

/** What a client policy's validation checks. */
export interface TlsValidation {
  /**
   * Names the peer's certificate must carry.
   *
   * @default - any name (a client then expects its backend's service discovery name)
   */
  readonly subjectAlternativeNames?: SubjectAlternativeNames;
  /** Where the trusted CA chain comes from. */
  readonly trust: TlsValidationTrust;
}

/** What a listener's validation of client certificates (mutual TLS) checks. */
export interface MutualTlsValidation {
  /**
   * Names the client's certificate must carry.
   *
   * @default - any name
   */
  readonly subjectAlternativeNames?: SubjectAlternativeNames;
  /** Where the trusted CA chain comes from (file or SDS). */
  readonly trust: MutualTlsValidationTrust;
}

/** A trust in App Mesh's shape. */
export interface TlsValidationTrustConfig {
  /** `validation.trust` of a client policy or listener. */
  readonly tlsValidationTrust: appmesh.TlsValidationContextTrust;
}

/** An ACM Private CA, as `aws-acmpca`'s `ICertificateAuthority` has it. */
export interface CertificateAuthorityArnRef {
  readonly certificateAuthorityArn: string;
}

/** Where the CA chain that validates a peer comes from. */
export abstract class TlsValidationTrust {
  /** A PEM file on the proxy's file system. */
  public static file(certificateChain: string): MutualTlsValidationTrust {
    return new FileTrust(certificateChain);
  }

  /** ACM Private CAs (1–3). */
  public static acm(certificateAuthorities: readonly CertificateAuthorityArnRef[]): TlsValidationTrust {
    return new AcmTrust(certificateAuthorities.map((authority) => authority.certificateAuthorityArn));
  }

  /** A secret served over Envoy's secret discovery service. */
  public static sds(secretName: string): MutualTlsValidationTrust {
    return new SdsTrust(secretName);
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): TlsValidationTrustConfig;
}

/** A trust a listener may use to validate clients (mutual TLS): file or SDS. */
export abstract class MutualTlsValidationTrust extends TlsValidationTrust {
  // Keeps ACM trusts out of places typed MutualTlsValidationTrust despite structural typing.
  protected readonly differentiator = false;
}

class AcmTrust extends TlsValidationTrust {
  constructor(private readonly certificateAuthorityArns: string[]) {
    super();
  }

  public bind(scope: Construct): TlsValidationTrustConfig {
    if (this.certificateAuthorityArns.length === 0) {
      throw new MeshValidationError('an ACM trust needs at least one certificate authority', scope);
    }
    return { tlsValidationTrust: { acm: { certificateAuthorityArns: this.certificateAuthorityArns } } };
  }
}

class FileTrust extends MutualTlsValidationTrust {
  constructor(private readonly certificateChain: string) {
    super();
  }

  public bind(_scope: Construct): TlsValidationTrustConfig {
    return { tlsValidationTrust: { file: { certificateChain: this.certificateChain } } };
  }
}

class SdsTrust extends MutualTlsValidationTrust {
  constructor(private readonly secretName: string) {
    super();
  }

  public bind(_scope: Construct): TlsValidationTrustConfig {
    return { tlsValidationTrust: { sds: { secretName: this.secretName } } };
  }
}

/** Subject alternative names in App Mesh's shape. */
export interface SubjectAlternativeNamesMatcherConfig {
  /** `subjectAlternativeNames.match`. */
  readonly subjectAlternativeNamesMatch: appmesh.SubjectAlternativeNameMatchers;
}

/** The names a peer's certificate must carry. */
export abstract class SubjectAlternativeNames {
  /** One of these names exactly (FQDN or URI). */
  public static matchingExactly(...names: string[]): SubjectAlternativeNames {
    return new (class extends SubjectAlternativeNames {
      public bind(_scope: Construct): SubjectAlternativeNamesMatcherConfig {
        return { subjectAlternativeNamesMatch: { exact: names } };
      }
    })();
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): SubjectAlternativeNamesMatcherConfig;
}
