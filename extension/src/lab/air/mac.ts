import { normaliseMac } from '../../core/boards/board';
import { ProvisionError } from '../../core/common/errors';

/** The ESP-NOW broadcast address. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

/** Formats 6 eFuse bytes as `aa:bb:cc:dd:ee:ff`, the form ESP-IDF logs, the lab link, lab.json and the capture use. */
export function formatMac(mac: Uint8Array): string {
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Parses a MAC strictly as the lab link writes it (six lowercase or uppercase hex pairs with colons). */
export function parseLinkMac(text: string): string | undefined {
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text) ? normaliseMac(text) : undefined;
}

/** The 6 bytes of an `aa:bb:cc:dd:ee:ff` MAC; throws on anything else. */
export function macBytesOf(mac: string): Uint8Array {
  const m = parseLinkMac(mac);
  if (!m) throw new RangeError(`not a MAC: ${JSON.stringify(mac)}`);
  return Uint8Array.from(m.split(':').map((h) => parseInt(h, 16)));
}

/** `aa:bb:cc:dd:ee:ff` (any case, `-` also accepted) to 6 bytes; a 'config' error naming the value otherwise. */
export function parseMac(text: string, where: string): Uint8Array {
  const parts = text.trim().split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) {
    throw new ProvisionError('config', `"${text}" in ${where} is not a MAC address.`, undefined, 'Use six hex bytes, e.g. 24:0a:c4:00:00:01.');
  }
  const bytes = Uint8Array.from(parts.map((p) => parseInt(p, 16)));
  if (bytes[0] & 1) throw new ProvisionError('config', `"${text}" in ${where} is a multicast MAC; a board's MAC is unicast.`);
  return bytes;
}
