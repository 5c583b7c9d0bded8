// SPDX-License-Identifier: Apache-2.0
// storage/fragment_listing.h: finding a journal's fragments (and a collection's
// journals) in a FragmentStore by listing keys (spec §2.4).
//
// Listing is recursive under `<journal>/` with no delimiter; keys ending in '/' are
// skipped, and keys that do not parse as fragment names (temporary files, health
// checks, other tools' files) are logged at debug level and skipped, never fatal.
// Blocking (store I/O); call off the loop thread. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/fragment.h"
#include "storage/fragment_index.h"
#include "storage/fragment_store.h"

namespace flow::storage {

/// Every fragment stored for `journal`, in listing (key) order, with mod_time and
/// backing_store set from the listing and the store.
Result<std::vector<Fragment>> ListJournalFragments(FragmentStore& store, std::string_view journal);

/// The same, folded into a CoverSet (what an index refresh uses).
Result<CoverSet> ListJournalCoverSet(FragmentStore& store, std::string_view journal);

/// Names of the partition journals of `collection` that have at least one fragment in
/// the store: keys `<collection>/(<field>=<value>/)*pivot=<hex>/...` whose journal part
/// parses with ParsePartitionJournalName. Sorted, unique. Keys of other collections that
/// share the prefix (`<collection>/sub/...`) are ignored.
Result<std::vector<std::string>> ListCollectionJournals(FragmentStore& store,
                                                        std::string_view collection);

}  // namespace flow::storage
