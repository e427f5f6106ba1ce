import { NodeSerialLink } from './node-serial-link';
import { Rfc2217Client } from './rfc2217-client';
import { isRfc2217Url } from './rfc2217-url';
import type { SerialLink } from './serial-link';

/** Picks the transport by the path: `rfc2217://` URLs go over TCP, anything else is a local port. */
export function openSerialLink(path: string): SerialLink {
  return isRfc2217Url(path) ? new Rfc2217Client(path) : new NodeSerialLink(path);
}
