// SPDX-License-Identifier: Apache-2.0
// runtime/preview/fixture.cc: splitting a fixture into transactions, parsing each, and
// serving them as preview transactions.
#include "runtime/preview/fixture.h"

#include <fmt/format.h>

#include "storage/uuid.h"

namespace flow::runtime::preview {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Bytes the element scanner stops at: outside strings the structural ones, inside
// strings the quote and the escape.
struct ScanTables {
  bool outside[256] = {};
  bool inside[256] = {};
  constexpr ScanTables() {
    for (unsigned char c : std::string_view("\"[]{},"))
      outside[c] = true;
    inside[static_cast<unsigned char>('"')] = true;
    inside[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr ScanTables kScan;

}  // namespace

Status FixtureReader::Fail(Status s) {
  done_ = true;
  return s;
}

void FixtureReader::SkipSpace() {
  while (pos_ < text_.size() && IsSpace(text_[pos_]))
    ++pos_;
}

Result<size_t> FixtureReader::ScanElement() {
  const char* p = text_.data();
  const size_t n = text_.size();
  size_t depth = 0;
  size_t i = pos_;
  while (i < n) {
    while (i < n && !kScan.outside[static_cast<unsigned char>(p[i])])
      ++i;
    if (i == n)
      break;
    switch (p[i]) {
      case '"':
        ++i;
        while (true) {
          while (i < n && !kScan.inside[static_cast<unsigned char>(p[i])])
            ++i;
          if (i >= n)
            break;
          if (p[i] == '\\') {
            i += 2;
            continue;
          }
          ++i;  // the closing quote
          break;
        }
        continue;
      case '[':
      case '{':
        ++depth;
        break;
      case ']':
      case '}':
        if (depth == 0) {
          if (p[i] == ']')
            return i;
          return Status::InvalidArgument(
              "fixture is not a JSON array of transactions: unexpected '}}' at byte {}", i);
        }
        --depth;
        break;
      case ',':
        if (depth == 0)
          return i;
        break;
    }
    ++i;
  }
  return Status::InvalidArgument(
      "fixture is not a JSON array of transactions: it ends before "
      "the closing ']'");
}

Result<bool> FixtureReader::Next(doc::Arena& arena, std::vector<FixtureDoc>* docs) {
  docs->clear();
  if (done_)
    return false;
  if (!started_) {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '[') {
      return Fail(Status::InvalidArgument(
          "fixture is not a JSON array of transactions (each an array of [collection, "
          "document] pairs)"));
    }
    ++pos_;
    started_ = true;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      done_ = true;
      SkipSpace();
      if (pos_ != text_.size())
        return Status::InvalidArgument("fixture has text after its closing ']'");
      return false;
    }
  }
  SkipSpace();
  const size_t index = next_;
  const size_t begin = pos_;
  Result<size_t> end = ScanElement();
  if (!end.ok())
    return Fail(end.status());
  std::string_view element = text_.substr(begin, *end - begin);
  while (!element.empty() && IsSpace(element.back()))
    element.remove_suffix(1);
  if (text_[*end] == ']') {
    done_ = true;
    pos_ = *end + 1;
    SkipSpace();
    if (pos_ != text_.size())
      return Fail(Status::InvalidArgument("fixture has text after its closing ']'"));
  } else {
    pos_ = *end + 1;
  }
  if (element.empty()) {
    return Fail(Status::InvalidArgument("fixture transaction {}: missing (a stray ',')", index));
  }
  Result<doc::Node> txn = parser_.Parse(element, arena);
  if (!txn.ok()) {
    return Fail(
        Status::InvalidArgument("fixture transaction {}: {}", index, txn.status().message()));
  }
  if (!txn->is_array()) {
    return Fail(Status::InvalidArgument(
        "fixture transaction {}: expected an array of [collection, document] pairs", index));
  }
  docs->reserve(txn->size());
  for (size_t i = 0; i < txn->size(); ++i) {
    const doc::Node& pair = txn->items()[i];
    if (!pair.is_array() || pair.size() != 2 || !pair.items()[0].is_string()) {
      return Fail(Status::InvalidArgument(
          "fixture transaction {}, document {}: expected a [collection, document] pair", index, i));
    }
    if (!pair.items()[1].is_object()) {
      return Fail(Status::InvalidArgument(
          "fixture transaction {}, document {}: the document must be a JSON object", index, i));
    }
    docs->push_back(FixtureDoc{pair.items()[0].as_string(), pair.items()[1]});
  }
  ++next_;
  return true;
}

namespace {

class FixtureSource : public PreviewSource {
 public:
  explicit FixtureSource(std::string_view text) : reader_(text) {
    producer_.bytes = {7, 19, 83, 3, 3, 17};  // Flow's fixture producer
  }

  Result<bool> Next(doc::Arena& arena, std::vector<SourceDoc>* docs, bool* commit) override {
    docs->clear();
    *commit = true;
    FLOW_ASSIGN_OR_RETURN(bool more, reader_.Next(arena, &pairs_));
    if (!more)
      return false;
    const uint64_t t = reader_.transaction();
    docs->reserve(pairs_.size());
    for (size_t i = 0; i < pairs_.size(); ++i) {
      const int64_t nanos = static_cast<int64_t>(3600 * t + i) * 1000000000;
      storage::Uuid uuid = storage::Uuid::Build(producer_, storage::Clock::FromUnixNanos(nanos),
                                                storage::kOutsideTxn);
      docs->push_back(SourceDoc{pairs_[i].collection, pairs_[i].doc, uuid, nanos});
    }
    return true;
  }

  std::string Describe(size_t i) const override {
    return fmt::format("fixture transaction {}, document {}", reader_.transaction(), i);
  }

  std::string Checkpoint() const override {
    return fmt::format(R"({{"sources":{{"fixture":{{"readThrough":{}}}}}}})",
                       reader_.transaction() + 1);
  }

 private:
  FixtureReader reader_;
  storage::ProducerId producer_;
  std::vector<FixtureDoc> pairs_;
};

}  // namespace

std::unique_ptr<PreviewSource> NewFixtureSource(std::string_view text) {
  return std::make_unique<FixtureSource>(text);
}

}  // namespace flow::runtime::preview
