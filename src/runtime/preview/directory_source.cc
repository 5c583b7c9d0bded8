// SPDX-License-Identifier: Apache-2.0
// runtime/preview/directory_source.cc: reading, ordering and batching directory documents.
#include "runtime/preview/directory_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "doc/json.h"
#include "runtime/read/collection_reader.h"
#include "runtime/read/message.h"

namespace flow::runtime::preview {
namespace {

// Documents are parsed and handed over this many at a time.
constexpr size_t kBatch = 1024;

class DirectorySource : public PreviewSource {
 public:
  Status Load(const catalog::Collection& derived, const std::string& dir);

  Result<bool> Next(doc::Arena& arena, std::vector<SourceDoc>* docs, bool* commit) override {
    docs->clear();
    *commit = false;
    if (next_ >= entries_.size())
      return false;
    batch_begin_ = next_;
    const size_t end = std::min(entries_.size(), next_ + kBatch);
    for (; next_ < end; ++next_) {
      const Entry& e = entries_[next_];
      std::string_view line = std::string_view(text_).substr(e.text_begin, e.text_len);
      Result<doc::Node> doc = parser_.Parse(line, arena);
      if (!doc.ok())
        return Status::Corruption("{}: {}", Describe(next_ - batch_begin_), doc.status().message());
      if (!doc->is_object()) {
        return Status::Corruption("{}: the document is not a JSON object",
                                  Describe(next_ - batch_begin_));
      }
      docs->push_back(
          SourceDoc{collections_[e.collection], *doc, std::nullopt, e.clock.ToUnixNanos()});
    }
    *commit = next_ == entries_.size();
    return true;
  }

  std::string Describe(size_t i) const override {
    const Entry& e = entries_[batch_begin_ + i];
    return fmt::format("journal {} offset {}", journals_[e.journal].name, e.offset);
  }

  std::string Checkpoint() const override {
    std::string out = R"({"sources":{)";
    for (size_t j = 0; j < journals_.size(); ++j) {
      if (j > 0)
        out += ",";
      doc::AppendJsonString(journals_[j].name, &out);
      out += fmt::format(R"(:{{"readThrough":{}}})", journals_[j].read_through);
    }
    return out + "}}";
  }

 private:
  struct Entry {
    storage::Clock clock;
    uint32_t collection;  // index into collections_
    uint32_t journal;     // index into journals_
    int64_t offset;
    size_t text_begin;
    size_t text_len;
  };
  struct Journal {
    std::string name;
    int64_t read_through = 0;
  };

  std::vector<std::string> collections_;
  std::vector<Journal> journals_;
  std::vector<Entry> entries_;
  std::string text_;
  size_t next_ = 0;
  size_t batch_begin_ = 0;
  doc::Parser parser_;
};

Status DirectorySource::Load(const catalog::Collection& derived, const std::string& dir) {
  for (const catalog::Transform& t : derived.derive->transforms) {
    if (t.disable ||
        std::find(collections_.begin(), collections_.end(), t.source) != collections_.end()) {
      continue;
    }
    collections_.push_back(t.source);
  }
  read::MessageParser meta;
  for (uint32_t c = 0; c < collections_.size(); ++c) {
    FLOW_ASSIGN_OR_RETURN(std::unique_ptr<read::CollectionReader> reader,
                          read::CollectionReader::Open(collections_[c], dir, {}));
    uint32_t journal = 0;
    FLOW_TRY(reader->ReadAvailable([&](const read::ReadDocument& d) -> Status {
      if (journals_.empty() || d.journal != journals_[journal].name) {
        auto it = std::find_if(journals_.begin(), journals_.end(),
                               [&](const Journal& j) { return j.name == d.journal; });
        if (it == journals_.end()) {
          journals_.push_back(Journal{std::string(d.journal), 0});
          it = journals_.end() - 1;
        }
        journal = static_cast<uint32_t>(it - journals_.begin());
      }
      journals_[journal].read_through = std::max(journals_[journal].read_through, d.end);
      FLOW_ASSIGN_OR_RETURN(read::MessageMeta m, meta.Parse(d.line));
      std::string_view line = d.line;
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
      entries_.push_back(Entry{m.uuid.clock(), c, journal, d.begin, text_.size(), line.size()});
      text_.append(line);
      return Status::OK();
    }));
  }
  // Publish order across collections and journals; ties keep reading order.
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const Entry& a, const Entry& b) { return a.clock < b.clock; });
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<PreviewSource>> NewDirectorySource(const catalog::Collection& derived,
                                                          const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::NotFound("data directory {} does not exist (`flowctl ingest` writes one)", dir);
  }
  auto source = std::make_unique<DirectorySource>();
  FLOW_TRY(source->Load(derived, dir));
  return std::unique_ptr<PreviewSource>(std::move(source));
}

}  // namespace flow::runtime::preview
