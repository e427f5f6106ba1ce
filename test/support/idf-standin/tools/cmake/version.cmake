# Same shape as ESP-IDF's tools/cmake/version.cmake, read by idfVersion().
set(IDF_VERSION_MAJOR 5)
set(IDF_VERSION_MINOR 4)
set(IDF_VERSION_PATCH 1)

set(ENV{IDF_VERSION} "${IDF_VERSION_MAJOR}.${IDF_VERSION_MINOR}.${IDF_VERSION_PATCH}")
