// serialport's bindings look for their native prebuilds in `<package>/prebuilds`. In the bundle there is
// no package folder: the prebuilds are copied to dist/prebuilds, beside the bundle, and this loader
// points the lookup there. It fails the build if the code it patches ever changes shape.
module.exports = function bindingsBesideBundle(source) {
  const pattern = /\(0, path_1\.join\)\(__dirname, '\.\.\/'\)/;
  if (!pattern.test(source)) {
    throw new Error('bindings-beside-bundle-loader: @serialport/bindings-cpp changed how it finds its prebuilds; update the loader.');
  }
  return source.replace(pattern, '__dirname');
};
