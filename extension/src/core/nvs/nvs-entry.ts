import { ProvisionError } from '../common/errors';
import { integerIsSigned, integerWidth, isIntegerType, NVS_KEY_MAX, NVS_STRING_MAX, type NvsType } from './nvs-format';

/** One value to write: integers as number or bigint (u64/i64 need bigint past 2^53), strings, blobs as bytes. */
export interface NvsEntry {
  namespace: string;
  key: string;
  type: NvsType;
  value: number | bigint | string | Uint8Array;
}

/** A value ready for the page writer: integers as their little-endian bytes, strings with their NUL. */
export interface EncodedNvsEntry {
  namespace: string;
  key: string;
  type: NvsType;
  /** Integers: `width` bytes. Strings: UTF-8 plus NUL. Blobs: the bytes. */
  bytes: Uint8Array;
}

function invalid(message: string, hint?: string): ProvisionError {
  return new ProvisionError('config', message, undefined, hint);
}

/**
 * Checks a key or namespace name as ESP-IDF does (1..15 bytes, no NUL) and, beyond it, that it is printable
 * ASCII: the partition generator's CSV and every tool that prints a key assume it.
 */
export function validateNvsName(name: string, what: 'key' | 'namespace', where: string): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0) throw invalid(`NVS ${what} ${where} is empty.`);
  if (bytes > NVS_KEY_MAX) throw invalid(`NVS ${what} "${name}"${where ? ` ${where}` : ''} is ${bytes} characters long; NVS allows at most ${NVS_KEY_MAX}.`);
  if (!/^[\x21-\x7e]+$/.test(name)) throw invalid(`NVS ${what} "${name}"${where ? ` ${where}` : ''} must be printable ASCII without spaces.`);
}

function integerBytes(e: NvsEntry, label: string): Uint8Array {
  const t = e.type as Parameters<typeof integerWidth>[0];
  const width = integerWidth(t);
  let v: bigint;
  if (typeof e.value === 'bigint') v = e.value;
  else if (typeof e.value === 'number' && Number.isSafeInteger(e.value)) v = BigInt(e.value);
  else throw invalid(`NVS value ${label} (${t}) must be an integer, not ${describe(e.value)}.`);
  const bits = BigInt(width * 8);
  const [min, max] = integerIsSigned(t) ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
  if (v < min || v > max) throw invalid(`NVS value ${label} = ${v} does not fit ${t} (${min}..${max}).`);
  const out = new Uint8Array(width);
  let u = BigInt.asUintN(width * 8, v);
  for (let i = 0; i < width; i++, u >>= 8n) out[i] = Number(u & 0xffn);
  return out;
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return typeof v === 'string' ? 'a string' : String(v);
}

/** Validates one entry and turns its value into the bytes NVS stores. Throws a 'config' ProvisionError. */
export function encodeNvsEntry(e: NvsEntry): EncodedNvsEntry {
  validateNvsName(e.namespace, 'namespace', '');
  validateNvsName(e.key, 'key', `in namespace "${e.namespace}"`);
  const label = `"${e.namespace}:${e.key}"`;
  let bytes: Uint8Array;
  if (isIntegerType(e.type)) bytes = integerBytes(e, label);
  else if (e.type === 'string') {
    if (typeof e.value !== 'string') throw invalid(`NVS value ${label} (string) must be a string, not ${describe(e.value)}.`);
    if (e.value.includes('\0')) throw invalid(`NVS string ${label} contains a NUL character; NVS strings end at the first NUL.`);
    const text = Buffer.from(e.value, 'utf8');
    if (text.length + 1 > NVS_STRING_MAX) {
      throw invalid(`NVS string ${label} is ${text.length} bytes (${text.length + 1} with its NUL); NVS strings hold at most ${NVS_STRING_MAX} bytes with the NUL.`, 'Store longer data as a blob.');
    }
    bytes = new Uint8Array(text.length + 1);
    bytes.set(text);
  } else if (e.type === 'blob') {
    if (!(e.value instanceof Uint8Array)) throw invalid(`NVS value ${label} (blob) must be bytes, not ${describe(e.value)}.`);
    bytes = e.value;
  } else throw invalid(`NVS value ${label} has unknown type "${String(e.type)}".`);
  return { namespace: e.namespace, key: e.key, type: e.type, bytes };
}
