import { describe, expect, it } from 'vitest';
import { equalsLowerCase, headerNameSet } from '../../../proxy/http/header-name-set.js';
import { connectionOptions } from '../../../proxy/http/wire/message-parser.js';

describe('headerNameSet', () => {
  const isFraming = headerNameSet(['Connection', 'keep-alive', 'TE', 'transfer-encoding']);

  it('matches its names in any ASCII case, and nothing else', () => {
    for (const name of [
      'connection',
      'Connection',
      'CONNECTION',
      'Keep-Alive',
      'te',
      'Te',
      'Transfer-Encoding',
    ]) {
      expect(isFraming(name), name).toBe(true);
    }
    for (const name of ['connectio', 'connections', 'keep_alive', 'host', '', 'Content-Length', 'tf']) {
      expect(isFraming(name), name).toBe(false);
    }
  });

  it('folds ASCII only: a lookalike that lower-cases to a name is not that name', () => {
    // U+212A KELVIN SIGN lower-cases to "k" in JavaScript, but is no letter of a header name.
    expect('\u212Aeep-alive'.toLowerCase()).toBe('keep-alive');
    expect(isFraming('\u212Aeep-alive')).toBe(false);
    expect(equalsLowerCase('\u212Aeep-alive', 'keep-alive')).toBe(false);
  });

  it('compares against lower-case names of the same length', () => {
    expect(equalsLowerCase('X-Amzn-Trace-Id', 'x-amzn-trace-id')).toBe(true);
    expect(equalsLowerCase('X-Amzn-Trace-Ix', 'x-amzn-trace-id')).toBe(false);
    expect(equalsLowerCase('Host', 'hosts')).toBe(false);
    // '@' and '[' sit next to 'A' and 'Z': not letters, not folded.
    expect(equalsLowerCase('@', '`')).toBe(false);
    expect(equalsLowerCase('[', '{')).toBe(false);
  });
});

describe('connectionOptions', () => {
  it('reads the common single values and lists alike, in any case', () => {
    expect(connectionOptions('keep-alive')).toEqual({ close: false, keepAlive: true });
    expect(connectionOptions('Keep-Alive')).toEqual({ close: false, keepAlive: true });
    expect(connectionOptions('close')).toEqual({ close: true, keepAlive: false });
    expect(connectionOptions('CLOSE')).toEqual({ close: true, keepAlive: false });
    expect(connectionOptions('Upgrade, Close')).toEqual({ close: true, keepAlive: false });
    expect(connectionOptions(' keep-alive , x-custom')).toEqual({ close: false, keepAlive: true });
    expect(connectionOptions('x-custom')).toEqual({ close: false, keepAlive: false });
  });
});
