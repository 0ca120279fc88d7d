// Certificates a listener presents (file, SDS or ACM) and a client presents for mutual TLS (file or SDS).

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Construct } from 'constructs';

/** A certificate in App Mesh's shape. */
export interface TlsCertificateConfig {
  /** `certificate` of a listener's TLS or of a client policy. */
  readonly tlsCertificate: appmesh.ListenerTlsCertificate;
}

/** An ACM certificate, as `aws-certificatemanager`'s `ICertificate` has it. */
export interface CertificateArnRef {
  readonly certificateArn: string;
}

/** A certificate a listener presents. */
export abstract class TlsCertificate {
  /** PEM files on the proxy's file system. */
  public static file(certificateChainPath: string, privateKeyPath: string): MutualTlsCertificate {
    return new FileCertificate(certificateChainPath, privateKeyPath);
  }

  /** An ACM certificate (App Mesh's Envoy fetched it; the Tessera control plane validates the shape only). */
  public static acm(certificate: CertificateArnRef): TlsCertificate {
    return new AcmCertificate(certificate.certificateArn);
  }

  /** A secret served over Envoy's secret discovery service. */
  public static sds(secretName: string): MutualTlsCertificate {
    return new SdsCertificate(secretName);
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): TlsCertificateConfig;
}

/** A certificate that may also be presented by a client (mutual TLS): file or SDS, not ACM. */
export abstract class MutualTlsCertificate extends TlsCertificate {
  // Structural typing would make every TlsCertificate a MutualTlsCertificate without a distinct member.
  protected readonly differentiator = false;
}

class AcmCertificate extends TlsCertificate {
  constructor(private readonly certificateArn: string) {
    super();
  }

  public bind(_scope: Construct): TlsCertificateConfig {
    return { tlsCertificate: { acm: { certificateArn: this.certificateArn } } };
  }
}

class FileCertificate extends MutualTlsCertificate {
  constructor(
    private readonly certificateChain: string,
    private readonly privateKey: string,
  ) {
    super();
  }

  public bind(_scope: Construct): TlsCertificateConfig {
    return {
      tlsCertificate: { file: { certificateChain: this.certificateChain, privateKey: this.privateKey } },
    };
  }
}

class SdsCertificate extends MutualTlsCertificate {
  constructor(private readonly secretName: string) {
    super();
  }

  public bind(_scope: Construct): TlsCertificateConfig {
    return { tlsCertificate: { sds: { secretName: this.secretName } } };
  }
}
