import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { test } from 'node:test';
import { findPeerUid, linuxPeerUid } from '../../../extension/src/lab/peer-owner';

// Shapes as the kernel prints them (trailing columns trimmed): a listener on 127.0.0.1:40000 (0x9C40),
// the client end of a connection from port 51000 (0xC738) as uid 65534, and the server end as uid 0.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9C40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1
   1: 0100007F:C738 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 65534        0 1002 1
   2: 0100007F:9C40 0100007F:C738 01 00000000:00000000 00:00000000 00000000     0        0 1003 1
   3: 0A00020F:C739 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 1004 1
`;

test('the peer is the entry whose local end is the connection remote end, on loopback', () => {
  assert.equal(findPeerUid(TCP, 0xc738, 0x9c40), 65534);
  assert.equal(findPeerUid(TCP, 0x9c40, 0xc738), 0, 'the other direction is the server itself');
  assert.equal(findPeerUid(TCP, 0xc739, 0x9c40), undefined, 'not loopback');
  assert.equal(findPeerUid(TCP, 0xc740, 0x9c40), undefined, 'no such connection');
});

test('IPv6 loopback and v4-mapped loopback entries count', () => {
  const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid
   0: 00000000000000000000000001000000:C738 00000000000000000000000001000000:9C40 01 00000000:00000000 00:00000000 00000000  1001
   1: 0000000000000000FFFF00000100007F:C739 0000000000000000FFFF00000100007F:9C40 01 00000000:00000000 00:00000000 00000000  1002
`;
  assert.equal(findPeerUid(tcp6, 0xc738, 0x9c40), 1001);
  assert.equal(findPeerUid(tcp6, 0xc739, 0x9c40), 1002);
});

test('connections checked at once share reads of the kernel tables, and each finds its own peer', { skip: process.platform !== 'linux' }, async () => {
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => accepted.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const connect = (): Promise<net.Socket> =>
    new Promise((r) => {
      const c = net.connect(port, '127.0.0.1', () => r(c));
    });
  const clients = await Promise.all(Array.from({ length: 12 }, connect));
  while (accepted.length < clients.length) await new Promise((r) => setTimeout(r, 5));
  const readFile = fs.promises.readFile;
  let reads = 0;
  fs.promises.readFile = ((...args: Parameters<typeof readFile>) => (String(args[0]) === '/proc/net/tcp' && reads++, readFile(...args))) as typeof readFile;
  try {
    const uids = await Promise.all(accepted.map((s) => linuxPeerUid(s)));
    assert.deepEqual(uids, Array(accepted.length).fill(process.getuid!()));
    assert.equal(reads, 1, `${reads} reads for ${accepted.length} checks made together`);
    // A check made after those reads gets a read of its own, which sees its connection.
    const before = reads;
    assert.equal(await linuxPeerUid(accepted[0]), process.getuid!());
    assert.equal(reads, before + 1);
  } finally {
    fs.promises.readFile = readFile;
    for (const c of clients) c.destroy();
    for (const s of accepted) s.destroy();
    await new Promise((r) => server.close(r));
  }
});
