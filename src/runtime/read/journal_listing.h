// SPDX-License-Identifier: Apache-2.0
// runtime/read/journal_listing.h: the journals of a data directory, with their fragment
// files and spools (`flowctl journals list`).
//
// Journals are found from fragment keys (the key up to its `pivot=<hex>` segment, which
// every collection partition journal ends with) and from spool file headers. Every
// fragment file is listed, including smaller ones a larger fragment covers (the index
// hides those from readers). Blocking file I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/fragment.h"

namespace flow::runtime::read {

struct FragmentInfo {
  storage::Fragment fragment;
  std::string path;          ///< key under D/fragments, or the spool file path
  int64_t stored_bytes = 0;  ///< file size (compressed for .gz)
  bool spool = false;        ///< not yet persisted: content in D/spool
};

struct JournalInfo {
  std::string name;
  int64_t begin = 0;                    ///< first offset with content (index begin)
  int64_t end = 0;                      ///< write head
  std::vector<FragmentInfo> fragments;  ///< persisted ones by key, then spools by offset
};

/// Journals of data directory `dir` whose names start with `prefix`, sorted by name.
Result<std::vector<JournalInfo>> ListDataDirJournals(const std::string& dir,
                                                     std::string_view prefix);

}  // namespace flow::runtime::read
