// Reads a built webpack bundle for the files it can load at run time from its own folder: chunks behind
// dynamic import(), serialport's native prebuilds, WebAssembly modules. The packaging check compares
// them with the VSIX, because a file the bundle loads but the VSIX lacks fails only on the user's machine
// (turn 2: esptool-js's stub chunk was dropped and no installed copy could flash).

/** The platforms VS Code runs on, as node-gyp-build names its prebuild folders. */
export const PREBUILD_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64+arm64', 'win32-x64', 'win32-arm64'];

/**
 * @param {string} source the bundle's text
 * @returns {{ files: string[], prebuildDirs: string[], problems: string[] }} paths relative to the
 *   bundle's folder: `files` must exist as named, each of `prebuildDirs` must hold at least one .node file
 */
export function bundleLoads(source) {
  const files = new Set();
  const problems = [];
  for (const f of chunkFiles(source, problems)) files.add(f);
  // Assets are found by name: the code joins a literal file name to its folder (productPaths).
  for (const m of source.matchAll(/["'`]([\w.+-]+\.wasm)["'`]/g)) files.add(m[1]);
  // node-gyp-build (serialport's loader) looks in <dir>/prebuilds/<platform>-<arch>/; the webpack loader
  // in scripts/webpack points <dir> at the bundle's folder.
  const prebuildDirs = /["']prebuilds["']/.test(source) ? PREBUILD_PLATFORMS.map((p) => `prebuilds/${p}`) : [];
  return { files: [...files].sort(), prebuildDirs, problems };
}

/**
 * The chunk files webpack's runtime can require: `require("./" + __webpack_require__.u(id))` for every id
 * passed to `__webpack_require__.e(id)`. Minified, the runtime is `require("./"+i.u(e))` and `i.e(205)`.
 * A loader we cannot read is a problem, not a pass: the check must fail closed.
 */
function chunkFiles(source, problems) {
  if (!/require\(\s*["']\.\/["']\s*\+/.test(source)) return [];
  const ids = [...source.matchAll(/\.e\(\s*(?:\/\*.*?\*\/\s*)?(\d+|"[^"]+"|'[^']+')\s*\)/g)].map((m) => m[1].replace(/^["']|["']$/g, ''));
  if (ids.length === 0) problems.push('loads webpack chunks, but no chunk id could be read from it');
  // `.u` maps a chunk id to its file name: `t=>t+".js"` (production) or `(chunkId) => { return "" + chunkId + ".js"; }`.
  const u = /\.u\s*=\s*\(?\s*([\w$]+)\s*\)?\s*=>\s*\{?\s*(?:return\s+)?\(?\s*(?:""\s*\+\s*)?([\w$]+)\s*\+\s*"([^"]*)"/.exec(source);
  if (!u || u[1] !== u[2]) {
    problems.push('loads webpack chunks through a chunk file name function this check cannot read');
    return [];
  }
  return [...new Set(ids)].map((id) => `${id}${u[3]}`);
}
