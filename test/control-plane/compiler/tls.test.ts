import { describe, expect, it } from 'vitest';
import { MeshBuilder, nodeSpec, serviceOf } from '../../support/snapshot-mesh.js';

function nodeWithListenerTls(tls: Record<string, unknown>) {
  const spec = nodeSpec('solo');
  (spec.listeners as Record<string, unknown>[])[0]!.tls = tls;
  return new MeshBuilder().node('solo', spec).nodeSnapshot('solo');
}

describe('listener TLS', () => {
  it('carries file certificates and mutual-TLS validation as data', () => {
    const snapshot = nodeWithListenerTls({
      mode: 'STRICT',
      certificate: { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } },
      validation: {
        trust: { file: { certificateChain: '/certs/ca.pem' } },
        subjectAlternativeNames: { match: { exact: ['z.demo.local', 'a.demo.local'] } },
      },
    });
    expect(snapshot.listeners[0]!.tls).toEqual({
      mode: 'STRICT',
      certificate: { kind: 'file', certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' },
      validation: {
        trust: { kind: 'file', certificateChain: '/certs/ca.pem' },
        subjectAlternativeNames: ['a.demo.local', 'z.demo.local'],
      },
    });
    expect(snapshot.unsupported).toEqual([]);
  });

  it('carries ACM and SDS as data and lists them as unsupported', () => {
    const snapshot = nodeWithListenerTls({
      mode: 'PERMISSIVE',
      certificate: { acm: { certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' } },
      validation: { trust: { sds: { secretName: 'spiffe://demo/ca' } } },
    });
    expect(snapshot.listeners[0]!.tls).toEqual({
      mode: 'PERMISSIVE',
      certificate: { kind: 'acm', certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' },
      validation: { trust: { kind: 'sds', secretName: 'spiffe://demo/ca' }, subjectAlternativeNames: [] },
    });
    expect(snapshot.unsupported).toEqual([
      {
        resource: 'virtualNode/solo',
        path: 'spec.listeners[0].tls.certificate.acm',
        reason: 'ACM certificates are not supported in this version',
      },
      {
        resource: 'virtualNode/solo',
        path: 'spec.listeners[0].tls.validation.trust.sds',
        reason: 'SDS secrets are not supported in this version',
      },
    ]);
  });

  it('does not list what a DISABLED listener never uses', () => {
    const snapshot = nodeWithListenerTls({ mode: 'DISABLED', certificate: { sds: { secretName: 'svc' } } });
    expect(snapshot.listeners[0]!.tls?.mode).toBe('DISABLED');
    expect(snapshot.unsupported).toEqual([]);
  });
});

describe('client policy TLS', () => {
  it('lists an enforced ACM trust and SDS client certificate as unsupported, at the backend', () => {
    const clientPolicy = {
      tls: {
        certificate: { sds: { secretName: 'front' } },
        validation: { trust: { acm: { certificateAuthorityArns: ['arn:b', 'arn:a'] } } },
      },
    };
    const snapshot = new MeshBuilder()
      .node(
        'front',
        nodeSpec('front', ['8080:http'], {
          backends: [{ virtualService: { virtualServiceName: 'a.svc', clientPolicy } }],
        }),
      )
      .nodeSnapshot('front');
    expect(serviceOf(snapshot, 'a.svc').clientPolicy).toEqual({
      enforce: true,
      ports: [],
      certificate: { kind: 'sds', secretName: 'front' },
      validation: {
        trust: { kind: 'acm', certificateAuthorityArns: ['arn:a', 'arn:b'] },
        subjectAlternativeNames: [],
      },
    });
    expect(snapshot.unsupported.map((note) => note.path)).toEqual([
      'spec.backends[0].virtualService.clientPolicy.tls.certificate.sds',
      'spec.backends[0].virtualService.clientPolicy.tls.validation.trust.acm',
    ]);
  });
});
