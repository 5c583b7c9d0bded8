// SPDX-License-Identifier: Apache-2.0
// storage/fragment_listing.cc: fragment and journal discovery from store listings.
#include "storage/fragment_listing.h"

#include <algorithm>

#include "base/log.h"
#include "storage/partition.h"

namespace flow::storage {

Result<std::vector<Fragment>> ListJournalFragments(FragmentStore& store, std::string_view journal) {
  std::string prefix(journal);
  prefix.push_back('/');
  FLOW_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, ListAll(store, prefix));
  std::vector<Fragment> out;
  out.reserve(objects.size());
  for (const ObjectInfo& obj : objects) {
    if (!obj.path.empty() && obj.path.back() == '/')
      continue;
    Result<Fragment> f =
        ParseFragmentFromRelativePath(journal, std::string_view(obj.path).substr(prefix.size()));
    if (!f.ok()) {
      FLOW_LOG_DEBUG("skipping {}{}: {}", store.url(), obj.path, f.status().message());
      continue;
    }
    f->mod_time = obj.mod_time;
    f->backing_store = store.url();
    out.push_back(std::move(f).value());
  }
  return out;
}

Result<CoverSet> ListJournalCoverSet(FragmentStore& store, std::string_view journal) {
  FLOW_ASSIGN_OR_RETURN(std::vector<Fragment> fragments, ListJournalFragments(store, journal));
  CoverSet set;
  for (Fragment& f : fragments)
    set.Add(std::move(f));
  return set;
}

Result<std::vector<std::string>> ListCollectionJournals(FragmentStore& store,
                                                        std::string_view collection) {
  std::string prefix(collection);
  prefix.push_back('/');
  FLOW_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, ListAll(store, prefix));
  std::vector<std::string> out;
  for (const ObjectInfo& obj : objects) {
    // The journal is everything up to and including the first `pivot=` segment that
    // makes a valid partition name (a partition field may itself be named "pivot").
    std::string_view rest = std::string_view(obj.path).substr(prefix.size());
    size_t pos = 0;
    while (true) {
      size_t slash = rest.find('/', pos);
      if (slash == std::string_view::npos)
        break;
      std::string_view seg = rest.substr(pos, slash - pos);
      pos = slash + 1;
      if (seg.substr(0, 6) != "pivot=")
        continue;
      std::string_view journal = std::string_view(obj.path).substr(0, prefix.size() + slash);
      if (!out.empty() && out.back() == journal)
        break;
      if (ParsePartitionJournalName(journal, collection).ok()) {
        out.emplace_back(journal);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace flow::storage
