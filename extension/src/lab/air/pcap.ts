import { macBytesOf } from './mac';

/**
 * ESP-NOW frames as a pcap file Wireshark and tshark read: link type 127 (802.11 with a radiotap header),
 * each frame the 802.11 action frame ESP-NOW sends on the air (esp_now.h, "Frame Format"): management /
 * action, addr3 the broadcast BSSID, category 127 (vendor specific) with Espressif's OUI 18:fe:34 and four
 * random bytes, then a vendor element (id 221) holding OUI 18:fe:34, type 4 (ESP-NOW), version 1 and the
 * payload. No FCS is written (the radiotap flags say so by leaving it out).
 */
export const PCAP_LINKTYPE_RADIOTAP = 127;
const ESPRESSIF_OUI = [0x18, 0xfe, 0x34];
const ESPNOW_TYPE = 4;
const ESPNOW_VERSION = 1;
/** Radiotap: version, pad, length, present = Channel (bit 3) | dBm antenna signal (bit 5). */
const RADIOTAP_LEN = 13;

/** The 24-byte pcap file header (microsecond timestamps). */
export function pcapHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(PCAP_LINKTYPE_RADIOTAP, 20);
  return h;
}

export interface PcapFrame {
  /** Wall-clock time of the frame in milliseconds since the epoch. */
  readonly timeMs: number;
  readonly from: string;
  readonly to: string;
  readonly channel: number;
  /** What the strongest receiver heard; null when nobody did (the field is then left out). */
  readonly rssi: number | null;
  readonly data: Uint8Array;
  /** Sequence number for the 802.11 header. */
  readonly seq: number;
}

/** One pcap record: record header, radiotap, 802.11 action frame carrying the ESP-NOW payload. */
export function pcapRecord(f: PcapFrame): Buffer {
  const radiotap = Buffer.alloc(RADIOTAP_LEN);
  radiotap.writeUInt16LE(RADIOTAP_LEN, 2);
  radiotap.writeUInt32LE((1 << 3) | (f.rssi === null ? 0 : 1 << 5), 4);
  radiotap.writeUInt16LE(2407 + 5 * f.channel, 8); // MHz of 2.4 GHz channel 1..13
  radiotap.writeUInt16LE(0x00a0, 10); // CCK | 2 GHz: ESP-NOW's 1 Mb/s
  radiotap.writeInt8(Math.max(-128, Math.min(127, f.rssi ?? 0)), 12);
  const mac = Buffer.alloc(24);
  mac[0] = 0xd0; // management, subtype 13: action
  Buffer.from(macBytesOf(f.to)).copy(mac, 4);
  Buffer.from(macBytesOf(f.from)).copy(mac, 10);
  Buffer.alloc(6, 0xff).copy(mac, 16);
  mac.writeUInt16LE((f.seq & 0xfff) << 4, 22);
  const body = Buffer.from([127, ...ESPRESSIF_OUI, 0, 0, 0, 0, 221, 5 + f.data.length, ...ESPRESSIF_OUI, ESPNOW_TYPE, ESPNOW_VERSION]);
  const packet = Buffer.concat([radiotap, mac, body, Buffer.from(f.data)]);
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(Math.floor(f.timeMs / 1000), 0);
  rec.writeUInt32LE(Math.round((f.timeMs % 1000) * 1000), 4);
  rec.writeUInt32LE(packet.length, 8);
  rec.writeUInt32LE(packet.length, 12);
  return Buffer.concat([rec, packet]);
}
