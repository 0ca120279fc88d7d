// `Custom::TesseraPrincipalBinding`: lets an IAM principal (a task or pod role) register endpoints for a
// virtual node (the registry refuses registrations from principals not bound to the node).
// Properties: MeshName, VirtualNodeName, PrincipalArn. Any change is a replacement: the new binding is
// made, then CloudFormation's Delete of the old PhysicalResourceId removes the old one.

import type { EndpointRegistry } from '../../control-plane/discovery/endpoint-registry.js';
import { BadRequestError, type Problem } from '../../control-plane/errors.js';

export const PRINCIPAL_BINDING_TYPE = 'Custom::TesseraPrincipalBinding';
const ID_PREFIX = 'binding';

interface Binding {
  readonly meshName: string;
  readonly nodeName: string;
  readonly principalArn: string;
}

export type BindingOutcome = { status: 'SUCCESS'; physicalResourceId: string };

export async function applyBinding(
  registry: EndpointRegistry,
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Readonly<Record<string, unknown>>,
  physicalResourceId: string | undefined,
): Promise<BindingOutcome> {
  if (requestType === 'Delete') {
    const binding = parseId(physicalResourceId ?? '');
    // Not an id this provider answered (its Create failed): nothing to remove.
    if (binding !== undefined)
      await registry.unbindPrincipal(binding.meshName, binding.nodeName, binding.principalArn);
    return { status: 'SUCCESS', physicalResourceId: physicalResourceId ?? '' };
  }
  const binding = parseProperties(properties);
  await registry.bindPrincipal(binding.meshName, binding.nodeName, binding.principalArn);
  return { status: 'SUCCESS', physicalResourceId: idOf(binding) };
}

/** `binding/MESH/NODE/PRINCIPAL_ARN`: names cannot contain `/`, so the rest is the ARN. */
function idOf(binding: Binding): string {
  return `${ID_PREFIX}/${binding.meshName}/${binding.nodeName}/${binding.principalArn}`;
}

function parseId(id: string): Binding | undefined {
  const [prefix, meshName, nodeName, ...arn] = id.split('/');
  if (prefix !== ID_PREFIX || !meshName || !nodeName || arn.length === 0) return undefined;
  return { meshName, nodeName, principalArn: arn.join('/') };
}

function parseProperties(properties: Readonly<Record<string, unknown>>): Binding {
  const problems: Problem[] = [];
  const text = (name: string): string => {
    const value = properties[name];
    if (typeof value !== 'string' || value === '') problems.push({ path: name, rule: 'is required', value });
    return typeof value === 'string' ? value : '';
  };
  const binding = {
    meshName: text('MeshName'),
    nodeName: text('VirtualNodeName'),
    principalArn: text('PrincipalArn'),
  };
  if (problems.length > 0) throw new BadRequestError(problems);
  return binding;
}
