import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtraceDecoderFor, decodeBacktrace, findAddr2line, formatDecodedFrames, parseAddr2line } from '../../../../extension/src/core/monitor/panic-decoder';
import { parseLogLine } from '../../../../extension/src/core/monitor/log-line-parser';

test('addr2line output is parsed, with inlined callers and unknown lines', () => {
  const out = [
    '0x400d1234: app_main at /fw/main/app.c:42',
    ' (inlined by) start at /fw/main/start.c:7 (discriminator 2)',
    '0x40081000: ?? ??:0',
    '0x40082000: vPortTask at ??:?',
  ].join('\n');
  const frames = parseAddr2line(out);
  assert.deepEqual(
    frames.map((f) => [f.pc, f.function, f.file, f.line, f.inlined]),
    [
      [0x400d1234, 'app_main', '/fw/main/app.c', 42, false],
      [0x400d1234, 'start', '/fw/main/start.c', 7, true],
      [0x40081000, '??', '??', 0, false],
      [0x40082000, 'vPortTask', '??', undefined, false],
    ],
  );
  assert.equal(formatDecodedFrames(frames)[0], '0x400d1234: app_main at /fw/main/app.c:42');
});

test('a real backtrace is decoded to function:file:line with a real addr2line and ELF', async () => {
  // The host toolchain stands in for the ESP one: same program, same ELF/DWARF lookup.
  const dir = mkdtempSync(join(tmpdir(), 'panic-'));
  try {
    const src = join(dir, 'crash.c');
    writeFileSync(src, 'int deep(int x) {\n  return x * 3;\n}\nint main(void) {\n  return deep(2);\n}\n');
    const elf = join(dir, 'crash.elf');
    execFileSync('gcc', ['-g', '-O0', '-no-pie', '-o', elf, src]);
    const sym = execFileSync('nm', [elf], { encoding: 'utf8' }).split('\n').find((l) => / T deep$/.test(l));
    assert.ok(sym, 'nm finds deep()');
    const addr = parseInt(sym.split(' ')[0], 16) + 4;
    const record = parseLogLine(`Backtrace: 0x${addr.toString(16).padStart(8, '0')}:0x3ffb0000 0x${addr.toString(16).padStart(8, '0')}:0x3ffb0010`);
    assert.equal(record.panic, 'backtrace');
    const frames = await decodeBacktrace('addr2line', elf, record.backtrace!);
    assert.equal(frames[0].function, 'deep');
    assert.match(frames[0].file, /crash\.c$/);
    assert.ok(frames[0].line === 1 || frames[0].line === 2, `line ${frames[0].line}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the ESP toolchain addr2line is found on PATH or in the ESP-IDF tools folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tools-'));
  try {
    const bin = join(dir, 'tools', 'riscv32-esp-elf', 'esp-13.2.0_20240530', 'riscv32-esp-elf', 'bin');
    mkdirSync(bin, { recursive: true });
    const exe = join(bin, 'riscv32-esp-elf-addr2line');
    writeFileSync(exe, '#!/bin/sh\n');
    chmodSync(exe, 0o755);
    assert.equal(findAddr2line('esp32c3', { PATH: '', IDF_TOOLS_PATH: dir }), exe);
    assert.equal(findAddr2line('ESP32-C3', { PATH: bin }), exe);
    assert.equal(findAddr2line('esp32s3', { PATH: '', IDF_TOOLS_PATH: dir }), undefined);
    assert.equal(findAddr2line('esp8266', { PATH: bin }), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the board decoder says what is missing: ELF or toolchain', async () => {
  const frames = [{ pc: 0x400d1234, sp: 0 }];
  await assert.rejects(backtraceDecoderFor(() => 'esp32', () => undefined)(frames), /no ELF known/);
  await assert.rejects(backtraceDecoderFor(() => 'esp32', () => '/nonexistent/app.elf')(frames), /ELF \/nonexistent\/app\.elf is missing/);
  await assert.rejects(backtraceDecoderFor(() => 'ESP32-S3', () => __filename, () => undefined)(frames), /no addr2line for ESP32-S3/);
  // The chip and ELF are read when the panic comes, not when the monitor opened.
  const flashed: { elf?: string } = {};
  const decoder = backtraceDecoderFor(() => 'esp32', () => flashed.elf, () => undefined);
  await assert.rejects(decoder(frames), /no ELF known/);
  flashed.elf = __filename;
  await assert.rejects(decoder(frames), /no addr2line for esp32/);
});
