import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../control-plane/errors.js';
import { MAX_TAGS, validateTags } from '../../../control-plane/model/index.js';

const messages = (value: unknown) => {
  const result = validateTags('tags', value);
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe('validateTags', () => {
  it('returns the tags as a record', () => {
    expect(
      validateTags('tags', [
        { key: 'team', value: 'colors' },
        { key: 'empty', value: '' },
      ]),
    ).toEqual({ ok: true, tags: { team: 'colors', empty: '' } });
  });

  it('treats missing tags as none', () => {
    expect(validateTags('tags', undefined)).toEqual({ ok: true, tags: {} });
    expect(validateTags('tags', [])).toEqual({ ok: true, tags: {} });
  });

  it('accepts 50 tags and rejects 51', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(validateTags('tags', tags(MAX_TAGS)).ok).toBe(true);
    expect(messages(tags(MAX_TAGS + 1))[0]).toMatch(/^tags: must have at most 50 items, got \[/);
  });

  it('bounds key and value lengths and requires both', () => {
    expect(
      messages([
        { key: '', value: 'v'.repeat(257) },
        { key: 'k'.repeat(129), value: 'v' },
        { value: 'x' },
        { key: 'k' },
      ]),
    ).toEqual([
      'tags[0].key: must not be empty, got ""',
      `tags[0].value: must have at most 256 characters, got "${'v'.repeat(76)}...`,
      `tags[1].key: must have at most 128 characters, got "${'k'.repeat(76)}...`,
      'tags[2].key: is required',
      'tags[3].value: is required',
    ]);
  });

  it('rejects a repeated key', () => {
    expect(
      messages([
        { key: 'team', value: 'a' },
        { key: 'env', value: 'b' },
        { key: 'team', value: 'c' },
      ]),
    ).toEqual(['tags[2].key: must be unique, got "team"']);
  });

  it('names the field it was given and rejects unknown members', () => {
    const result = validateTags('body.tags', [{ key: 'a', value: 'b', Key: 'c' }]);
    expect(result).toEqual({ ok: false, problems: [{ path: 'body.tags[0].Key', rule: 'unknown field' }] });
    expect(messages({ team: 'colors' })).toEqual(['tags: must be an array, got {"team":"colors"}']);
  });
});
