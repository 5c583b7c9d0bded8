// SPDX-License-Identifier: Apache-2.0
// runtime/read/journal_listing.cc: journals, fragments and spools of a data directory.
#include "runtime/read/journal_listing.h"

#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "base/log.h"
#include "storage/journal.h"
#include "storage/journal_name.h"
#include "storage/local_dir_store.h"
#include "storage/spool_dir.h"

namespace flow::runtime::read {
namespace {

bool IsPivotSegment(std::string_view seg) {
  if (seg.substr(0, 6) != "pivot=" || seg.size() < 8)
    return false;
  return seg.substr(6).find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The journal part of a fragment key: through its first `pivot=<hex>` segment.
std::string_view JournalOfKey(std::string_view key) {
  size_t pos = 0;
  while (true) {
    size_t slash = key.find('/', pos);
    if (slash == std::string_view::npos)
      return {};
    if (IsPivotSegment(key.substr(pos, slash - pos)))
      return key.substr(0, slash);
    pos = slash + 1;
  }
}

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

}  // namespace

Result<std::vector<JournalInfo>> ListDataDirJournals(const std::string& dir,
                                                     std::string_view prefix) {
  FLOW_ASSIGN_OR_RETURN(std::unique_ptr<storage::LocalDirStore> store,
                        storage::LocalDirStore::Open(dir + "/fragments"));
  const std::string spool_dir = dir + "/spool";
  FLOW_ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects, storage::ListAll(*store, prefix));
  std::vector<std::string> names;
  for (const storage::ObjectInfo& obj : objects) {
    std::string_view journal = JournalOfKey(obj.path);
    if (!journal.empty() && storage::ValidateJournalName(journal).ok() &&
        (names.empty() || names.back() != journal)) {
      names.emplace_back(journal);
    }
  }
  FLOW_ASSIGN_OR_RETURN(std::vector<std::string> spooled, storage::ListSpooledJournals(spool_dir));
  for (std::string& name : spooled) {
    if (std::string_view(name).substr(0, prefix.size()) == prefix)
      names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());

  std::vector<JournalInfo> out;
  for (const std::string& name : names) {
    JournalInfo info;
    info.name = name;
    FLOW_ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> files,
                          storage::ListAll(*store, name + "/"));
    for (const storage::ObjectInfo& obj : files) {
      Result<storage::Fragment> f = storage::ParseFragmentFromRelativePath(
          name, std::string_view(obj.path).substr(name.size() + 1));
      if (!f.ok())
        continue;  // temp files and strangers
      f->mod_time = obj.mod_time;
      f->backing_store = store->url();
      info.fragments.push_back(FragmentInfo{std::move(f).value(), obj.path, obj.size, false});
    }
    FLOW_ASSIGN_OR_RETURN(storage::FragmentIndex index,
                          storage::LoadJournalIndex(*store, spool_dir, name));
    FLOW_ASSIGN_OR_RETURN(storage::SpoolFiles spools, storage::FindSpoolFiles(spool_dir, name));
    for (const storage::IndexedFragment& local : index.local()) {
      FragmentInfo fi;
      fi.fragment = local.fragment;
      fi.spool = true;
      // Sealed spools carry their begin offset in their names; the rest is the active one.
      const std::string sealed_suffix = fmt::format(".{:016x}.sealed", local.fragment.begin);
      for (const std::string& p : spools.sealed) {
        if (p.ends_with(sealed_suffix))
          fi.path = p;
      }
      if (fi.path.empty())
        fi.path = spools.active;
      fi.stored_bytes = fi.path.empty() ? 0 : FileSize(fi.path);
      info.fragments.push_back(std::move(fi));
    }
    info.begin = index.BeginOffset();
    info.end = index.EndOffset();
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace flow::runtime::read
