// TLS settings carried as data, with what this version cannot load (ACM, SDS) listed as unsupported.

import { DEFAULT_TLS_ENFORCE } from '../model/constants.js';
import type { ClientPolicy as ClientPolicySpec, ListenerTls as ListenerTlsSpec } from '../model/tls.js';
import { compareStrings } from '../snapshot/hash.js';
import type { Certificate, ClientPolicy, ListenerTls, Trust, Validation } from '../snapshot/tls.js';
import { at, type Notes, type Site } from './notes.js';

type CertificateSpec = ListenerTlsSpec['certificate'];
type ValidationSpec =
  | NonNullable<ListenerTlsSpec['validation']>
  | NonNullable<ClientPolicySpec['tls']>['validation'];

const ACM = 'ACM certificates are not supported in this version';
const SDS = 'SDS secrets are not supported in this version';

/** A listener's TLS; a certificate the proxy cannot load is noted (a STRICT listener then refuses connections). */
export function listenerTls(spec: ListenerTlsSpec, site: Site, notes: Notes): ListenerTls {
  const active = spec.mode !== 'DISABLED';
  const validation = spec.validation && validationOf(spec.validation, at(site, '.validation'), notes, active);
  return {
    mode: spec.mode,
    certificate: certificateOf(spec.certificate, at(site, '.certificate'), notes, active),
    ...(validation !== undefined ? { validation } : {}),
  };
}

/** A client policy's TLS, or undefined when it sets none. */
export function clientPolicy(
  spec: ClientPolicySpec | undefined,
  site: Site,
  notes: Notes,
): ClientPolicy | undefined {
  const tls = spec?.tls;
  if (tls === undefined) return undefined;
  const tlsSite = at(site, '.tls');
  const enforce = tls.enforce ?? DEFAULT_TLS_ENFORCE;
  return {
    enforce,
    ports: [...new Set(tls.ports ?? [])].sort((a, b) => a - b),
    ...(tls.certificate !== undefined
      ? { certificate: certificateOf(tls.certificate, at(tlsSite, '.certificate'), notes, enforce) }
      : {}),
    validation: validationOf(tls.validation, at(tlsSite, '.validation'), notes, enforce),
  };
}

function certificateOf(spec: CertificateSpec, site: Site, notes: Notes, active: boolean): Certificate {
  if (spec.file !== undefined) {
    return { kind: 'file', certificateChain: spec.file.certificateChain, privateKey: spec.file.privateKey };
  }
  if (spec.sds !== undefined) {
    if (active) notes.unsupported(at(site, '.sds'), SDS);
    return { kind: 'sds', secretName: spec.sds.secretName };
  }
  if (active) notes.unsupported(at(site, '.acm'), ACM);
  return { kind: 'acm', certificateArn: spec.acm!.certificateArn };
}

function validationOf(spec: ValidationSpec, site: Site, notes: Notes, active: boolean): Validation {
  const names = spec.subjectAlternativeNames?.match.exact ?? [];
  return {
    trust: trustOf(spec.trust, at(site, '.trust'), notes, active),
    subjectAlternativeNames: [...new Set(names)].sort(compareStrings),
  };
}

function trustOf(spec: ValidationSpec['trust'], site: Site, notes: Notes, active: boolean): Trust {
  if (spec.file !== undefined) return { kind: 'file', certificateChain: spec.file.certificateChain };
  if (spec.sds !== undefined) {
    if (active) notes.unsupported(at(site, '.sds'), SDS);
    return { kind: 'sds', secretName: spec.sds.secretName };
  }
  const acm = 'acm' in spec ? spec.acm : undefined;
  if (active) notes.unsupported(at(site, '.acm'), 'ACM Private CA trust is not supported in this version');
  return {
    kind: 'acm',
    certificateAuthorityArns: [...(acm?.certificateAuthorityArns ?? [])].sort(compareStrings),
  };
}
