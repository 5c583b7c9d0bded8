// SPDX-License-Identifier: Apache-2.0
// runtime/preview/fixture.h: Flow's preview fixture: a JSON array of transactions, each an
// array of [sourceCollectionName, document] pairs.
//
//   [ [ ["acme/orders", {"id": 1}], ["acme/refunds", {"id": 7}] ],
//     [ ["acme/orders", {"id": 2}] ] ]
//
// The reader parses one transaction at a time, so a fixture of millions of documents
// needs memory for its text and one transaction only. Transactions and documents are
// numbered from 0, as their positions in the JSON arrays.
//
// As a preview source it follows Flow's fixture harness (runtime::harness::fixture):
// the document of transaction T at position I gets a synthetic `/_meta/uuid` from
// producer 07:13:53:03:03:11 whose clock is Unix second 3600*T + I, which is also its
// flow_published_at; each fixture transaction is one derivation transaction.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "doc/arena.h"
#include "doc/json.h"
#include "doc/node.h"
#include "runtime/preview/preview.h"

namespace flow::runtime::preview {

struct FixtureDoc {
  std::string_view collection;
  doc::Node doc;  ///< a JSON object
};

class FixtureReader {
 public:
  /// `text` is the whole fixture; it must outlive the reader.
  explicit FixtureReader(std::string_view text) : text_(text) {}

  /// Parses the next transaction into `arena` and replaces `docs` with its pairs.
  /// Returns false after the last transaction. InvalidArgument naming the transaction
  /// (and document) if the fixture is not well-formed; the reader is then done.
  Result<bool> Next(doc::Arena& arena, std::vector<FixtureDoc>* docs);

  /// The index of the transaction the last successful Next() returned.
  size_t transaction() const { return next_ - 1; }

 private:
  Status Fail(Status s);
  /// Finds the end (exclusive) of the top-level element starting at pos_: the offset of
  /// the ',' or ']' that follows it at depth 0.
  Result<size_t> ScanElement();
  void SkipSpace();

  std::string_view text_;
  size_t pos_ = 0;
  size_t next_ = 0;  // index of the next transaction
  bool started_ = false;
  bool done_ = false;
  doc::Parser parser_;
};

/// The fixture `text` as a preview source; `text` must outlive it.
std::unique_ptr<PreviewSource> NewFixtureSource(std::string_view text);

}  // namespace flow::runtime::preview
