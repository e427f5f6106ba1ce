/**
 * The environment a build's child processes (bash, export.sh, idf.py, cmake, ninja, compilers) get: what
 * ESP-IDF needs, nothing else. The editor's and the CLI's environment can hold secrets (the CLI takes
 * ESPNOW_WIFI_PASSWORD and ESPNOW_PAIR_KEY from it; a shell may export tokens), and every child, including
 * any script an ESP-IDF component runs, would inherit them. The build gets its secrets from the 0600
 * sdkconfig fragment only.
 */

/** Exact names passed through (Unix and Windows spellings). */
const NAMES = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TMP', 'TEMP',
  // Proxies and certificates: the component manager downloads components.
  'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE',
  // macOS toolchains.
  'DEVELOPER_DIR', 'SDKROOT',
  // Windows.
  'SystemRoot', 'SYSTEMROOT', 'windir', 'WINDIR', 'ComSpec', 'COMSPEC', 'PATHEXT', 'Path', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
  'ProgramData', 'ProgramFiles', 'ProgramFiles(x86)', 'HOMEDRIVE', 'HOMEPATH', 'NUMBER_OF_PROCESSORS', 'PROCESSOR_ARCHITECTURE', 'OS',
]);

/** Name prefixes passed through: ESP-IDF's own (IDF_TOOLS_PATH, IDF_PYTHON_ENV_PATH, IDF_CCACHE_ENABLE, ESP_ROM_ELF_DIR...), locale, Python, ccache. */
const PREFIXES = ['IDF_', 'ESP_', 'LC_', 'PYTHON', 'VIRTUAL_ENV', 'CONDA_', 'PIP_', 'CCACHE_', 'XDG_'];

/**
 * `env` cut down to what a build needs, with `set` on top. A variable whose value holds one of `secrets`
 * is dropped whatever its name (a user's `export WIFI_PASS=...` in a shell profile).
 */
export function buildChildEnv(env: NodeJS.ProcessEnv, secrets: readonly string[], set: Record<string, string> = {}): NodeJS.ProcessEnv {
  const needles = secrets.filter((s) => s.length >= 4).flatMap((s) => [s, s.toLowerCase(), s.toUpperCase()]);
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (!NAMES.has(name) && !PREFIXES.some((p) => name.startsWith(p))) continue;
    if (needles.some((n) => value.includes(n))) continue;
    out[name] = value;
  }
  return { ...out, ...set };
}
