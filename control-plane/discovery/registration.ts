// A registration request as received on the wire, validated at the boundary: every problem at once,
// each naming the field, the rule and the value received.

import { isIP } from 'node:net';
import { z } from 'zod';
import { BadRequestError, type Problem } from '../errors.js';
import { ruleText, toProblems } from '../model/issues.js';
import { validateName } from '../model/names.js';
import { checkUnique, intBetween, port, text, withRule } from '../model/shared.js';
import {
  DEFAULT_ENDPOINT_TTL_SECONDS,
  ENDPOINT_ID_PATTERN,
  ENDPOINT_ID_RULE,
  MAX_ADDRESS_LENGTH,
  MAX_ATTRIBUTE_KEY_LENGTH,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_ENDPOINT_ATTRIBUTES,
  MAX_ENDPOINT_ID_LENGTH,
  MAX_ENDPOINT_PORTS,
  MAX_ENDPOINT_TTL_SECONDS,
  MAX_ZONE_LENGTH,
  MIN_ENDPOINT_TTL_SECONDS,
} from './constants.js';

/** The body of `PUT …/virtualNodes/{node}/endpoints/{id}`. */
const registrationSchema = withRule(
  z.strictObject({
    /** IPv4 or IPv6 address other nodes dial. */
    address: z
      .string()
      .max(MAX_ADDRESS_LENGTH)
      .refine((address) => isIP(address) !== 0, { error: 'must be an IPv4 or IPv6 address' }),
    /** For each listener port of the node, the port to dial on `address`. */
    ports: z
      .array(z.strictObject({ listenerPort: port, port }))
      .min(1)
      .max(MAX_ENDPOINT_PORTS),
    zone: text(1, MAX_ZONE_LENGTH).optional(),
    attributes: z
      .record(text(1, MAX_ATTRIBUTE_KEY_LENGTH), z.string().max(MAX_ATTRIBUTE_VALUE_LENGTH))
      .refine((attributes) => Object.keys(attributes).length <= MAX_ENDPOINT_ATTRIBUTES, {
        error: `must have at most ${MAX_ENDPOINT_ATTRIBUTES} entries`,
      })
      .optional(),
    /** @default 30 s */
    ttlSeconds: intBetween(MIN_ENDPOINT_TTL_SECONDS, MAX_ENDPOINT_TTL_SECONDS).optional(),
  }),
  (value, report) => checkUnique(value.ports, ['ports'], ['listenerPort'], report),
);

export interface Registration {
  readonly address: string;
  readonly ports: readonly { readonly listenerPort: number; readonly port: number }[];
  readonly zone?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly ttlSeconds: number;
}

/** Problems with the names in a registry path; none when they are valid. */
export function pathProblems(meshName: unknown, nodeName: unknown, endpointId?: unknown): Problem[] {
  const problems = [...validateName('meshName', meshName), ...validateName('virtualNodeName', nodeName)];
  if (endpointId !== undefined) problems.push(...endpointIdProblems(endpointId));
  return problems;
}

function endpointIdProblems(value: unknown): Problem[] {
  if (typeof value !== 'string') return [{ path: 'endpointId', rule: 'must be a string', value }];
  if (value.length > MAX_ENDPOINT_ID_LENGTH) {
    return [{ path: 'endpointId', rule: `must have at most ${MAX_ENDPOINT_ID_LENGTH} characters`, value }];
  }
  if (!ENDPOINT_ID_PATTERN.test(value)) return [{ path: 'endpointId', rule: ENDPOINT_ID_RULE, value }];
  return [];
}

/** The registration in `body`, frozen, or `BadRequestError` listing every problem (path ones first). */
export function parseRegistration(
  meshName: string,
  nodeName: string,
  endpointId: string,
  body: unknown,
): Registration {
  const problems = pathProblems(meshName, nodeName, endpointId);
  const result = registrationSchema.safeParse(body, { error: ruleText });
  if (!result.success) problems.push(...toProblems('', body, result.error.issues));
  if (problems.length > 0 || !result.success) throw new BadRequestError(problems);
  const { address, ports, zone, attributes, ttlSeconds } = result.data;
  return Object.freeze({
    address,
    ports: ports.map((p) => Object.freeze({ listenerPort: p.listenerPort, port: p.port })),
    ...(zone !== undefined ? { zone } : {}),
    ...(attributes !== undefined ? { attributes: Object.freeze({ ...attributes }) } : {}),
    ttlSeconds: ttlSeconds ?? DEFAULT_ENDPOINT_TTL_SECONDS,
  });
}
