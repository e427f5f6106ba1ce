import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { BacktraceFrame } from './log-line-parser';

/** One decoded return address: "app_main at /src/main/app.c:42". */
export interface DecodedFrame {
  readonly pc: number;
  readonly function: string;
  readonly file: string;
  readonly line: number | undefined;
  /** Inlined into the frame before it (addr2line -i). */
  readonly inlined: boolean;
}

/** addr2line of the GNU toolchain that built the firmware for this chip. */
const ADDR2LINE_BY_CHIP: Record<string, string> = {
  esp32: 'xtensa-esp32-elf-addr2line',
  esp32s2: 'xtensa-esp32s2-elf-addr2line',
  esp32s3: 'xtensa-esp32s3-elf-addr2line',
  esp32c3: 'riscv32-esp-elf-addr2line',
  esp32c6: 'riscv32-esp-elf-addr2line',
  esp32h2: 'riscv32-esp-elf-addr2line',
};

/**
 * Finds the toolchain's addr2line for a chip: on PATH (an exported ESP-IDF environment), else in the
 * ESP-IDF tools folder (`$IDF_TOOLS_PATH` or `~/.espressif/tools/<toolchain>/<version>/.../bin`).
 * Undefined when none is installed: the monitor then shows the raw backtrace and says why.
 */
export function findAddr2line(chip: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const exe = ADDR2LINE_BY_CHIP[chip.toLowerCase().replace(/[^a-z0-9]/g, '')];
  if (!exe) return undefined;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, exe);
    if (existsSync(p)) return p;
  }
  const tools = join(env.IDF_TOOLS_PATH ?? join(homedir(), '.espressif'), 'tools');
  const toolchain = exe.startsWith('riscv') ? 'riscv32-esp-elf' : exe.replace(/-addr2line$/, '').replace(/^xtensa-esp32(s\d)?-elf$/, 'xtensa-esp-elf');
  for (const name of [toolchain, exe.replace(/-addr2line$/, '')]) {
    const root = join(tools, name);
    if (!existsSync(root)) continue;
    for (const version of readdirSync(root).sort().reverse()) {
      for (const sub of [join(root, version, name, 'bin'), join(root, version, 'bin')]) {
        const p = join(sub, exe);
        if (existsSync(p)) return p;
      }
    }
  }
  return undefined;
}

/**
 * Decodes backtrace addresses against the build's ELF with `addr2line -pfiaC`. The Xtensa backtrace
 * holds return addresses; like idf.py monitor, the PCs are looked up as printed.
 */
export function decodeBacktrace(addr2line: string, elf: string, frames: readonly BacktraceFrame[], timeoutMs = 10_000): Promise<DecodedFrame[]> {
  const addrs = frames.map((f) => `0x${f.pc.toString(16)}`);
  if (addrs.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    execFile(addr2line, ['-pfiaC', '-e', elf, ...addrs], { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) reject(new Error(`addr2line failed on ${elf}: ${err.message}`));
      else resolve(parseAddr2line(stdout));
    });
  });
}

/**
 * Parses `addr2line -pfiaC` output. Each address gives a line "0xADDR: func at file:line", followed by
 * " (inlined by) func at file:line" lines for inlined callers.
 */
export function parseAddr2line(output: string): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  let pc = 0;
  for (const raw of output.split('\n')) {
    const line = raw.trimEnd();
    if (!line) continue;
    const main = /^0x([0-9a-f]+): (.*)$/i.exec(line);
    const inl = /^\s*\(inlined by\) (.*)$/.exec(line);
    const body = main ? main[2] : inl ? inl[1] : undefined;
    if (body === undefined) continue;
    if (main) pc = parseInt(main[1], 16);
    // "func at file:line", or "?? ??:0" when the address is not in the ELF.
    const at = / at (.*?)(?::(\d+|\?))?(?: \(discriminator \d+\))?$/.exec(body) ?? /^\?\? (\?\?)(?::(\d+|\?))?$/.exec(body);
    const fn = at ? body.slice(0, at.index) || '??' : body;
    frames.push({ pc, function: fn, file: at ? at[1] : '??', line: at?.[2] && at[2] !== '?' ? Number(at[2]) : undefined, inlined: !!inl });
  }
  return frames;
}

/** "0x400d1234: app_main at main/app.c:42" per frame, for the monitor. */
export function formatDecodedFrames(frames: readonly DecodedFrame[]): string[] {
  return frames.map((f) => `${f.inlined ? '    (inlined by) ' : `0x${f.pc.toString(16).padStart(8, '0')}: `}${f.function} at ${f.file}:${f.line ?? '?'}`);
}

/**
 * A decoder for one board: the chip's addr2line and the ELF of the build last flashed to it. Says which is missing instead of failing silently.
 */
export function backtraceDecoderFor(
  chipNow: () => string | undefined,
  elfNow: () => string | undefined,
  find = findAddr2line,
): (frames: readonly BacktraceFrame[]) => Promise<string[]> {
  // Read at panic time: the board may have been identified or reflashed since its monitor opened.
  return async (frames) => {
    const chip = chipNow();
    const elf = elfNow();
    if (!elf) throw new Error('no ELF known for this board (flash it from a build first, so the monitor knows which ELF to use)');
    if (!existsSync(elf)) throw new Error(`the build's ELF ${elf} is missing`);
    const tool = chip ? find(chip) : undefined;
    if (!tool) throw new Error(`no addr2line for ${chip ?? 'an unidentified chip'} (install the ESP-IDF tools, or open the monitor from an ESP-IDF terminal)`);
    return formatDecodedFrames(await decodeBacktrace(tool, elf, frames));
  };
}
