import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { ProvisionError } from '../../../../extension/src/core/common/errors';
import { Rfc2217Client } from '../../../../extension/src/core/serial/rfc2217-client';
import { encodeComPort, encodeNegotiation, TelnetDecoder } from '../../../../extension/src/core/serial/telnet-codec';
import { SERVER_OFFSET, Telnet, TelnetOption } from '../../../../extension/src/core/serial/telnet-codes';

/** The client's current socket; the test plays a late event of a socket it has given up on. */
const socketOf = (c: Rfc2217Client): net.Socket | undefined => (c as unknown as { socket?: net.Socket }).socket;

/** Agrees to every option and answers every COM-PORT request with its +100 code; collects serial data. */
function agree(conn: net.Socket, received: number[]): void {
  const decoder = new TelnetDecoder();
  conn.on('data', (chunk: Buffer) => {
    for (const ev of decoder.decode(chunk)) {
      if (ev.kind === 'negotiate' && (ev.command === Telnet.WILL || ev.command === Telnet.DO)) {
        conn.write(encodeNegotiation(ev.command === Telnet.WILL ? Telnet.DO : Telnet.WILL, ev.option));
      } else if (ev.kind === 'subnegotiation' && ev.option === TelnetOption.COM_PORT) {
        conn.write(encodeComPort(ev.payload[0] + SERVER_OFFSET, ev.payload.subarray(1)));
      } else if (ev.kind === 'data') received.push(...ev.data);
    }
  });
}

test('a late close, error or data of a failed earlier socket leaves the retried connection alone', async () => {
  const received: number[] = [];
  let stale: net.Socket | undefined;
  let connections = 0;
  const server = net.createServer((conn) => {
    conn.on('error', () => undefined);
    if (++connections === 1) {
      // First attempt: hang up mid-negotiation, as a server busy with another client does.
      conn.once('data', () => {
        stale = socketOf(client);
        conn.destroy();
      });
      return;
    }
    conn.once('data', () => {
      // The retry is negotiating on its own socket now; the first socket's events arrive late.
      assert.ok(stale && socketOf(client) !== stale);
      stale.emit('data', Buffer.of(Telnet.IAC));
      stale.emit('error', new Error('ECONNRESET (late)'));
      stale.emit('close', true);
    });
    agree(conn, received);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const client = new Rfc2217Client(`rfc2217://127.0.0.1:${port}`);
  const closes: Array<Error | undefined> = [];
  client.onClose((e) => closes.push(e));
  try {
    await assert.rejects(client.open(115200), (e: unknown) => e instanceof ProvisionError && e.kind === 'port-busy');
    await client.open(115200);
    assert.equal(client.isOpen, true);
    assert.equal(client.baudRate, 115200);
    const echoed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (received.length >= 3) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    await client.write(Uint8Array.of(1, 2, 3));
    await echoed;
    assert.deepEqual(received, [1, 2, 3], 'no stray byte from the stale socket reached the stream');
    assert.deepEqual(closes, [], 'the stale close did not close the retried connection');
    await client.close();
    assert.equal(client.isOpen, false);
    assert.deepEqual(closes, [undefined], 'only our own close is reported');
  } finally {
    client.dispose();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
