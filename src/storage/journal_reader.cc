// SPDX-License-Identifier: Apache-2.0
// storage/journal_reader.cc: line reads over fragments and spools.
#include "storage/journal_reader.h"

#include <algorithm>

#include "base/log.h"

namespace flow::storage {
namespace {

constexpr int64_t kLocalChunk = int64_t{1} << 20;
constexpr size_t kBodyChunk = size_t{256} << 10;

}  // namespace

JournalReader::JournalReader(const FragmentIndex* index, FragmentStore* store,
                             ReaderOptions options)
    : index_(index), store_(store), options_(options) {
  offset_ = options_.offset == -1 ? index_->EndOffset() : options_.offset;
}

Result<std::optional<JournalLine>> JournalReader::Next(int64_t now_unix) {
  while (true) {
    if (done())
      return std::optional<JournalLine>();
    size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      JournalLine line;
      line.begin = offset_;
      line.content = std::string_view(buf_).substr(pos_, nl + 1 - pos_);
      line.end = offset_ + static_cast<int64_t>(line.content.size());
      offset_ = line.end;
      pos_ = nl + 1;
      return std::optional<JournalLine>(line);
    }
    FLOW_ASSIGN_OR_RETURN(bool more, Fill(now_unix));
    if (!more)
      return std::optional<JournalLine>();
  }
}

Result<bool> JournalReader::Fill(int64_t now_unix) {
  // Everything before pos_ was returned; keep only the partial line after it.
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  while (true) {
    if (open_) {
      FLOW_ASSIGN_OR_RETURN(bool got, FillFromFragment());
      if (got)
        return true;
      continue;  // exhausted; find the next fragment
    }
    const int64_t next = offset_ + static_cast<int64_t>(buf_.size());
    IndexQueryResult q = index_->Query(next, now_unix, options_.begin_mod_time);
    if (!q.found)
      return false;
    if (q.offset != next) {
      if (!buf_.empty()) {
        FLOW_LOG_WARN(
            "journal {}: dropping a partial line of {} bytes at [{}, {}) before a "
            "jump to offset {}",
            q.fragment.fragment.journal, buf_.size(), offset_, next, q.offset);
        buf_.clear();
      }
      ++jumps_;
      last_jump_ = {next, q.offset};
      offset_ = q.offset;
    }
    FLOW_TRY(OpenFragment(q.fragment, q.offset));
  }
}

Status JournalReader::OpenFragment(const IndexedFragment& f, int64_t offset) {
  frag_ = f;
  frag_next_ = offset;
  open_ = true;
  if (f.local)
    return Status::OK();
  const Fragment& fr = f.fragment;
  if (fr.backing_store != store_->url()) {
    return Status::Unsupported("fragment {} is stored in {}, which this reader cannot access",
                               fr.ContentName(), fr.backing_store);
  }
  Result<std::string> body = store_->Get(fr.ContentPath());
  if (!body.ok()) {
    open_ = false;
    return std::move(body).take_status().Annotatef("reading fragment {}", fr.ContentPath());
  }
  body_ = std::move(body).value();
  body_pos_ = 0;
  body_finished_ = false;
  decoded_->clear();
  decoded_total_ = 0;
  Result<FragmentDecoder> decoder = FragmentDecoder::Create(fr.codec, decoded_.get());
  if (!decoder.ok()) {
    open_ = false;
    return std::move(decoder).take_status().Annotatef("reading fragment {}", fr.ContentPath());
  }
  decoder_.emplace(std::move(decoder).value());
  if (options_.verify_sums)
    sha_.emplace();
  else
    sha_.reset();
  return Status::OK();
}

Result<bool> JournalReader::FillFromFragment() {
  const Fragment& fr = frag_.fragment;
  if (frag_.local) {
    const int64_t n = std::min(kLocalChunk, fr.end - frag_next_);
    if (n <= 0) {
      open_ = false;
      return false;
    }
    FLOW_TRY(frag_.local->ReadAt(frag_next_, n, &buf_));
    frag_next_ += n;
    return true;
  }
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("fragment {}: {}", fr.ContentPath(), why);
  };
  while (true) {
    std::string& decoded = *decoded_;
    if (!decoded.empty()) {
      // decoded holds fragment bytes [d0, d1) in journal offsets.
      const int64_t d1 = fr.begin + decoded_total_;
      const int64_t d0 = d1 - static_cast<int64_t>(decoded.size());
      if (d1 > fr.end)
        return corrupt(fmt::format("it holds more than the {} bytes its name says", fr.size()));
      const int64_t from = std::max(d0, frag_next_);
      bool got = false;
      if (from < d1) {
        buf_.append(decoded, static_cast<size_t>(from - d0), static_cast<size_t>(d1 - from));
        frag_next_ = d1;
        got = true;
      }
      decoded.clear();
      if (got)
        return true;
      continue;
    }
    if (body_finished_) {
      FLOW_TRY(FinishFragment());
      return false;
    }
    Status s;
    if (body_pos_ < body_.size()) {
      size_t n = std::min(kBodyChunk, body_.size() - body_pos_);
      s = decoder_->Append(std::string_view(body_).substr(body_pos_, n));
      body_pos_ += n;
    } else {
      s = decoder_->Finish();
      body_finished_ = true;
    }
    if (!s.ok())
      return std::move(s).Annotatef("fragment {}", fr.ContentPath());
    if (sha_)
      sha_->Update(decoded);
    decoded_total_ += static_cast<int64_t>(decoded.size());
  }
}

Status JournalReader::FinishFragment() {
  const Fragment& fr = frag_.fragment;
  open_ = false;
  decoder_.reset();
  body_.clear();
  body_.shrink_to_fit();
  if (decoded_total_ != fr.size()) {
    return Status::Corruption("fragment {}: it holds {} bytes, its name says {}", fr.ContentPath(),
                              decoded_total_, fr.size());
  }
  if (sha_) {
    std::string hex = sha_->FinishHex();
    sha_.reset();
    // An empty fragment's sum is all zeros, not the SHA-1 of nothing.
    if (fr.size() > 0 && hex != fr.sum.ToHex()) {
      return Status::Corruption("fragment {}: content SHA-1 is {}, its name says {}",
                                fr.ContentPath(), hex, fr.sum.ToHex());
    }
  }
  return Status::OK();
}

}  // namespace flow::storage
