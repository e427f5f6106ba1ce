import type { NvsValue } from './nvs-reader';

/**
 * A value as a person may see it: integers as they are, strings quoted (JSON escapes, so control characters
 * stay visible), blobs by size only, and the strings of secret keys by size only as well. Secrets never
 * reach a terminal, a log or a screenshot through this.
 */
export function nvsValueText(v: NvsValue, secretKeys: ReadonlySet<string>): string {
  if (v.value instanceof Uint8Array) return `<${v.value.length} bytes>`;
  if (typeof v.value === 'string') return secretKeys.has(v.key) ? `<${Buffer.byteLength(v.value)} bytes, hidden>` : JSON.stringify(v.value);
  return String(v.value);
}
