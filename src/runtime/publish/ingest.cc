// SPDX-License-Identifier: Apache-2.0
// runtime/publish/ingest.cc: ingest transactions, checkpoints, recovery and resume.
#include "runtime/publish/ingest.h"

#include "base/file.h"
#include "base/sha1.h"

namespace flow::runtime::publish {
namespace {

std::string_view StripNewline(std::string_view raw) {
  if (!raw.empty() && raw.back() == '\n')
    raw.remove_suffix(1);
  if (!raw.empty() && raw.back() == '\r')
    raw.remove_suffix(1);
  return raw;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

std::string FragmentsDir(const std::string& dir) {
  return dir + "/fragments";
}
std::string SpoolDir(const std::string& dir) {
  return dir + "/spool";
}
std::string IngestDir(const std::string& dir) {
  return dir + "/ingest";
}

Ingester::~Ingester() = default;

Result<std::unique_ptr<Ingester>> Ingester::Open(const catalog::Collection& collection,
                                                 const std::string& dir, IngestOptions options) {
  std::unique_ptr<Ingester> in(new Ingester());
  in->collection_ = collection.name;
  in->options_ = options;
  const std::string ingest_dir = IngestDir(dir);
  FLOW_TRY(MakeDirs(ingest_dir));
  Result<storage::JournalLock> lock = storage::JournalLock::Acquire(ingest_dir, collection.name);
  if (!lock.ok()) {
    if (lock.status().Is(Code::kFailedPrecondition)) {
      return Status::FailedPrecondition("another flowctl ingest is writing collection {} in {}",
                                        collection.name, dir);
    }
    return lock.status();
  }
  in->lock_ = std::make_unique<storage::JournalLock>(std::move(lock).value());
  FLOW_ASSIGN_OR_RETURN(in->store_, storage::LocalDirStore::Open(FragmentsDir(dir)));
  PublisherOptions popts = options.publisher;
  if (popts.ordinal_label == "document")
    popts.ordinal_label = "line";
  FLOW_ASSIGN_OR_RETURN(in->publisher_,
                        Publisher::Open(collection, in->store_.get(), SpoolDir(dir), popts));

  FLOW_ASSIGN_OR_RETURN(
      CheckpointFile file,
      CheckpointFile::Open(ingest_dir + "/" + storage::SpoolFileStem(collection.name) +
                           ".checkpoint"));
  in->file_ = std::make_unique<CheckpointFile>(std::move(file));
  if (const std::optional<std::string>& payload = in->file_->payload()) {
    Result<IngestCheckpoint> cp = DecodeIngestCheckpoint(*payload);
    if (!cp.ok())
      return std::move(cp).take_status().Annotatef("collection {}", collection.name);
    if (cp->collection != collection.name) {
      return Status::Corruption("ingest checkpoint of {} names collection {}", collection.name,
                                cp->collection);
    }
    in->recovered_ = *cp;
    if (!cp->acks.empty()) {
      // Finish (or re-confirm) the checkpointed commit and roll back what followed it.
      FLOW_TRY(in->publisher_->Acknowledge(cp->acks));
      cp->acks.clear();
      FLOW_TRY(in->file_->Write(EncodeIngestCheckpoint(*cp)));
    }
    in->checkpoint_ = std::move(cp).value();
  }
  in->checkpoint_.collection = collection.name;
  if (options.resume && in->recovered_) {
    in->skip_lines_ = in->checkpoint_.input_lines;
  } else {
    // A fresh input: counts start over.
    in->checkpoint_.txn = 0;
    in->checkpoint_.input_lines = 0;
    in->checkpoint_.input_bytes = 0;
    in->checkpoint_.last_line_sha1.clear();
  }
  return in;
}

Status Ingester::Consume(std::string_view raw, uint64_t line_no) {
  if (line_no != lines_ + 1)
    return Status::Internal("ingest: line {} follows line {}", line_no, lines_);
  lines_ = line_no;
  bytes_ += raw.size();
  if (line_no <= skip_lines_) {
    // Resuming: this line was committed by an earlier run.
    const IngestCheckpoint& cp = checkpoint_;
    if (bytes_ > cp.input_bytes ||
        (line_no == skip_lines_ &&
         (bytes_ != cp.input_bytes || Sha1Hex(raw) != cp.last_line_sha1))) {
      return Status::FailedPrecondition(
          "cannot resume: the input differs from the one checkpointed for collection {} (its "
          "first {} lines, {} bytes, were committed; line {} does not match)",
          collection_, cp.input_lines, cp.input_bytes, line_no);
    }
    return Status::OK();
  }
  last_line_.assign(raw);
  if (txn_first_line_ == 0)
    txn_first_line_ = line_no;
  std::string_view line = StripNewline(raw);
  if (IsBlank(line))
    return Status::OK();
  return publisher_->AddJson(line, line_no);
}

Status Ingester::FinishInput() const {
  if (lines_ < skip_lines_) {
    return Status::FailedPrecondition(
        "cannot resume: the input has {} lines, but the checkpoint of collection {} says {} "
        "were already committed",
        lines_, collection_, skip_lines_);
  }
  return Status::OK();
}

Result<std::optional<CommitInfo>> Ingester::Commit() {
  if (publisher_->txn_docs() == 0)
    return std::optional<CommitInfo>();
  CommitInfo info;
  info.input_docs = publisher_->txn_docs();
  info.first_line = txn_first_line_;
  info.last_line = lines_;
  FLOW_ASSIGN_OR_RETURN(info.published, publisher_->Prepare());

  IngestCheckpoint cp = checkpoint_;
  cp.producer = publisher_->producer().ToString();
  cp.txn += 1;
  cp.input_lines = lines_;
  cp.input_bytes = bytes_;
  cp.last_line_sha1 = Sha1Hex(last_line_);
  cp.acks = info.published.acks;
  FLOW_TRY(file_->Write(EncodeIngestCheckpoint(cp)));  // the commit point
  checkpoint_ = std::move(cp);
  info.txn = checkpoint_.txn;
  txn_first_line_ = 0;
  FLOW_TRY(publisher_->Acknowledge(info.published.acks));
  return std::optional<CommitInfo>(std::move(info));
}

void Ingester::Abort() {
  publisher_->Abort();
  txn_first_line_ = 0;
}

Status Ingester::Close() {
  FLOW_TRY(publisher_->Close());
  if (checkpoint_.acks.empty())
    return Status::OK();
  // Every ACK is appended and persisted, and no uncommitted documents follow them:
  // a later run has nothing to re-append.
  IngestCheckpoint cp = checkpoint_;
  cp.acks.clear();
  FLOW_TRY(file_->Write(EncodeIngestCheckpoint(cp)));
  checkpoint_ = std::move(cp);
  return Status::OK();
}

}  // namespace flow::runtime::publish
