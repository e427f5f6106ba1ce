// Bundles the extension and the CLI into dist/. esptool-js is ESM-only and is bundled in; vscode is
// provided by the editor; serialport's native prebuilds are copied beside the bundle.
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
    rules: [
      { test: /\.ts$/, exclude: /node_modules/, use: [{ loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { sourceMap: true } } }] },
      {
        test: /bindings-cpp[\\/]dist[\\/]serialport-bindings\.js$/,
        use: [{ loader: path.resolve(__dirname, 'scripts/webpack/bindings-beside-bundle-loader.js') }],
      },
    ],
  },
  plugins: [
    // esptool-js loads its stubs with dynamic import(); one file per entry keeps the VSIX simple.
    new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 }),
    new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, include: /^cli\.js$/ }),
    new CopyPlugin({
      patterns: [{ from: 'node_modules/@serialport/bindings-cpp/prebuilds', to: 'prebuilds' }],
    }),
  ],
  devtool: argv.mode === 'production' ? 'hidden-source-map' : 'source-map',
  performance: { hints: false },
  stats: 'errors-warnings',
});
