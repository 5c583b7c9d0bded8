// SPDX-License-Identifier: Apache-2.0
// tests/fuzz/replay_main.cc: runs a fuzz target over corpus files, without libFuzzer.
//
// Linked into every fuzz target in normal builds so the targets compile on every build
// and their checked-in corpus (testdata/fuzz/<target>/) runs as a test. Each argument is
// a file or a directory whose regular files run in name order. A failing input aborts
// (FLOW_CHECK or a sanitizer report) after "running <path>" names it on stderr.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "base/file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::string> files;
      for (const auto& entry : std::filesystem::directory_iterator(arg, ec)) {
        if (entry.is_regular_file(ec))
          files.push_back(entry.path().string());
      }
      if (ec) {
        std::fprintf(stderr, "%s: %s\n", argv[i], ec.message().c_str());
        return 1;
      }
      std::sort(files.begin(), files.end());
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else {
      inputs.push_back(arg.string());
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "no corpus inputs found\n");
    return 1;
  }
  for (const std::string& path : inputs) {
    auto data = flow::ReadFile(path);
    if (!data.ok()) {
      std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "running %s\n", path.c_str());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data->data()), data->size());
  }
  std::printf("%zu inputs ran\n", inputs.size());
  return 0;
}
