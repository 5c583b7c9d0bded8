// SPDX-License-Identifier: Apache-2.0
// base/file_test.cc: file reads, atomic writes, mkdir -p, rm -rf and temp dirs.
#include "base/file.h"

#include <dirent.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace flow {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* d = ::opendir(path.c_str());
  REQUIRE(d != nullptr);
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..")
      names.push_back(n);
  }
  ::closedir(d);
  return names;
}

TEST_CASE("file: write atomically, read back, overwrite") {
  auto dir = ScopedTempDir::Create();
  REQUIRE(dir.ok());
  std::string path = dir->Join("a.txt");

  REQUIRE(WriteFileAtomic(path, "hello\n").ok());
  auto got = ReadFile(path);
  REQUIRE(got.ok());
  CHECK(*got == "hello\n");

  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>(i * 131 % 251);
  REQUIRE(WriteFileAtomic(path, big).ok());
  got = ReadFile(path);
  REQUIRE(got.ok());
  CHECK(*got == big);

  REQUIRE(WriteFileAtomic(path, "").ok());
  CHECK(ReadFile(path)->empty());
  // No temp files are left behind.
  CHECK(ListDir(dir->path()) == std::vector<std::string>{"a.txt"});

  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("file: errors name the path and the cause") {
  auto dir = ScopedTempDir::Create();
  REQUIRE(dir.ok());
  std::string missing = dir->Join("nope.txt");

  auto r = ReadFile(missing);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().Is(Code::kNotFound));
  CHECK(r.status().message() == "open " + missing + ": No such file or directory");

  Status s = WriteFileAtomic(dir->Join("no/such/dir/x"), "x");
  CHECK(s.Is(Code::kNotFound));
  CHECK(s.message().find(dir->Join("no/such/dir/x")) != std::string_view::npos);

  // Writing over a directory fails at rename and leaves no temp file behind.
  REQUIRE(MakeDirs(dir->Join("sub")).ok());
  s = WriteFileAtomic(dir->Join("sub"), "x");
  CHECK(s.Is(Code::kIOError));
  CHECK(s.message().find("rename to " + dir->Join("sub")) == 0);
  CHECK(ListDir(dir->path()) == std::vector<std::string>{"sub"});

  CHECK(FsyncDir(missing).Is(Code::kNotFound));
  CHECK(FsyncDir(dir->path()).ok());
}

TEST_CASE("file: MakeDirs is mkdir -p and RemoveAll is rm -rf") {
  auto dir = ScopedTempDir::Create();
  REQUIRE(dir.ok());
  std::string deep = dir->Join("a/b/c");
  REQUIRE(MakeDirs(deep).ok());
  CHECK(Exists(deep));
  CHECK(MakeDirs(deep).ok());  // already there
  REQUIRE(WriteFileAtomic(deep + "/f", "x").ok());

  Status s = MakeDirs(deep + "/f");
  CHECK(s.Is(Code::kIOError));
  CHECK(s.message().find("mkdir -p " + deep + "/f: ") == 0);
  CHECK_FALSE(MakeDirs(deep + "/f/g").ok());

  REQUIRE(RemoveAll(dir->Join("a")).ok());
  CHECK_FALSE(Exists(dir->Join("a")));
  CHECK(RemoveAll(dir->Join("a")).ok());  // missing is fine
}

TEST_CASE("file: ScopedTempDir removes its tree and honours TMPDIR") {
  auto outer = ScopedTempDir::Create("outer-");
  REQUIRE(outer.ok());
  CHECK(outer->path().find("/outer-") != std::string::npos);

  std::string inner_path;
  {
    const char* saved = ::getenv("TMPDIR");
    std::string saved_value = saved ? saved : "";
    ::setenv("TMPDIR", (outer->path() + "/").c_str(), 1);
    auto inner = ScopedTempDir::Create();
    if (saved) {
      ::setenv("TMPDIR", saved_value.c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
    REQUIRE(inner.ok());
    inner_path = inner->path();
    CHECK(inner_path.rfind(outer->path() + "/flowctl-", 0) == 0);
    REQUIRE(MakeDirs(inner->Join("x/y")).ok());
    REQUIRE(WriteFileAtomic(inner->Join("x/y/z"), "z").ok());

    // Moving transfers ownership; only the final owner removes the tree.
    ScopedTempDir moved = std::move(inner).value();
    CHECK(moved.path() == inner_path);
    CHECK(Exists(inner_path));
  }
  CHECK_FALSE(Exists(inner_path));
  CHECK(ListDir(outer->path()).empty());
}

}  // namespace
}  // namespace flow
