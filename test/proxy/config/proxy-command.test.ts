import { afterEach, describe, expect, it, vi } from 'vitest';
import { configOrExit, EXIT_BAD_CONFIG, parseProxyFlags } from '../../../cli/commands/proxy.js';
import { resolveProxyConfig } from '../../../proxy/config/resolve-proxy-config.js';

describe('tessera proxy (flags)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('parses every flag into a configuration', async () => {
    const flags = parseProxyFlags([
      '--control-plane',
      'http://127.0.0.1:7070',
      '--mesh',
      'colors',
      '--virtual-node',
      'front',
      '--ingress-port',
      '8080:15000,9090:15002',
      '--egress-port',
      '15001',
      '--admin-port',
      '0',
      '--admin-host',
      '127.0.0.1',
      '--app-port',
      '8080:3000,9090:3001',
      '--advertise-address',
      '10.0.0.9',
      '--zone',
      'us-east-1a',
      '--poll-interval',
      '2',
      '--state-dir',
      '/tmp/tessera-state',
      '--drain-seconds',
      '5',
    ]);
    const config = await resolveProxyConfig(flags, {});
    expect(config).toMatchObject({
      controlPlaneUrl: 'http://127.0.0.1:7070',
      mesh: 'colors',
      proxy: { kind: 'virtualNode', name: 'front' },
      adminPort: 0,
      advertiseAddress: '10.0.0.9',
      zone: 'us-east-1a',
      pollIntervalMs: 2000,
      stateDir: '/tmp/tessera-state',
      drainSeconds: 5,
    });
    expect(config.appPorts).toEqual({
      kind: 'perListener',
      ports: [
        { listenerPort: 8080, port: 3000 },
        { listenerPort: 9090, port: 3001 },
      ],
    });
  });

  it('leaves unset flags to the environment', async () => {
    const flags = parseProxyFlags(['--virtual-gateway', 'edge']);
    expect(flags).toEqual({ virtualGateway: 'edge' });
    const config = await resolveProxyConfig(flags, {
      TESSERA_CONTROL_PLANE: 'http://127.0.0.1:1',
      TESSERA_MESH: 'm',
      TESSERA_ADMIN_PORT: '9902',
    });
    expect(config.adminPort).toBe(9902);
  });

  it('prints every problem and exits 2 on bad input', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => {
      errors.push(line);
    });
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const flags = parseProxyFlags(['--mesh', 'm', '--virtual-node', 'n', '--poll-interval', '0']);
    await expect(configOrExit(flags, {})).rejects.toThrow(`exit ${EXIT_BAD_CONFIG}`);
    expect(exit).toHaveBeenCalledWith(2);
    expect(errors).toEqual([
      'tessera proxy: --control-plane (or TESSERA_CONTROL_PLANE): is required',
      'tessera proxy: --poll-interval: must be a number of seconds between 1 and 300, got "0"',
    ]);
  });

  it('rejects an unknown flag', () => {
    expect(() => parseProxyFlags(['--nope'])).toThrow(/unknown option '--nope'/);
  });
});
