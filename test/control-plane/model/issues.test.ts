import { describe, expect, it } from 'vitest';
import { renderPath, valueAt } from '../../../control-plane/model/issues.js';

describe('renderPath', () => {
  it('renders members with dots and indexes in brackets', () => {
    expect(renderPath('spec', ['listeners', 0, 'portMapping', 'port'])).toBe(
      'spec.listeners[0].portMapping.port',
    );
    expect(renderPath('spec', [])).toBe('spec');
    expect(renderPath('', ['tags', 3, 'key'])).toBe('tags[3].key');
  });

  it('quotes member names that are not identifiers', () => {
    expect(renderPath('spec', ['x-y', 'a b'])).toBe('spec["x-y"]["a b"]');
  });
});

describe('valueAt', () => {
  it('reads the value at a path, or undefined past a missing member', () => {
    const input = { listeners: [{ portMapping: { port: 70000 } }] };
    expect(valueAt(input, ['listeners', 0, 'portMapping', 'port'])).toBe(70000);
    expect(valueAt(input, ['listeners', 1, 'portMapping'])).toBeUndefined();
    expect(valueAt(input, ['listeners', 0, 'portMapping', 'port', 'x'])).toBeUndefined();
  });
});
