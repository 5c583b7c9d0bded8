// SPDX-License-Identifier: Apache-2.0
// runtime/preview/preview.h: `flowctl preview`: one SQLite derivation run over source
// transactions, its outputs handed back transaction by transaction.
//
// Each source document is validated against its collection's read
// schema and run through every enabled transform reading its collection whose
// partition selector matches it, in transform order; documents of collections the
// derivation does not read are skipped (as Flow does). Outputs are validated against
// the derived write schema, combined by key (partial reduction) and emitted in key
// order; then the SQLite transaction commits, so state carries to the next
// transaction. The database is in memory, for the run only. Read delays do not apply.
//
// Sources: fixture transactions (fixture.h) and a data directory's current documents
// (directory_source.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "doc/arena.h"
#include "doc/node.h"
#include "storage/uuid.h"

namespace flow::runtime::preview {

/// One source document of a preview transaction.
struct SourceDoc {
  std::string_view collection;
  doc::Node doc;  ///< a JSON object, in the batch's arena
  /// Set: written to `/_meta/uuid` after the document is validated (fixtures).
  std::optional<storage::Uuid> stamp;
  int64_t published_unix_nanos = 0;  ///< flow_published_at
};

/// Where a preview's documents come from, in batches that make up transactions.
class PreviewSource {
 public:
  virtual ~PreviewSource() = default;
  /// Replaces `docs` with the next batch of documents, allocated in `arena` (which the
  /// caller may reset before the next call). `*commit` is set if the transaction ends
  /// with this batch. Returns false when there is nothing more.
  virtual Result<bool> Next(doc::Arena& arena, std::vector<SourceDoc>* docs, bool* commit) = 0;
  /// How messages name document `i` of the last batch, e.g.
  /// "fixture transaction 2, document 5".
  virtual std::string Describe(size_t i) const = 0;
  /// The checkpoint committed with the transaction that just ended.
  virtual std::string Checkpoint() const = 0;
};

/// The derivation to preview: collection `name` of `catalog` (which must have no
/// errors), or with an empty `name` the catalog's only derivation. InvalidArgument if
/// there is no such collection (listing the derivations), it is not a derivation, or
/// flowctl cannot run it locally (only SQLite derivations run in process).
Result<const catalog::Collection*> FindPreviewDerivation(const catalog::Catalog& catalog,
                                                         std::string_view name);

struct PreviewStats {
  uint64_t transactions = 0;
  uint64_t documents = 0;  ///< source documents read by at least one transform
  uint64_t reads = 0;      ///< (document, transform) executions
  uint64_t outputs = 0;    ///< documents emitted, after combining
};

/// Runs `derived` over `source`, calling `emit` with each combined output document and
/// then `committed` (if set) once its transaction has committed. Stops at the first
/// error: a malformed source, a document of an unknown collection or failing its read
/// schema (named by the source), a lambda error, an invalid output, or an error of
/// `emit` or `committed`.
Status RunPreview(const catalog::Catalog& catalog, const catalog::Collection& derived,
                  PreviewSource& source, const std::function<Status(const doc::Node&)>& emit,
                  PreviewStats* stats = nullptr,
                  const std::function<Status()>& committed = nullptr);

}  // namespace flow::runtime::preview
