// The naming rule for resource names: 1–255 characters that are safe in keys, paths and DNS names.

import type { Problem } from '../errors.js';
import { MAX_NAME_LENGTH, NAME_PATTERN } from './constants.js';

export const NAME_RULE = 'must contain only letters, digits, -, _ and ., starting with a letter or digit';

/** Problems with a resource name given as `field` (e.g. `meshName`); none when it is valid. */
export function validateName(field: string, value: unknown): Problem[] {
  if (value === undefined) return [{ path: field, rule: 'is required' }];
  if (typeof value !== 'string') return [{ path: field, rule: 'must be a string', value }];
  if (value.length === 0) return [{ path: field, rule: 'must not be empty', value }];
  if (value.length > MAX_NAME_LENGTH) {
    return [{ path: field, rule: `must have at most ${MAX_NAME_LENGTH} characters`, value }];
  }
  if (!NAME_PATTERN.test(value)) return [{ path: field, rule: NAME_RULE, value }];
  return [];
}
