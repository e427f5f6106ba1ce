import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FirmwareRole } from './sdkconfig';

/**
 * What a cached build is, for people choosing one (Flash Board offers the recent builds for a board's chip):
 * role, chip, builder, the network and pair key it carries, and when it was made. Beside flasher_args.json
 * in every build folder. It holds no secret: the network's name (as in settings.json) and a fingerprint of
 * the pair key, enough to tell two fleets' builds apart and nothing to recover the key from.
 */
export interface BuildInfo {
  readonly role: FirmwareRole;
  /** Chip key, as in core/chips ("esp32c3"). */
  readonly target: string;
  readonly builder: 'idf' | 'virtual';
  /** "ESP-IDF 5.4.1" or "WebAssembly (virtual boards)". */
  readonly toolchain: string;
  readonly security: string;
  /** The SSID compiled in; empty when the image carries none (an initiator, or credentials kept in NVS). */
  readonly network?: string;
  /** The first 8 hex digits of SHA-256 of the pair key compiled in; empty when none is. */
  readonly keyId?: string;
  /** ISO time the build was made. */
  readonly builtAt: string;
}

export const BUILD_INFO_FILE = '.build-info.json';

export async function writeBuildInfo(dir: string, info: BuildInfo): Promise<void> {
  await writeFile(join(dir, BUILD_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

/** The info of the build in `dir`, or undefined when it has none or it is unreadable. */
export async function readBuildInfo(dir: string): Promise<BuildInfo | undefined> {
  try {
    const v = JSON.parse(await readFile(join(dir, BUILD_INFO_FILE), 'utf8')) as Partial<BuildInfo>;
    const ok = (v.role === 'responder' || v.role === 'initiator') && typeof v.target === 'string' && (v.builder === 'idf' || v.builder === 'virtual') && typeof v.toolchain === 'string' && typeof v.builtAt === 'string';
    return ok ? { role: v.role!, target: v.target!, builder: v.builder!, toolchain: v.toolchain!, security: String(v.security ?? ''), network: String(v.network ?? ''), keyId: String(v.keyId ?? ''), builtAt: v.builtAt! } : undefined;
  } catch {
    return undefined;
  }
}

/** A pair key's fingerprint for people: 8 hex digits of its SHA-256; '' for no key. */
export function keyFingerprint(pairKey: string): string {
  return pairKey ? createHash('sha256').update(pairKey.toLowerCase()).digest('hex').slice(0, 8) : '';
}
