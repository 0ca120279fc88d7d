import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../control-plane/errors.js';
import { validateName } from '../../../control-plane/model/index.js';

const messages = (field: string, value: unknown) => validateName(field, value).map(formatProblem);

describe('validateName', () => {
  it('accepts names of letters, digits, -, _ and . that start with a letter or digit', () => {
    for (const name of ['demo', 'colors.demo.local', 'color_blue-v2', '9lives', 'A', 'n'.repeat(255)]) {
      expect(validateName('virtualNodeName', name)).toEqual([]);
    }
  });

  it('requires a name', () => {
    expect(messages('meshName', undefined)).toEqual(['meshName: is required']);
  });

  it('rejects a value that is not a string', () => {
    expect(messages('meshName', 42)).toEqual(['meshName: must be a string, got 42']);
  });

  it('rejects empty and over-long names', () => {
    expect(messages('routeName', '')).toEqual(['routeName: must not be empty, got ""']);
    expect(validateName('routeName', 'r'.repeat(256))).toEqual([
      { path: 'routeName', rule: 'must have at most 255 characters', value: 'r'.repeat(256) },
    ]);
  });

  it('rejects characters unsafe in keys and paths, and a leading symbol', () => {
    for (const name of ['a/b', 'a b', 'a#b', 'ä', '-lead', '.hidden', '_x', 'a:b']) {
      expect(messages('virtualServiceName', name)).toEqual([
        `virtualServiceName: must contain only letters, digits, -, _ and ., starting with a letter or digit, got ${JSON.stringify(name)}`,
      ]);
    }
  });
});
