// Loads the packaged bundle (dist/extension.js) and calls activate() with a stand-in for the 'vscode'
// module: every property is a callable that returns another stand-in. It times what the extension itself
// does at activation (module load, composition root); VS Code's own share (extension host start, the
// real API) is not in it. Prints {loadMs, activateMs} or {error}.
const Module = require('node:module');
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');

function stub(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, key) {
      // Every stand-in is also a promise of undefined: `showErrorMessage(...).then(...)`, `await ...` work.
      if (key === 'then') return (ok, fail) => Promise.resolve(undefined).then(ok, fail);
      if (key === Symbol.toPrimitive) return () => 0;
      if (key === Symbol.iterator) return function* () {};
      if (key === 'fsPath') return fs.mkdtempSync(path.join(os.tmpdir(), 'bench-activate-'));
      return stub(`${name}.${String(key)}`);
    },
    apply(_t, _this, args) {
      if (name.endsWith('.get')) return args[1];
      return stub(`${name}()`);
    },
    set() {
      return true;
    },
    defineProperty() {
      return true;
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

const vscode = stub('vscode');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const bundle = path.resolve(__dirname, '../../dist/extension.js');
try {
  let t = performance.now();
  const ext = require(bundle);
  const loadMs = performance.now() - t;
  t = performance.now();
  const context = stub('context');
  ext.activate(context);
  const activateMs = performance.now() - t;
  process.stdout.write(JSON.stringify({ loadMs, activateMs }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
}
process.exit(0);
