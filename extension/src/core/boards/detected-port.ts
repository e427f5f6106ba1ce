/** Where a board was found. Also the group it is shown under in the tree. */
export type BoardSourceKind = 'usb' | 'rfc2217' | 'virtual';

/** A port that discovery found and believes is an ESP board. */
export interface DetectedPort {
  readonly source: BoardSourceKind;
  /** Unique among all sources: `/dev/ttyACM0`, `COM4` or `rfc2217://127.0.0.1:40001`. */
  readonly path: string;
  /** What a person recognises: the USB product string, "Virtual ESP32-S3", "Remote board". */
  readonly description: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  /** Set when the source knows the chip without asking the bootloader (virtual boards). */
  readonly chipHint?: string;
  /** Set when the source knows the MAC without asking the bootloader (virtual boards). */
  readonly macHint?: string;
}
