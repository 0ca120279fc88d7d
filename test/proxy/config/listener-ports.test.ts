import { describe, expect, it } from 'vitest';
import { resolveListenerPorts } from '../../../proxy/config/listener-ports.js';

describe('resolveListenerPorts', () => {
  it("maps a single port to the node's only listener", () => {
    expect(resolveListenerPorts({ kind: 'single', port: 15000 }, [8080], '--ingress-port')).toEqual({
      ok: true,
      ports: [{ listenerPort: 8080, port: 15000 }],
    });
  });

  it('refuses a single port for a node with several listeners', () => {
    expect(resolveListenerPorts({ kind: 'single', port: 3000 }, [9090, 8080], '--app-port')).toEqual({
      ok: false,
      problems: [
        '--app-port: must be LISTENER:PORT pairs for a node with several listeners (8080, 9090), got "3000"',
      ],
    });
  });

  it('joins pairs with listeners and names listeners without a pair and pairs without a listener', () => {
    const pairs = {
      kind: 'perListener',
      ports: [
        { listenerPort: 8080, port: 3000 },
        { listenerPort: 7070, port: 3002 },
      ],
    } as const;
    expect(resolveListenerPorts(pairs, [8080], '--app-port')).toEqual({
      ok: false,
      problems: ['--app-port: must name listener ports of the node (8080), got "7070"'],
    });
    expect(resolveListenerPorts(pairs, [8080, 9090, 7070], '--app-port')).toEqual({
      ok: false,
      problems: ['--app-port: must give a port for listener 9090, got none'],
    });
    expect(resolveListenerPorts(pairs, [8080, 7070], '--app-port')).toEqual({
      ok: true,
      ports: [
        { listenerPort: 7070, port: 3002 },
        { listenerPort: 8080, port: 3000 },
      ],
    });
  });
});
