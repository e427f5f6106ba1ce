import { normaliseMac } from '../../core/boards/board';

/** The ESP-NOW broadcast address. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

/** Formats 6 eFuse bytes as `aa:bb:cc:dd:ee:ff`, the form the lab link and the capture use. */
export function macToString(mac: Uint8Array): string {
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
