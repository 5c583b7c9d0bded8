// SPDX-License-Identifier: Apache-2.0
// runtime/publish/ingest_checkpoint.h: the durable record of an ingest's last committed
// transaction: how much input it consumed and the ACK intents that commit it.
//
// Writing the checkpoint is an ingest transaction's commit point (Flow's consumer
// checkpoint, spec §5.3): its documents are already appended (uncommitted), and its
// ACKs are appended after. Recovery re-appends the ACKs of the checkpoint it finds,
// which commits the transaction if they had not all landed and rolls back anything the
// dead producer appended after them.
//
// On disk the checkpoint alternates between two files, `<base>.0` and `<base>.1`, each
// holding one record: magic "FLOWCKP1", sequence number (u64 LE), payload length (u32
// LE), CRC-32 of the preceding 20 bytes and the payload (u32 LE), then the payload (JSON).
// A write goes to the file that does not hold the newest record and is fdatasync'd, so a
// crash mid-write leaves the previous record intact; the reader takes the valid record
// with the highest sequence number. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "runtime/publish/publisher.h"

namespace flow::runtime::publish {

struct IngestCheckpoint {
  std::string collection;
  std::string producer;         ///< the producer id of the run that wrote it
  uint64_t txn = 0;             ///< transactions committed so far over the same input
  uint64_t input_lines = 0;     ///< input lines consumed through that transaction
  uint64_t input_bytes = 0;     ///< their bytes, newlines included
  std::string last_line_sha1;   ///< SHA-1 of the last consumed line (with its newline)
  std::vector<AckIntent> acks;  ///< ACKs to (re-)append; empty after a clean close

  friend bool operator==(const IngestCheckpoint&, const IngestCheckpoint&) = default;
};

std::string EncodeIngestCheckpoint(const IngestCheckpoint& cp);
/// InvalidArgument if `json` is not a checkpoint.
Result<IngestCheckpoint> DecodeIngestCheckpoint(std::string_view json);

class CheckpointFile {
 public:
  /// Opens (creating if needed) the pair of files for `base` and reads the newest valid
  /// record. IOError on I/O failures.
  static Result<CheckpointFile> Open(std::string base);
  CheckpointFile(CheckpointFile&& other) noexcept;
  CheckpointFile& operator=(CheckpointFile&& other) noexcept;
  CheckpointFile(const CheckpointFile&) = delete;
  CheckpointFile& operator=(const CheckpointFile&) = delete;
  ~CheckpointFile();

  /// The payload of the newest valid record, or nullopt if neither file has one.
  const std::optional<std::string>& payload() const { return payload_; }
  /// Durably replaces the record (returns once fdatasync'd).
  Status Write(std::string_view payload);

 private:
  CheckpointFile() = default;
  void CloseFds();

  std::string base_;
  int fds_[2] = {-1, -1};
  uint64_t seq_ = 0;  // of the newest record
  int newest_ = 1;    // index of the file holding it
  std::optional<std::string> payload_;
};

}  // namespace flow::runtime::publish
