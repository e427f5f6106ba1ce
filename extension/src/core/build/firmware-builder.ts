import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ProvisionError } from '../common/errors';
import { buildCacheKey, cachedBuild, findCachedBuild, firmwareSourceHash, type BuilderKind } from './build-cache';
import { CHIP_KEYS, isChipKey } from '../chips/chips';
import { writeVirtualBuild } from './image/virtual-build-writer';
import { keyFingerprint } from './build-info';
import { writableFirmwareProject } from './firmware-project';
import { buildWithIdf, checkIdfVersion, idfVersion, resolveIdfPath } from './idf-build';
import { renderSdkconfig, type FirmwareConfig } from './sdkconfig';

/** Options of one build. */
export interface BuildOptions {
  readonly signal?: AbortSignal;
  /** Build output lines, secrets redacted (the host build reports nothing but failures). */
  readonly onOutput?: (line: string) => void;
}

/** A finished build. */
export interface BuildResult {
  /** An idf.py-style build folder holding flasher_args.json. It holds secrets: read-only for callers. */
  readonly buildDir: string;
  /** True when an identical earlier build was reused. */
  readonly cached: boolean;
  readonly durationMs: number;
  /** What built it, for people: "ESP-IDF 5.4.1" or "WebAssembly (virtual boards)". */
  readonly toolchain: string;
}

/** Builds the firmware for one target and role; real boards and virtual boards differ only in this. */
export interface FirmwareBuilder {
  readonly kind: BuilderKind;
  build(target: string, config: FirmwareConfig, opts?: BuildOptions): Promise<BuildResult>;
  /** The folder of an identical earlier build, or undefined; never builds (Update Credentials reuses images). */
  findBuild(target: string, config: FirmwareConfig): Promise<string | undefined>;
}

interface KeyedBuild {
  readonly key: string;
  readonly toolchain: string;
  readonly produce: (dir: string) => Promise<void>;
}

/**
 * The part both builders share: key the inputs, reuse or build through the cache, and let concurrent
 * requests for the same key (two boards of one role and target) wait for one build instead of racing.
 */
abstract class CachingBuilder implements FirmwareBuilder {
  abstract readonly kind: BuilderKind;
  private readonly inflight = new Map<string, Promise<{ dir: string; hit: boolean }>>();

  constructor(protected readonly cacheRoot: string) {}

  protected abstract prepare(target: string, config: FirmwareConfig, sdkconfigText: string, opts: BuildOptions): Promise<KeyedBuild>;

  async build(target: string, config: FirmwareConfig, opts: BuildOptions = {}): Promise<BuildResult> {
    const started = Date.now();
    if (opts.signal?.aborted) throw new ProvisionError('cancelled', `Build for ${target} was cancelled.`);
    // Rendering first: a bad pair key or SSID is a 'config' error before any hashing or tool lookup.
    const sdkconfigText = renderSdkconfig(config);
    const { key, toolchain, produce } = await this.prepare(target, config, sdkconfigText, opts);
    let pending = this.inflight.get(key);
    const joined = pending !== undefined;
    if (!pending) {
      const info = { role: config.role, target, builder: this.kind, toolchain, security: config.security, network: config.ssid, keyId: keyFingerprint(config.pairKey), builtAt: new Date().toISOString() };
      pending = cachedBuild(this.cacheRoot, key, produce, { secrets: [config.password, config.pairKey], info }).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const { dir, hit } = await pending;
    return { buildDir: dir, cached: hit || joined, durationMs: Date.now() - started, toolchain };
  }

  async findBuild(target: string, config: FirmwareConfig): Promise<string | undefined> {
    const { key } = await this.prepare(target, config, renderSdkconfig(config), {});
    return findCachedBuild(this.cacheRoot, key);
  }
}

/** Where VirtualFirmwareBuilder finds the firmware and keeps its builds. */
export interface VirtualBuilderOptions {
  /** The firmware compiled to WebAssembly: productPaths(root).wasmFirmware. */
  readonly wasmPath: string;
  /** A private folder outside the workspace (builds hold secrets). */
  readonly cacheRoot: string;
}

/**
 * Builds images for virtual boards: no compiler, only the shipped WebAssembly firmware and this build's
 * menuconfig values packed into an app image (writeVirtualBuild). Milliseconds, on any OS.
 */
export class VirtualFirmwareBuilder extends CachingBuilder {
  readonly kind = 'virtual' as const;
  private readonly wasmPath: string;

  constructor(opts: VirtualBuilderOptions) {
    super(resolve(opts.cacheRoot));
    this.wasmPath = resolve(opts.wasmPath);
  }

  protected async prepare(target: string, config: FirmwareConfig, sdkconfigText: string, opts: BuildOptions): Promise<KeyedBuild> {
    if (!isChipKey(target)) {
      throw new ProvisionError('config', `Chip "${target}" has no virtual board.`, undefined, `Use one of: ${CHIP_KEYS.join(', ')}.`);
    }
    const wasm = await readFile(this.wasmPath).catch((e: unknown) => {
      throw new ProvisionError('build', `The virtual boards' firmware is missing: ${this.wasmPath}.`, undefined, 'Reinstall the extension (in a checkout: npm run build).', { cause: e });
    });
    const firmwareHash = createHash('sha256').update(wasm).digest('hex');
    const key = await buildCacheKey(this.cacheRoot, { firmwareHash, target, sdkconfigText, builder: 'virtual' });
    return {
      toolchain: 'WebAssembly (virtual boards)',
      key,
      produce: async (dir) => {
        if (opts.signal?.aborted) throw new ProvisionError('cancelled', `Build for ${target} was cancelled.`);
        writeVirtualBuild({ target, sdkconfigText, wasm, outDir: dir });
      },
    };
  }
}

/** Where IdfFirmwareBuilder finds ESP-IDF and the project, and keeps its builds. */
export interface IdfBuilderOptions {
  /** Setting `espnow.idfPath`; empty falls back to `$IDF_PATH`. */
  readonly idfPath?: string;
  /**
   * The ESP-IDF project as installed (productPaths().firmwareProject). It may be read-only: builds run on
   * a copy in the cache root (writableFirmwareProject).
   */
  readonly firmwareDir: string;
  /** A private folder outside the workspace (builds hold secrets). */
  readonly cacheRoot: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Builds images for real boards with the user's ESP-IDF. */
export class IdfFirmwareBuilder extends CachingBuilder {
  readonly kind = 'idf' as const;
  private readonly firmwareDir: string;

  constructor(private readonly opts: IdfBuilderOptions) {
    super(resolve(opts.cacheRoot));
    this.firmwareDir = resolve(opts.firmwareDir);
  }

  protected async prepare(target: string, config: FirmwareConfig, sdkconfigText: string, opts: BuildOptions): Promise<KeyedBuild> {
    const env = this.opts.env ?? process.env;
    // Resolved per build so a changed setting or IDF_PATH takes effect, and a missing ESP-IDF is a
    // 'config' error before anything is hashed.
    const idfDir = resolveIdfPath(this.opts.idfPath, env);
    const [firmwareHash, version] = await Promise.all([
      firmwareSourceHash(this.firmwareDir).catch((e: unknown) => {
        throw new ProvisionError('build', `Cannot read the firmware sources at ${this.firmwareDir}.`, undefined, 'Reinstall the extension: it ships the firmware project.', { cause: e });
      }),
      idfVersion(idfDir),
    ]);
    // Before the cache: an ESP-IDF too old to build this firmware is refused even if an old build exists.
    checkIdfVersion(version, idfDir);
    // Without a version, the ESP-IDF folder stands in for it, so switching installs still rebuilds.
    const key = await buildCacheKey(this.cacheRoot, { firmwareHash, target, sdkconfigText, builder: 'idf', idfVersion: version ?? `path:${idfDir}` });
    return {
      key,
      toolchain: `ESP-IDF ${version ?? '(version unknown)'}`,
      produce: async (dir) => {
        const project = await writableFirmwareProject(this.firmwareDir, this.cacheRoot, firmwareHash);
        // Compiler messages name the project's own sources, not the private copy that was built, so a
        // problem matcher (Problems view) opens the file the user has.
        const onOutput = opts.onOutput && ((line: string) => opts.onOutput!(line.split(`${project}/`).join(`${this.firmwareDir}/`)));
        await buildWithIdf({ idfPath: idfDir, env, firmwareDir: project, target, config, buildDir: dir, signal: opts.signal, onOutput });
      },
    };
  }
}
