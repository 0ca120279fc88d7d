import { describe, expect, it } from 'vitest';
import { accepted, problems } from './helpers.js';

describe('virtual service spec', () => {
  it('accepts a virtual node or a virtual router provider and returns it unchanged', () => {
    const byNode = { provider: { virtualNode: { virtualNodeName: 'colors-blue' } } };
    const byRouter = { provider: { virtualRouter: { virtualRouterName: 'colors' } } };
    expect(accepted('virtualService', byNode)).toEqual(byNode);
    expect(accepted('virtualService', byRouter)).toEqual(byRouter);
  });

  it('accepts no provider', () => {
    expect(accepted('virtualService', {})).toEqual({});
  });

  it('requires a spec', () => {
    expect(problems('virtualService', undefined)).toEqual(['spec: is required']);
  });

  it('rejects a provider that sets none or both of its members', () => {
    expect(problems('virtualService', { provider: {} })).toEqual([
      'spec.provider: must set exactly one of virtualNode, virtualRouter',
    ]);
    expect(
      problems('virtualService', {
        provider: { virtualNode: { virtualNodeName: 'a' }, virtualRouter: { virtualRouterName: 'b' } },
      }),
    ).toEqual([
      'spec.provider: must set exactly one of virtualNode, virtualRouter, got ["virtualNode","virtualRouter"]',
    ]);
  });

  it('requires the provider name and bounds its length', () => {
    expect(problems('virtualService', { provider: { virtualNode: {} } })).toEqual([
      'spec.provider.virtualNode.virtualNodeName: is required',
    ]);
    expect(problems('virtualService', { provider: { virtualRouter: { virtualRouterName: '' } } })).toEqual([
      'spec.provider.virtualRouter.virtualRouterName: must not be empty, got ""',
    ]);
    expect(
      problems('virtualService', { provider: { virtualRouter: { virtualRouterName: 'r'.repeat(256) } } }),
    ).toEqual([
      `spec.provider.virtualRouter.virtualRouterName: must have at most 255 characters, got "${'r'.repeat(76)}...`,
    ]);
  });

  it('rejects an unknown provider kind', () => {
    expect(problems('virtualService', { provider: { lambda: { functionName: 'f' } } })).toEqual([
      'spec.provider.lambda: unknown field',
      'spec.provider: must set exactly one of virtualNode, virtualRouter',
    ]);
  });
});
