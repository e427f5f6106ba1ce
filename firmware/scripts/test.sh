#!/usr/bin/env bash
# Firmware tests (npm run test:firmware): host build, C unit tests under ASan/UBSan, a short libFuzzer
# smoke run seeded from the shared frame fixtures, the WebAssembly build and the fake-lab end-to-end run.
# Prints "firmware: N passed, M failed" last; exits non-zero on any failure.
set -uo pipefail
FW="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$FW/.." && pwd)"
FUZZ_SECONDS="${EPV_FUZZ_SECONDS:-20}"
JOBS="${EPV_JOBS:-2}"
passed=0
failed=0

step() { echo; echo "--- $* ---"; }
ok() { passed=$((passed + ${2:-1})); echo "ok: $1"; }
bad() { failed=$((failed + ${2:-1})); echo "FAILED: $1"; }

# Adds the counts of a "# <name> ... ok=N bad=N" summary line printed by a sub-suite.
tally() {
  local name="$1" out="$2" line okc badc
  line="$(grep -E "^# $name .*ok=[0-9]+ bad=[0-9]+" <<<"$out" | tail -1)"
  if [[ -z "$line" ]]; then bad "$name: no summary line (crashed?)"; return; fi
  okc="$(sed -E 's/.*ok=([0-9]+).*/\1/' <<<"$line")"
  badc="$(sed -E 's/.*bad=([0-9]+).*/\1/' <<<"$line")"
  passed=$((passed + okc))
  failed=$((failed + badc))
  echo "$name: $okc ok, $badc bad"
}

step "host build"
if make -C "$FW/host" -j"$JOBS" -s; then ok "host program $FW/host/build/espnow_prov_host"; else bad "host build"; fi

step "C unit tests (ASan + UBSan), mbedTLS and PSA crypto backends"
if make -C "$FW/test" -j"$JOBS" -s; then
  out="$(cd "$FW/test" && ASAN_OPTIONS=detect_leaks=1 ./build/epv_tests 2>&1)"
  echo "$out" | grep -Ev '^ok - '
  tally c-tests "$out"
  # the same cases on the PSA Crypto backend (the one ESP-IDF >= 6.0 / Mbed TLS 4 builds)
  out="$(cd "$FW/test" && ASAN_OPTIONS=detect_leaks=1 ./build/epv_tests_psa 2>&1 | sed 's/^# c-tests /# c-tests-psa /')"
  echo "$out" | grep -Ev '^ok - '
  tally c-tests-psa "$out"
else
  bad "C test build"
fi

step "fuzz smoke: ${FUZZ_SECONDS}s of the frame decoders, $((FUZZ_SECONDS / 4 + 1))s each of the link-line parser and the NVS reader"
# Seeds: every fixture frame as raw bytes (frame fuzzer) and as an RX line (link fuzzer), plus the other lab lines.
seed_corpora() {
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir, frames, lines] = process.argv.slice(1);
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".hex"))) {
      const hex = fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter((l) => !l.startsWith("#")).join("").replace(/\s/g, "");
      const name = "seed-" + f.replace(/\.hex$/, "");
      fs.writeFileSync(path.join(frames, name + ".bin"), Buffer.from(hex, "hex"));
      const src = hex.slice(28, 40).match(/../g).join(":");
      fs.writeFileSync(path.join(lines, name + ".txt"), `RX ${src} -40 6 ${hex}`);
    }
    const other = ["TXDONE 24:0a:c4:00:00:01 OK", "WIFI_CONNECTED 02:00:00:00:0a:01 6", "WIFI_DISCONNECTED 15", "GOT_IP 192.168.4.2 255.255.255.0 192.168.4.1"];
    other.forEach((l, i) => fs.writeFileSync(path.join(lines, `seed-line-${i}.txt`), l));' "$@"
}
# run_fuzz TARGET CORPUS SECONDS [MAX_LEN]
run_fuzz() {
  local fout
  if fout="$("$FW/test/build/$1" -max_total_time="$3" -max_len="${4:-600}" -print_final_stats=1 "$2" 2>&1)"; then
    ok "$1: $(grep -Eo 'Done [0-9]+ runs' <<<"$fout" | tail -1), no findings"
  else
    echo "$fout" | tail -40
    bad "$1 found a crash (see above; the reproducer crash-* is in the current folder)"
  fi
}
if make -C "$FW/test" -s build/fuzz_frame build/fuzz_link; then
  frames="$FW/test/build/corpus"
  lines="$FW/test/build/corpus-link"
  mkdir -p "$frames" "$lines"
  seed_corpora "$ROOT/test/fixtures/frames" "$frames" "$lines"
  run_fuzz fuzz_frame "$frames" "$FUZZ_SECONDS"
  run_fuzz fuzz_link "$lines" "$((FUZZ_SECONDS / 4 + 1))"
else
  bad "fuzzer build (clang with libFuzzer needed: apt libclang-rt-14-dev)"
fi
# The NVS reader on partition images, seeded with the two images ESP-IDF's tools wrote (6 pages each).
if make -C "$FW/test" -s build/fuzz_nvs; then
  mkdir -p "$FW/test/build/corpus-nvs"
  cp "$ROOT/test/fixtures/nvs/reference.bin" "$FW/test/build/corpus-nvs/seed-reference.bin"
  cp "$ROOT/test/fixtures/nvs/device-after-writes.bin" "$FW/test/build/corpus-nvs/seed-device.bin"
  run_fuzz fuzz_nvs "$FW/test/build/corpus-nvs" "$((FUZZ_SECONDS / 4 + 1))" 24576
else
  bad "NVS fuzzer build"
fi

step "WebAssembly build (the firmware virtual boards run)"
if make -C "$FW/wasm" -s; then ok "wasm module $FW/wasm/build/espnow_prov.wasm"; else bad "wasm build (clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 needed)"; fi

step "fake lab end-to-end (two host programs, built with ASan + UBSan)"
SAN_FLAGS="-O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
if make -C "$FW/host" -j"$JOBS" -s BUILD=build-asan EXTRA_CFLAGS="$SAN_FLAGS"; then
  out="$(node "$FW/host/test/fake-lab.mjs" --bin "$FW/host/build-asan/espnow_prov_host" 2>&1)"
else
  out="sanitized host build failed"
fi
echo "$out" | grep -v '^  [RI] ' | grep -v '^# fake-lab'
[[ "$out" == *"not ok"* ]] && echo "$out" | grep -E '^  [RI] ' | tail -60
tally fake-lab "$out"

echo
echo "firmware: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
