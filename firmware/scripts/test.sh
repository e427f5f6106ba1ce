#!/usr/bin/env bash
# Firmware tests (npm run test:firmware): host build, C unit tests under ASan/UBSan, a short libFuzzer
# smoke run seeded from the shared frame fixtures, the image packer check and the fake-lab end-to-end run.
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

step "C unit tests (ASan + UBSan)"
if make -C "$FW/test" -j"$JOBS" -s; then
  out="$(cd "$FW/test" && ASAN_OPTIONS=detect_leaks=1 ./build/epv_tests 2>&1)"
  echo "$out" | grep -Ev '^ok - '
  tally c-tests "$out"
else
  bad "C test build"
fi

step "fuzz smoke: ${FUZZ_SECONDS}s of the frame decoders"
if make -C "$FW/test" -s build/fuzz_frame; then
  corpus="$FW/test/build/corpus"
  mkdir -p "$corpus"
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir, out] = process.argv.slice(1);
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".hex"))) {
      const hex = fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter((l) => !l.startsWith("#")).join("").replace(/\s/g, "");
      fs.writeFileSync(path.join(out, "seed-" + f.replace(/\.hex$/, ".bin")), Buffer.from(hex, "hex"));
    }' "$ROOT/test/fixtures/frames" "$corpus"
  if fout="$("$FW/test/build/fuzz_frame" -max_total_time="$FUZZ_SECONDS" -max_len=300 -print_final_stats=1 "$corpus" 2>&1)"; then
    ok "fuzzer: $(grep -Eo 'Done [0-9]+ runs' <<<"$fout" | tail -1), no findings"
  else
    echo "$fout" | tail -40
    bad "fuzzer found a crash (see above; reproducer in $FW/test)"
  fi
else
  bad "fuzzer build (clang with libFuzzer needed: apt libclang-rt-14-dev)"
fi

step "image packer"
if out="$(node "$FW/host/test/check-image.mjs" 2>&1)"; then echo "$out" | grep -v '^ok - ' ; tally images "$out"; else echo "$out"; tally images "$out"; fi

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
