// SPDX-License-Identifier: Apache-2.0
// storage/fragment_index_test.cc: cover-set rules and index queries (spec §2.5, §2.9).
#include "storage/fragment_index.h"

#include <utility>
#include <vector>

#include <doctest/doctest.h>

namespace flow::storage {
namespace {

using Ranges = std::vector<std::pair<int64_t, int64_t>>;

Fragment F(int64_t begin, int64_t end, int64_t mod_time = 0) {
  Fragment f;
  f.journal = "a/journal";
  f.begin = begin;
  f.end = end;
  f.mod_time = mod_time;
  if (mod_time != 0)
    f.backing_store = "memory://mem/";
  return f;
}

Ranges RangesOf(const CoverSet& set) {
  Ranges out;
  for (const auto& f : set)
    out.emplace_back(f.fragment.begin, f.fragment.end);
  return out;
}

TEST_CASE("cover set: appending and splicing") {
  CoverSet set;
  CHECK(set.Add(F(100, 200)));
  CHECK(set.Add(F(200, 300)));
  CHECK(set.Add(F(201, 301)));  // partial overlap is allowed
  CHECK(RangesOf(set) == Ranges{{100, 200}, {200, 300}, {201, 301}});

  // A larger fragment replaces the run it covers, at the end, in the middle, at the start.
  set = CoverSet();
  for (auto [b, e] : Ranges{{100, 200}, {200, 300}, {300, 400}, {400, 500}})
    set.Add(F(b, e));
  CHECK(set.Add(F(150, 450)));
  CHECK(RangesOf(set) == Ranges{{100, 200}, {150, 450}, {400, 500}});
  CHECK(set.Add(F(150, 500)));
  CHECK(RangesOf(set) == Ranges{{100, 200}, {150, 500}});
  CHECK(set.Add(F(99, 200)));
  CHECK(RangesOf(set) == Ranges{{99, 200}, {150, 500}});
  CHECK(set.Add(F(0, 600)));
  CHECK(RangesOf(set) == Ranges{{0, 600}});

  // Replacing exactly one member, sharing its begin or its end.
  set = CoverSet();
  set.Add(F(100, 200));
  set.Add(F(200, 300));
  CHECK(set.Add(F(200, 301)));
  CHECK(RangesOf(set) == Ranges{{100, 200}, {200, 301}});
  CHECK(set.Add(F(199, 301)));
  CHECK(RangesOf(set) == Ranges{{100, 200}, {199, 301}});

  // Inserting between members, exactly adjacent or with gaps.
  set = CoverSet();
  set.Add(F(100, 200));
  set.Add(F(300, 400));
  CHECK(set.Add(F(201, 299)));
  CHECK(set.Add(F(0, 50)));
  CHECK(RangesOf(set) == Ranges{{0, 50}, {100, 200}, {201, 299}, {300, 400}});
}

TEST_CASE("cover set: covered fragments are dropped, identical ones replace, empty ignored") {
  CoverSet set;
  set.Add(F(100, 200));
  set.Add(F(200, 300));
  set.Add(F(300, 400));
  CHECK_FALSE(set.Add(F(101, 200)));
  CHECK_FALSE(set.Add(F(100, 199)));
  CHECK_FALSE(set.Add(F(201, 300)));
  CHECK_FALSE(set.Add(F(250, 260)));
  CHECK_FALSE(set.Add(F(150, 150)));
  CHECK_FALSE(set.Add(F(500, 500)));
  Fragment replacement = F(200, 300, 12345);
  CHECK(set.Add(replacement));
  CHECK(RangesOf(set) == Ranges{{100, 200}, {200, 300}, {300, 400}});
  CHECK(set[1].fragment.mod_time == 12345);
}

TEST_CASE("cover set: overlapping races keep the larger fragments") {
  CoverSet set;
  for (auto [b, e] : Ranges{{100, 150},
                            {149, 201},
                            {200, 250},
                            {250, 300},
                            {299, 351},
                            {350, 400},
                            {200, 300},
                            {300, 400},
                            {100, 200}}) {
    CHECK(set.Add(F(b, e)));
  }
  CHECK(RangesOf(set) == Ranges{{100, 200}, {149, 201}, {200, 300}, {299, 351}, {300, 400}});
  // Begins and ends strictly increase; nothing is covered by another member.
  for (size_t i = 1; i < set.size(); ++i) {
    CHECK(set[i - 1].fragment.begin < set[i].fragment.begin);
    CHECK(set[i - 1].fragment.end < set[i].fragment.end);
  }
}

TEST_CASE("cover set: the lookup prefers the most content after the offset") {
  CoverSet set;
  for (auto [b, e] : Ranges{{100, 200}, {149, 201}, {200, 300}, {299, 351}, {300, 400}, {500, 600}})
    set.Add(F(b, e));
  struct Case {
    int64_t offset;
    bool found;
    size_t ind;
  };
  for (Case c :
       {Case{0, false, 0}, Case{100, true, 0}, Case{148, true, 0}, Case{149, true, 1},
        Case{199, true, 1}, Case{200, true, 2}, Case{298, true, 2}, Case{299, true, 3},
        Case{300, true, 4}, Case{350, true, 4}, Case{399, true, 4}, Case{400, false, 5},
        Case{499, false, 5}, Case{500, true, 5}, Case{599, true, 5}, Case{600, false, 6}}) {
    auto [ind, found] = set.LongestOverlapping(c.offset);
    CHECK_MESSAGE(found == c.found, c.offset);
    CHECK_MESSAGE(ind == c.ind, c.offset);
  }
  CHECK(set.BeginOffset() == 100);
  CHECK(set.EndOffset() == 600);
  CHECK(CoverSet().BeginOffset() == 0);
  CHECK(CoverSet().EndOffset() == 0);
}

TEST_CASE("cover set: difference treats contiguous coverage as covering") {
  CoverSet a, b;
  for (auto [x, y] : Ranges{{100, 200}, {150, 225}, {225, 250}, {250, 300}, {301, 400}})
    b.Add(F(x, y));
  for (auto [x, y] : Ranges{{99, 105},
                            {100, 110},
                            {110, 120},
                            {130, 210},
                            {150, 225},
                            {151, 300},
                            {152, 301},
                            {300, 350},
                            {301, 360},
                            {360, 401},
                            {400, 450}})
    a.Add(F(x, y));
  CHECK(RangesOf(CoverSetDifference(a, b)) ==
        Ranges{{99, 105}, {152, 301}, {300, 350}, {360, 401}, {400, 450}});
}

TEST_CASE("index: queries, write head, and reading at -1") {
  FragmentIndex index;
  index.ReplaceRemote([] {
    CoverSet s;
    s.Add(F(0, 100, 1000));
    s.Add(F(100, 200, 1000));
    return s;
  }());
  auto q = index.Query(150, 2000);
  CHECK(q.found);
  CHECK(q.offset == 150);
  CHECK(q.write_head == 200);
  CHECK(q.fragment.fragment.begin == 100);
  q = index.Query(-1, 2000);
  CHECK_FALSE(q.found);  // the write head is not readable yet
  CHECK(q.offset == 200);
  q = index.Query(250, 2000);
  CHECK_FALSE(q.found);
  CHECK(q.write_head == 200);
}

TEST_CASE("index: offset jumps over gaps only when safe") {
  const int64_t now = 100000;
  FragmentIndex index;
  CoverSet remote;
  remote.Add(F(100, 200, now - 10));                         // fresh
  remote.Add(F(300, 400, now - kOffsetJumpAgeSeconds - 1));  // old
  remote.Add(F(500, 600, now - 10));                         // fresh
  index.ReplaceRemote(remote);

  // Before the first fragment: jump regardless of age.
  auto q = index.Query(0, now);
  CHECK(q.found);
  CHECK(q.offset == 100);
  // A gap before an old fragment: jump.
  q = index.Query(250, now);
  CHECK(q.found);
  CHECK(q.offset == 300);
  // A gap before a recent fragment may still be filled by an upload in flight: wait.
  q = index.Query(450, now);
  CHECK_FALSE(q.found);
  CHECK(q.offset == 450);

  // Local (unpersisted) fragments never justify a jump.
  FragmentIndex local_only;
  local_only.AddLocal(F(100, 200), nullptr);
  CHECK_FALSE(local_only.Query(0, now).found);
}

TEST_CASE("index: begin_mod_time skips older persisted fragments") {
  FragmentIndex index;
  CoverSet remote;
  remote.Add(F(0, 100, 1000));
  remote.Add(F(100, 200, 2000));
  remote.Add(F(200, 300, 3000));
  index.ReplaceRemote(remote);
  auto q = index.Query(0, 4000, 2500);
  CHECK(q.found);
  CHECK(q.offset == 200);
  CHECK(q.fragment.fragment.mod_time == 3000);
}

TEST_CASE("index: local fragments grow, then persisted ones replace them") {
  FragmentIndex index;
  index.AddLocal(F(0, 10), nullptr);
  index.AddLocal(F(0, 25), nullptr);  // the spool grew
  CHECK(RangesOf(index.set()) == Ranges{{0, 25}});
  CHECK(RangesOf(index.local()) == Ranges{{0, 25}});
  index.AddLocal(F(25, 40), nullptr);  // the next spool
  index.AddRemote(F(0, 25, 1000));
  CHECK(RangesOf(index.set()) == Ranges{{0, 25}, {25, 40}});
  CHECK(RangesOf(index.local()) == Ranges{{25, 40}});
  CHECK(index.set()[0].fragment.mod_time == 1000);
  CHECK(index.EndOffset() == 40);

  // A full refresh keeps local fragments the listing does not cover yet.
  CoverSet listing;
  listing.Add(F(0, 25, 1000));
  index.ReplaceRemote(listing);
  CHECK(RangesOf(index.set()) == Ranges{{0, 25}, {25, 40}});
  listing.Add(F(25, 40, 1001));
  index.ReplaceRemote(listing);
  CHECK(index.local().empty());
  CHECK(index.set()[1].fragment.mod_time == 1001);
}

}  // namespace
}  // namespace flow::storage
