// SPDX-License-Identifier: Apache-2.0
// runtime/publish/ingest_checkpoint_test.cc: checkpoint JSON and the alternating file pair.
#include "runtime/publish/ingest_checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "base/file.h"

namespace flow::runtime::publish {
namespace {

IngestCheckpoint Sample(uint64_t txn) {
  IngestCheckpoint cp;
  cp.collection = "acmeCo/rides";
  cp.producer = "01:02:03:04:05:06";
  cp.txn = txn;
  cp.input_lines = 10 * txn;
  cp.input_bytes = 250 * txn;
  cp.last_line_sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  cp.acks = {{"acmeCo/rides/region=eu/pivot=00", "{\"_meta\":{\"uuid\":\"x\",\"ack\":true}}\n"}};
  return cp;
}

void Corrupt(const std::string& path, off_t at) {
  int fd = ::open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  char c = 'X';
  REQUIRE(pwrite(fd, &c, 1, at) == 1);
  ::close(fd);
}

TEST_CASE("ingest checkpoint: JSON round trip and rejection of damaged payloads") {
  IngestCheckpoint cp = Sample(3);
  auto back = DecodeIngestCheckpoint(EncodeIngestCheckpoint(cp));
  REQUIRE(back.ok());
  CHECK(*back == cp);
  CHECK(DecodeIngestCheckpoint("{}").status().Is(Code::kInvalidArgument));
  CHECK(DecodeIngestCheckpoint("[1]").status().Is(Code::kInvalidArgument));
  std::string bad = EncodeIngestCheckpoint(cp);
  bad.replace(bad.find("\\n"), 2, "");  // an ACK line without its newline
  CHECK(DecodeIngestCheckpoint(bad).status().Is(Code::kInvalidArgument));
}

TEST_CASE("ingest checkpoint: files alternate, and a torn newest record falls back") {
  auto dir = ScopedTempDir::Create();
  REQUIRE(dir.ok());
  const std::string base = dir->Join("c.checkpoint");
  {
    auto f = CheckpointFile::Open(base);
    REQUIRE(f.ok());
    CHECK_FALSE(f->payload().has_value());
    REQUIRE(f->Write("one").ok());
    REQUIRE(f->Write("two").ok());
    REQUIRE(f->Write("three, longer than the others").ok());
    REQUIRE(f->Write("four").ok());  // shorter than what its file held: truncated
    CHECK(*f->payload() == "four");
  }
  {
    auto f = CheckpointFile::Open(base);
    REQUIRE(f.ok());
    REQUIRE(f->payload().has_value());
    CHECK(*f->payload() == "four");
  }
  // "four" is in .1 (writes alternate .0, .1, .0, .1). Damage it: "three" wins.
  Corrupt(base + ".1", 26);
  {
    auto f = CheckpointFile::Open(base);
    REQUIRE(f.ok());
    CHECK(*f->payload() == "three, longer than the others");
    // The next write must not touch the file holding "three".
    REQUIRE(f->Write("five").ok());
  }
  Corrupt(base + ".1", 25);  // tear "five" too: "three" is still intact
  {
    auto f = CheckpointFile::Open(base);
    REQUIRE(f.ok());
    CHECK(*f->payload() == "three, longer than the others");
  }
}

}  // namespace
}  // namespace flow::runtime::publish
