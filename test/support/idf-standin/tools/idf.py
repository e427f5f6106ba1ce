#!/usr/bin/env bash
# Stand-in for ESP-IDF's idf.py (see ../README.md): same command line for what the extension calls,
# strict about it, and a real image set out of the product's image writer (tools/pack-image.ts).
set -euo pipefail

die() { echo "idf.py (stand-in): $*" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"

[ -n "${IDF_STANDIN_ARGS_LOG:-}" ] && printf '%s\n' "$@" > "$IDF_STANDIN_ARGS_LOG"
[ -n "${IDF_PATH:-}" ] || die "IDF_PATH is not set (source export.sh first)"
[ "$(cd "$IDF_PATH" && pwd)/tools" = "$here" ] || die "IDF_PATH ($IDF_PATH) does not match this idf.py"

project="$PWD"; build=""; sdkconfig=""; defaults=""; target=""; actions=()
while [ $# -gt 0 ]; do
  case "$1" in
    -C) [ $# -ge 2 ] || die "-C needs a folder"; project="$2"; shift 2 ;;
    -B) [ $# -ge 2 ] || die "-B needs a folder"; build="$2"; shift 2 ;;
    -D) [ $# -ge 2 ] || die "-D needs NAME=VALUE"; def="$2"; shift 2 ;&
    -D?*) [ -n "${def:-}" ] || { def="${1#-D}"; shift; }
      case "$def" in
        SDKCONFIG=*) sdkconfig="${def#SDKCONFIG=}" ;;
        SDKCONFIG_DEFAULTS=*) defaults="${def#SDKCONFIG_DEFAULTS=}" ;;
        IDF_TARGET=*) target="${def#IDF_TARGET=}" ;;
        *=*) ;;
        *) die "-D $def is not NAME=VALUE" ;;
      esac
      def="" ;;
    -*) die "unsupported option $1" ;;
    *) actions+=("$1"); shift ;;
  esac
done

[ -f "$project/CMakeLists.txt" ] || die "$project is not an ESP-IDF project (no CMakeLists.txt)"
project="$(cd "$project" && pwd)"
build="${build:-$project/build}"
sdkconfig="${sdkconfig:-$project/sdkconfig}"
[ -n "$defaults" ] || { [ -f "$project/sdkconfig.defaults" ] && defaults="$project/sdkconfig.defaults"; }

for a in "${actions[@]}"; do
  case "$a" in
    set-target) ;;
    build|all) ;;
    *) [ "${prev:-}" = set-target ] || die "unsupported action $a" ;;
  esac
  [ "${prev:-}" = set-target ] && target="$a"
  prev="$a"
done
case " ${actions[*]} " in *" set-target "*)
  # Real set-target runs fullclean, which refuses a non-empty folder that is not a CMake build folder.
  if [ -d "$build" ] && [ -n "$(ls -A "$build")" ] && [ ! -f "$build/CMakeCache.txt" ]; then
    echo "Adding \"set-target\"'s dependency \"fullclean\" to list of commands with default set of options."
    die "Directory '$build' doesn't seem to be a CMake build directory. Refusing to automatically delete files in this directory. Delete the directory manually to 'clean' it."
  fi ;;
esac
case " ${actions[*]} " in *" build "*|*" all "*) ;; *) die "nothing to do: expected the build action (got: ${actions[*]:-none})" ;; esac
target="${target:-${IDF_TARGET:-esp32}}"
if [ -n "${IDF_TARGET:-}" ] && [ "$IDF_TARGET" != "$target" ]; then
  die "IDF_TARGET in the environment ($IDF_TARGET) does not match the requested target ($target)"
fi
case "$target" in esp32|esp32s3|esp32c3) ;; *) die "target $target is not supported by the stand-in" ;; esac

echo "Executing action: all (aliases: build)"
echo "Running cmake in directory $build"
echo "Executing \"cmake -G Ninja -DPYTHON_DEPS_CHECKED=1 -DESP_PLATFORM=1 -DIDF_TARGET=$target -DSDKCONFIG='$sdkconfig' -DCCACHE_ENABLE=1 $project\"..."
echo "-- Building ESP-IDF components for target $target"

# Kconfig merge: every defaults file in order, a later value replacing an earlier one in place.
declare -A value=(); order=()
IFS=';' read -r -a files <<< "$defaults"
for f in "${files[@]}"; do
  [ -n "$f" ] || continue
  case "$f" in /*) ;; *) f="$project/$f" ;; esac
  [ -f "$f" ] || die "sdkconfig defaults file $f not found"
  echo "-- Adding \"$(basename "$f")\" to sdkconfig defaults"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      CONFIG_*=*) name="${line%%=*}"; v="${line#*=}" ;;
      "# CONFIG_"*" is not set") name="${line#\# }"; name="${name%% *}"; v="n" ;;
      *) continue ;;
    esac
    [ -n "${value[$name]+x}" ] || order+=("$name")
    value[$name]="$v"
  done < "$f"
done
# ESP-IDF 5.x's component manager writes dependencies.lock into the project at every configure: the
# project folder must be writable, which is why builders work on a copy of the installed project.
printf 'dependencies:\n  idf:\n    source:\n      type: idf\n    version: 5.4.1\ndirect_dependencies:\n- idf\ntarget: %s\nversion: 2.0.0\n' "$target" \
  > "$project/dependencies.lock" || die "cannot write $project/dependencies.lock (the project folder is read-only)"
mkdir -p "$build"
umask 077
{
  echo "# Automatically generated file. DO NOT EDIT."
  echo "# Espressif IoT Development Framework (ESP-IDF) 5.4.1 Project Configuration (stand-in)"
  echo "CONFIG_IDF_TARGET=\"$target\""
  for name in "${order[@]}"; do
    if [ "${value[$name]}" = n ]; then echo "# $name is not set"; else echo "$name=${value[$name]}"; fi
  done
} > "$sdkconfig"
: > "$build/CMakeCache.txt"
echo "-- Configuring done"
echo "-- Generating done"
echo "-- Build files have been written to: $build"

if [ -n "${IDF_STANDIN_ECHO_CONFIG:-}" ]; then cat "$sdkconfig"; fi
if [ -n "${IDF_STANDIN_HANG:-}" ]; then
  echo "[1/1024] Building C object esp-idf/main/CMakeFiles/__idf_main.dir/espnow_prov_main.c.obj"
  sleep 300 &
  [ -n "${IDF_STANDIN_PIDFILE:-}" ] && echo "$!" > "$IDF_STANDIN_PIDFILE"
  wait
fi
if [ -n "${IDF_STANDIN_FAIL:-}" ]; then
  for i in $(seq 1 30); do echo "[$i/1024] Building C object esp-idf/noise/CMakeFiles/__idf_noise.dir/file$i.c.obj"; done
  echo "$project/main/espnow_prov_main.c:42:5: error: 'esp_now_bogus' undeclared (first use in this function)" >&2
  echo "ninja: build stopped: subcommand failed." >&2
  echo "ninja failed with exit code 1, output of the command is in the $build/log/idf_py_stderr_output_1234 and $build/log/idf_py_stdout_output_1234" >&2
  exit 2
fi

echo "[1023/1024] Generating binary image from built executable"
"${IDF_STANDIN_NODE:-node}" --import "$repo/node_modules/tsx/dist/loader.mjs" "$repo/test/support/idf-standin/tools/pack-image.ts" --target "$target" --sdkconfig "$sdkconfig" --out "$build" > /dev/null
echo "Project build complete. To flash, run:"
echo " idf.py flash"
