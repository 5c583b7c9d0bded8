// SPDX-License-Identifier: Apache-2.0
// storage/fragment_store_test.cc: one conformance suite run against every FragmentStore,
// plus LocalDirStore's file-system specifics.
#include "storage/fragment_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "base/file.h"
#include "storage/local_dir_store.h"
#include "storage/mem_store.h"

namespace flow::storage {
namespace {

// Runs `body` against a fresh MemStore and a fresh LocalDirStore.
void ForEachStore(const std::function<void(FragmentStore&)>& body) {
  {
    INFO("MemStore");
    MemStore mem;
    body(mem);
  }
  {
    INFO("LocalDirStore");
    auto tmp = ScopedTempDir::Create("storage-test-");
    REQUIRE(tmp.ok());
    auto local = LocalDirStore::Open(tmp->Join("fragments"));
    REQUIRE(local.ok());
    body(**local);
  }
}

std::vector<std::string> Paths(const std::vector<ObjectInfo>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects)
    out.push_back(o.path);
  return out;
}

TEST_CASE("store: put, get, stat, replace, delete") {
  ForEachStore([](FragmentStore& store) {
    CHECK(store.Get("a/b.gz").status().Is(Code::kNotFound));
    CHECK(store.Stat("a/b.gz").status().Is(Code::kNotFound));
    CHECK_FALSE(*Exists(store, "a/b.gz"));
    REQUIRE(store.Put("a/b.gz", "hello").ok());
    CHECK(*store.Get("a/b.gz") == "hello");
    CHECK(*Exists(store, "a/b.gz"));
    auto info = store.Stat("a/b.gz");
    REQUIRE(info.ok());
    CHECK(info->path == "a/b.gz");
    CHECK(info->size == 5);
    CHECK(info->mod_time > 1'600'000'000);
    REQUIRE(store.Put("a/b.gz", "replaced!").ok());
    CHECK(*store.Get("a/b.gz") == "replaced!");
    REQUIRE(store.Put("empty", "").ok());
    auto tmp = ScopedTempDir::Create("put-file-");
    REQUIRE(tmp.ok());
    REQUIRE(WriteFileAtomic(tmp->Join("local"), "from a file").ok());
    REQUIRE(store.PutFile("c/from-file", tmp->Join("local")).ok());
    CHECK(*store.Get("c/from-file") == "from a file");
    CHECK(store.PutFile("c/x", tmp->Join("missing")).Is(Code::kNotFound));
    CHECK(*store.Get("empty") == "");
    CHECK(store.Delete("a/b.gz").ok());
    CHECK(store.Get("a/b.gz").status().Is(Code::kNotFound));
    CHECK(store.Delete("a/b.gz").ok());  // deleting a missing object is fine
    CHECK(store.Delete("never/was").ok());
    // A "directory" is not an object.
    REQUIRE(store.Put("dir/sub/x", "x").ok());
    CHECK(store.Get("dir/sub").status().Is(Code::kNotFound));
  });
}

TEST_CASE("store: ranged reads") {
  ForEachStore([](FragmentStore& store) {
    REQUIRE(store.Put("obj", "0123456789").ok());
    CHECK(*store.GetRange("obj", 0, 3) == "012");
    CHECK(*store.GetRange("obj", 7, 100) == "789");
    CHECK(*store.GetRange("obj", 10, 5) == "");
    CHECK(*store.GetRange("obj", 4, 0) == "");
    CHECK(store.GetRange("obj", 11, 1).status().Is(Code::kInvalidArgument));
    CHECK(store.GetRange("obj", -1, 1).status().Is(Code::kInvalidArgument));
    CHECK(store.GetRange("obj", 0, -1).status().Is(Code::kInvalidArgument));
    CHECK(store.GetRange("missing", 0, 1).status().Is(Code::kNotFound));
  });
}

TEST_CASE("store: listing is flat, ordered, by byte prefix, and paginates") {
  ForEachStore([](FragmentStore& store) {
    const std::vector<std::string> keys = {
        "coll/a=1/pivot=00/utc_date=2024-05-01/utc_hour=13/f1.gz",
        "coll/a=1/pivot=00/utc_date=2024-05-01/utc_hour=14/f2.gz",
        "coll/a=10/pivot=00/f3.gz",
        "coll/a=2/pivot=00/f4.gz",
        "coll/b/pivot=00/f5.gz",
        "coll2/pivot=00/f6.gz",
        "other/x"};
    for (auto it = keys.rbegin(); it != keys.rend(); ++it)
      REQUIRE(store.Put(*it, *it).ok());

    auto all = ListAll(store, "");
    REQUIRE(all.ok());
    CHECK(Paths(*all) == keys);
    CHECK((*all)[0].size == static_cast<int64_t>(keys[0].size()));

    CHECK(Paths(*ListAll(store, "coll/")) ==
          std::vector<std::string>(keys.begin(), keys.begin() + 5));
    // A byte prefix, not a directory: "coll/a=1" also matches "coll/a=10/...".
    CHECK(Paths(*ListAll(store, "coll/a=1")) ==
          std::vector<std::string>(keys.begin(), keys.begin() + 3));
    CHECK(Paths(*ListAll(store, "coll/a=1/")) ==
          std::vector<std::string>(keys.begin(), keys.begin() + 2));
    CHECK(ListAll(store, "nothing/here/")->empty());
    CHECK(ListAll(store, "coll/b/pivot=00/f5.gz")->size() == 1);

    // Pages of two cover everything exactly once, in order.
    std::vector<std::string> paged;
    std::string token;
    int pages = 0;
    do {
      auto page = store.List("coll", token, 2);
      REQUIRE(page.ok());
      CHECK(page->objects.size() <= 2);
      for (auto& o : page->objects)
        paged.push_back(o.path);
      token = page->next_page_token;
      ++pages;
    } while (!token.empty());
    CHECK(paged == std::vector<std::string>(keys.begin(), keys.begin() + 6));
    CHECK(pages == 3);
    // A page that ends exactly at the last key has no token.
    auto exact = store.List("coll/a=1/", "", 2);
    CHECK(exact->objects.size() == 2);
    CHECK(exact->next_page_token.empty());

    CHECK(store.List("coll", "", 0).status().Is(Code::kInvalidArgument));
    CHECK(store.List("coll", "", 1001).status().Is(Code::kInvalidArgument));
  });
}

TEST_CASE("store: keys that could escape the root are rejected") {
  ForEachStore([](FragmentStore& store) {
    for (const char* key :
         {"", "/abs", "../x", "a/../../x", "a/./b", "a//b", "a/", ".", "..", "a/.."}) {
      CHECK_MESSAGE(store.Put(key, "x").Is(Code::kInvalidArgument), key);
      CHECK_MESSAGE(store.Get(key).status().Is(Code::kInvalidArgument), key);
      CHECK_MESSAGE(store.Delete(key).Is(Code::kInvalidArgument), key);
    }
    CHECK(store.Put(std::string("nul\0byte", 8), "x").Is(Code::kInvalidArgument));
    CHECK(store.Put(std::string(1025, 'k'), "x").Is(Code::kInvalidArgument));
    CHECK(ListAll(store, "")->empty());
  });
}

TEST_CASE("local dir store: layout, temp files, symlinks, pruning") {
  auto tmp = ScopedTempDir::Create("storage-test-");
  REQUIRE(tmp.ok());
  const std::string root = tmp->Join("fragments");
  auto store = LocalDirStore::Open(root);
  REQUIRE(store.ok());
  CHECK((*store)->url() == "file://" + root + "/");
  REQUIRE((*store)->Put("c/pivot=00/f.gz", "data").ok());
  CHECK(*ReadFile(root + "/c/pivot=00/f.gz") == "data");

  // An in-flight WriteFileAtomic temp file and a symlink are not objects.
  REQUIRE(WriteFileAtomic(root + "/c/pivot=00/g.gz.tmp.AbC123", "partial").ok());
  REQUIRE(WriteFileAtomic(tmp->Join("secret"), "outside").ok());
  REQUIRE(::symlink(tmp->Join("secret").c_str(), (root + "/c/pivot=00/link").c_str()) == 0);
  REQUIRE(::symlink(tmp->path().c_str(), (root + "/c/dirlink").c_str()) == 0);
  auto listed = ListAll(**store, "");
  REQUIRE(listed.ok());
  CHECK(Paths(*listed) == std::vector<std::string>{"c/pivot=00/f.gz"});
  CHECK((*store)->Get("c/pivot=00/link").status().Is(Code::kNotFound));
  CHECK((*store)->GetRange("c/pivot=00/link", 0, 3).status().Is(Code::kNotFound));

  // Deleting the last object of a directory removes the emptied directories.
  REQUIRE((*store)->Put("d/x/y/z.gz", "z").ok());
  REQUIRE((*store)->Delete("d/x/y/z.gz").ok());
  struct stat st;
  CHECK(::stat((root + "/d").c_str(), &st) != 0);
  CHECK(::stat(root.c_str(), &st) == 0);
}

TEST_CASE("mem store: injected failures and clock") {
  MemStore store("t");
  CHECK(store.url() == "memory://t/");
  store.SetClock([] { return int64_t{42}; });
  store.FailPuts(Status::IOError("injected"), 2);
  CHECK(store.Put("k", "v").Is(Code::kIOError));
  CHECK(store.Put("k", "v").Is(Code::kIOError));
  CHECK(store.Put("k", "v", PutOptions{"gzip"}).ok());
  CHECK(store.Stat("k")->mod_time == 42);
  CHECK(*store.ContentEncoding("k") == "gzip");
  CHECK(store.put_count() == 1);
  CHECK(store.size() == 1);
}

}  // namespace
}  // namespace flow::storage
