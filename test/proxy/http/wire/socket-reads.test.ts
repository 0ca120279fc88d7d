import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_BUFFER, readAcceptedInto } from '../../../../proxy/http/wire/socket-reads.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Accepted {
  readonly client: net.Socket;
  readonly server: net.Socket;
}

/** A connected pair whose server side has not started reading (`pauseOnConnect`). */
async function acceptedPair(): Promise<Accepted> {
  const listener = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
  const server = await accepted;
  closers.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { client, server };
}

describe('readAcceptedInto', () => {
  it('delivers an accepted socket’s reads in the shared buffer, not as data events', async () => {
    const { client, server } = await acceptedPair();
    const reads: string[] = [];
    let buffers = 0;
    expect(
      readAcceptedInto(server, (nread, buffer) => {
        if (buffer === READ_BUFFER) buffers++;
        reads.push(Buffer.from(buffer.subarray(0, nread)).toString());
        return true;
      }),
    ).toBe(true);
    let dataEvents = 0;
    server.on('data', () => dataEvents++);
    server.resume();
    client.write('hello');
    await sleep(50);
    client.write('world');
    await sleep(50);
    expect(reads).toEqual(['hello', 'world']);
    expect(buffers).toBe(2);
    expect(dataEvents).toBe(0);
    expect(server.bytesRead).toBe(10);
  });

  it('stops reading while paused and reads on after resume, then ends', async () => {
    const { client, server } = await acceptedPair();
    let received = '';
    readAcceptedInto(server, (nread, buffer) => {
      received += Buffer.from(buffer.subarray(0, nread)).toString();
      return true;
    });
    let ended = false;
    server.on('end', () => {
      ended = true;
    });
    server.resume();
    // Not in the same tick: a resume's deferred read(0) would start the reads again.
    await sleep(20);
    server.pause();
    client.end('held by the kernel');
    await sleep(100);
    // Paused means no read at all: not the bytes, not the FIN.
    expect(received).toBe('');
    expect(ended).toBe(false);
    server.resume();
    await sleep(100);
    expect(received).toBe('held by the kernel');
    expect(ended).toBe(true);
  });

  it('changes nothing on a socket that has no handle or already reads into a buffer', () => {
    expect(readAcceptedInto(new net.Socket(), () => true)).toBe(false);
    const connected = net.connect({
      port: 1,
      host: '127.0.0.1',
      onread: { buffer: Buffer.alloc(16), callback: () => true },
    });
    connected.on('error', () => {});
    closers.push(() => connected.destroy());
    expect(readAcceptedInto(connected, () => true)).toBe(false);
  });
});
