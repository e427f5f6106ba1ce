# Stand-in for ESP-IDF's export.sh (sourced, like the real one): checks IDF_PATH and puts tools/ (where
# the fake idf.py lives) on PATH. Tests make it fail with IDF_STANDIN_EXPORT_FAIL=1, as a real one does
# when install.sh was never run.
if [ -z "$IDF_PATH" ] || [ ! -f "$IDF_PATH/tools/idf.py" ]; then
  echo "IDF_PATH is not set or does not hold tools/idf.py" >&2
  return 1
fi
if [ -n "$IDF_STANDIN_EXPORT_FAIL" ]; then
  echo "ERROR: tool xtensa-esp-elf has no installed versions. Please run '$IDF_PATH/install.sh' to install it." >&2
  return 1
fi
echo "Adding ESP-IDF tools to PATH..."
export PATH="$IDF_PATH/tools:$PATH"
export IDF_PYTHON_ENV_PATH="$IDF_PATH/.standin-python-env"
echo "Done! You can now compile ESP-IDF projects."
