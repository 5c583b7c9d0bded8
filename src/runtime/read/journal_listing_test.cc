// SPDX-License-Identifier: Apache-2.0
// runtime/read/journal_listing_test.cc: journals of a data directory, persisted and spooled.
#include "runtime/read/journal_listing.h"

#include <doctest/doctest.h>

#include "base/file.h"
#include "runtime/publish/ingest.h"
#include "runtime/publish/test_catalog.h"

namespace flow::runtime::read {
namespace {

TEST_CASE("journal listing: fragments, spools, offsets and prefixes") {
  publish::testing::RidesFixture fx;
  auto tmp = ScopedTempDir::Create();
  REQUIRE(tmp.ok());
  const std::string dir = tmp->Join("d");
  {
    auto in = publish::Ingester::Open(*fx.rides, dir, {});
    REQUIRE(in.ok());
    REQUIRE((*in)->Consume(R"({"id":1,"region":"eu","vip":false})", 1).ok());
    REQUIRE((*in)->Consume(R"({"id":2,"region":"us","vip":true})", 2).ok());
    REQUIRE((*in)->Commit().ok());
    REQUIRE((*in)->Close().ok());
  }
  {
    // A second run leaves its transaction in the spool (killed before closing).
    auto in = publish::Ingester::Open(*fx.rides, dir, {});
    REQUIRE(in.ok());
    REQUIRE((*in)->Consume(R"({"id":3,"region":"eu","vip":false})", 1).ok());
    REQUIRE((*in)->Commit().ok());
  }
  auto all = ListDataDirJournals(dir, "");
  REQUIRE_MESSAGE(all.ok(), all.status().ToString());
  REQUIRE(all->size() == 2);
  const JournalInfo& eu = (*all)[0];
  CHECK(eu.name == "acmeCo/rides/region=eu/vip=false/pivot=00");
  CHECK(eu.begin == 0);
  bool persisted = false, spooled = false;
  int64_t covered = 0;
  for (const FragmentInfo& f : eu.fragments) {
    if (f.spool) {
      spooled = true;
      CHECK(f.path.find(dir + "/spool/") == 0);
    } else {
      persisted = true;
      CHECK(f.path.ends_with(".gz"));
      CHECK(f.path.find("utc_date=") != std::string::npos);
      CHECK(f.stored_bytes > 0);
    }
    covered = std::max(covered, f.fragment.end);
  }
  CHECK(persisted);
  CHECK(spooled);
  CHECK(covered == eu.end);
  CHECK((*all)[1].name == "acmeCo/rides/region=us/vip=true/pivot=00");
  auto us = ListDataDirJournals(dir, "acmeCo/rides/region=us");
  REQUIRE(us.ok());
  REQUIRE(us->size() == 1);
  CHECK(ListDataDirJournals(dir, "nothing/")->empty());
}

}  // namespace
}  // namespace flow::runtime::read
