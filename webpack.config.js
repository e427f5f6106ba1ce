// Bundles the extension and the CLI into dist/. esptool-js is ESM-only and is bundled in; vscode is
// provided by the editor; serialport's native prebuilds and the virtual boards' WebAssembly firmware
// (built by `make -C firmware/wasm` before webpack runs, see package.json) are copied beside the bundle.
const path = require('node:path');
const webpack = require('webpack');
const CopyPlugin = require('copy-webpack-plugin');

/** @type {(env: unknown, argv: { mode?: string }) => import('webpack').Configuration} */
module.exports = (_env, argv) => ({
  target: 'node20',
  mode: argv.mode ?? 'none',
  entry: {
    extension: './extension/src/extension.ts',
    cli: './extension/src/cli/main.ts',
  },
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: '[name].js',
    libraryTarget: 'commonjs2',
    clean: true,
  },
  // Keep the real __dirname (dist/) so the prebuilds beside the bundle are found.
  node: { __dirname: false, __filename: false },
  externals: { vscode: 'commonjs vscode' },
  resolve: { extensions: ['.ts', '.js'], conditionNames: ['node', 'import', 'require', 'default'] },
  module: {
    // esptool-js loads its stubs with dynamic import(). 'eager' folds those modules into the importing
    // bundle, so no chunk file exists for packaging to forget (LimitChunkCountPlugin counts per entry
    // and still left a chunk shared by both entries, which the VSIX then lacked).
    parser: { javascript: { dynamicImportMode: 'eager' } },
    rules: [
      { test: /\.ts$/, exclude: /node_modules/, use: [{ loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { sourceMap: true } } }] },
      {
        test: /bindings-cpp[\\/]dist[\\/]serialport-bindings\.js$/,
        use: [{ loader: path.resolve(__dirname, 'scripts/webpack/bindings-beside-bundle-loader.js') }],
      },
    ],
  },
  plugins: [
    new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, include: /^cli\.js$/ }),
    new CopyPlugin({
      patterns: [
        { from: 'node_modules/@serialport/bindings-cpp/prebuilds', to: 'prebuilds' },
        { from: 'firmware/wasm/build/espnow_prov.wasm', to: 'espnow_prov.wasm' },
      ],
    }),
  ],
  devtool: argv.mode === 'production' ? 'hidden-source-map' : 'source-map',
  performance: { hints: false },
  stats: 'errors-warnings',
});
