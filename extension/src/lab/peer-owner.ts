import * as fs from 'node:fs';
import type * as net from 'node:net';

/**
 * Who is on the other end of a loopback TCP connection. Lab ports must listen on TCP (esptool, pySerial
 * and idf.py monitor speak RFC2217 only over TCP, and pySerial's URL has no place for a secret), so the
 * lab asks the kernel which user owns the connecting socket and serves only its own user.
 *
 * - Linux: /proc/net/tcp and /proc/net/tcp6 list every socket with the uid that created it; the peer is
 *   the entry whose local end is the connection's remote end (and whose remote end is our local end).
 * - Other systems have no unprivileged equivalent that is cheap per connection; there the verdict is
 *   `unchecked` and the caller decides (the lab serves, and says so once: see docs/SECURITY.md).
 */
export type PeerVerdict =
  | { readonly kind: 'owner'; readonly uid: number }
  | { readonly kind: 'other'; readonly uid: number }
  /** The connection is not in the kernel's table any more (the client already left) or is not loopback. */
  | { readonly kind: 'unknown' }
  /** This system offers no way to ask. */
  | { readonly kind: 'unchecked' };

export type PeerOwnerCheck = (socket: net.Socket) => Promise<PeerVerdict>;

/** The check for this system, comparing against the uid this process runs as. */
export function peerOwnerCheck(): PeerOwnerCheck {
  if (process.platform !== 'linux' || typeof process.getuid !== 'function') return async () => ({ kind: 'unchecked' });
  const self = process.getuid();
  return async (socket) => {
    const uid = await linuxPeerUid(socket);
    if (uid === undefined) return { kind: 'unknown' };
    return uid === self ? { kind: 'owner', uid } : { kind: 'other', uid };
  };
}

/** The uid of the process side that opened `socket`'s peer, from /proc/net/tcp{,6}; undefined if not found. */
export async function linuxPeerUid(socket: net.Socket): Promise<number | undefined> {
  const { remotePort, localPort } = socket;
  if (!remotePort || !localPort) return undefined;
  return (await sharedLoopbackTable()).get(endKey(remotePort, localPort));
}

/** uid by "local port:remote port" of every loopback socket, as one read of the kernel's tables saw them. */
type LoopbackTable = ReadonlyMap<string, number>;

let tableRead: Promise<LoopbackTable> | undefined;
let nextTableRead: Promise<LoopbackTable> | undefined;

/**
 * The kernel's socket tables, read for every check that asked before the read began. Generating
 * /proc/net/tcp costs the kernel about 5 ms per read on a machine with a few hundred sockets, so 32 boards
 * connected at once cost 200 ms of CPU when each check read it alone (bench/, docs/PERFORMANCE.md). A read
 * that began before a check was made might miss that check's connection, so it is never shared with it:
 * checks made while a read runs wait for the next one, which starts when the current one ends.
 */
function sharedLoopbackTable(): Promise<LoopbackTable> {
  if (nextTableRead) return nextTableRead;
  // Connections that arrive together are accepted in one turn of the event loop: the read waits for the
  // turn to end, so all of their checks share it.
  const previous = tableRead ?? new Promise<unknown>((r) => setImmediate(r));
  const next: Promise<LoopbackTable> = previous.then(
    () => startRead(),
    () => startRead(),
  );
  const startRead = (): Promise<LoopbackTable> => {
    if (nextTableRead === next) nextTableRead = undefined;
    const read = readLoopbackTable();
    tableRead = read;
    void read.finally(() => {
      if (tableRead === read) tableRead = undefined;
    });
    return read;
  };
  nextTableRead = next;
  return next;
}

async function readLoopbackTable(): Promise<LoopbackTable> {
  const table = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      addLoopbackEntries(await fs.promises.readFile(file, 'utf8'), table);
    } catch {
      // No IPv6 table (or none at all): what the other says is all there is.
    }
  }
  return table;
}

function endKey(localPort: number, remotePort: number): string {
  return `${localPort}:${remotePort}`;
}

/** Adds every loopback entry of a /proc/net/tcp table (uid by local and remote port); earlier entries win. */
function addLoopbackEntries(text: string, table: Map<string, number>): void {
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const local = parseEndpoint(f[1]);
    const remote = parseEndpoint(f[2]);
    if (!local || !remote || !local.loopback || !remote.loopback) continue;
    const uid = Number(f[7]);
    const key = endKey(local.port, remote.port);
    if (Number.isInteger(uid) && !table.has(key)) table.set(key, uid);
  }
}

/**
 * In a /proc/net/tcp table, the uid of the socket whose local end is on `peerPort` and whose remote end is
 * on `ourPort`, both on a loopback address. Exported for tests.
 */
export function findPeerUid(table: string, peerPort: number, ourPort: number): number | undefined {
  const entries = new Map<string, number>();
  addLoopbackEntries(table, entries);
  return entries.get(endKey(peerPort, ourPort));
}

/** `0100007F:1F90` (IPv4, host byte order) or the 32-hex-digit IPv6 form. */
function parseEndpoint(text: string): { port: number; loopback: boolean } | undefined {
  const [addr, portHex] = text.split(':');
  if (!addr || !portHex) return undefined;
  const port = parseInt(portHex, 16);
  if (!Number.isFinite(port)) return undefined;
  return { port, loopback: isLoopbackHex(addr) };
}

function isLoopbackHex(addr: string): boolean {
  const a = addr.toUpperCase();
  // 127.0.0.0/8 in the kernel's little-endian word: the low byte (last two hex digits) is 0x7F.
  if (a.length === 8) return a.endsWith('7F');
  if (a.length !== 32) return false;
  // ::1 and ::ffff:127.x.y.z, each 32-bit word little-endian.
  if (a === '00000000000000000000000001000000') return true;
  return a.startsWith('0000000000000000FFFF0000') && a.endsWith('7F');
}
