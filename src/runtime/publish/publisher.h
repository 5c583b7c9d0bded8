// SPDX-License-Identifier: Apache-2.0
// runtime/publish/publisher.h: the publishing path of one collection: validate, combine
// within a transaction, stamp UUIDs, route to partition journals, append.
//
// A transaction (DESIGN §3, spec §4.3):
//   1. Add documents: each is validated against the collection's write schema and
//      combined by key with the transaction's earlier documents (partial reduction).
//   2. Prepare(): drains the combiner in key order; each document gets `/_meta/uuid`
//      (a v1 UUID of this publisher's producer id, its clock, flag CONTINUE_TXN), is
//      routed by its partition fields, and is serialized as one JSON line. Only when the
//      whole drain succeeded is anything written: each touched journal receives its
//      lines as one contiguous, fsync'd append. Prepare returns one ACK intent per
//      touched journal: `{"_meta":{"uuid":"<uuid>","ack":true}}` whose UUID has flag
//      ACK_TXN and a clock past every document of the transaction.
//   3. The caller records the intents durably (the commit point; see ingest.h), then
//      Acknowledge() appends each ACK to its journal. Readers' sequencers deliver the
//      transaction's documents only once its ACK is read (storage/sequencer.h); if the
//      publisher dies before that, the documents are never delivered (rolled back).
// Re-appending the same intents is harmless (a re-sent ACK commits nothing new and rolls
// back whatever the producer appended after it), which is how recovery finishes a commit.
//
// Journals are opened on first use (recovering their spools) and use Flow's journal
// defaults (FlowJournalOptions). Fragments are compressed on a worker thread as content
// is appended (fragment_persister.h); Close() rolls every journal into fragment files.
// Not thread-safe: one owner thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "doc/combine/combiner.h"
#include "runtime/publish/fragment_persister.h"
#include "runtime/publish/partition_router.h"
#include "storage/fragment_store.h"
#include "storage/journal.h"
#include "storage/uuid.h"

namespace flow::runtime::publish {

/// Flow's collection journal defaults: 512 MiB fragments, GZIP, a 24 h flush interval,
/// the `utc_date=…/utc_hour=…` postfix; persisted off the owner thread.
storage::JournalOptions FlowJournalOptions();

struct PublisherOptions {
  storage::JournalOptions journal = FlowJournalOptions();
  PersisterOptions persister;
  /// Combiner memory before it spills to `spill_dir` ($TMPDIR if empty).
  size_t combiner_memory = size_t{256} << 20;
  std::string spill_dir;
  /// How errors name an added document: "{ordinal_label} {ordinal}".
  std::string ordinal_label = "document";
  /// Unix nanoseconds now (tests substitute a fixed clock).
  int64_t (*now)() = nullptr;
};

/// An ACK document to append to `journal` (with its trailing newline).
struct AckIntent {
  std::string journal;
  std::string line;

  friend bool operator==(const AckIntent&, const AckIntent&) = default;
};

/// What Prepare() appended to one journal.
struct JournalAppend {
  std::string journal;
  int64_t begin = 0;
  int64_t end = 0;
  uint64_t docs = 0;
};

struct PreparedTxn {
  uint64_t docs = 0;                   ///< documents published (one per key)
  std::vector<JournalAppend> appends;  ///< by journal name
  std::vector<AckIntent> acks;         ///< by journal name
};

/// The ACK document of `uuid`, as Flow writes it (with '\n').
std::string AckLine(const storage::Uuid& uuid);

/// Appends `doc` (an object) as compact JSON with `/_meta/uuid` set to `uuid` (36
/// characters), keeping fields sorted; other `_meta` fields are kept. InvalidArgument if
/// `doc` is not an object.
Status AppendDocumentWithUuid(const doc::Node& doc, std::string_view uuid, std::string* out);

class Publisher {
 public:
  /// `collection` (from a catalog without errors) and `store` must outlive the publisher.
  /// Spools live in `spool_dir`.
  static Result<std::unique_ptr<Publisher>> Open(const catalog::Collection& collection,
                                                 storage::FragmentStore* store,
                                                 std::string spool_dir, PublisherOptions options);
  /// Stops the compression worker. Journals not Close()d keep their spools on disk, exactly
  /// as after a crash.
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  /// Adds a document (JSON text) to the transaction. InvalidArgument for bad JSON, a
  /// schema violation or a failed reduction, naming the document by `ordinal`; such an
  /// error (also from Prepare) ends the transaction: call Abort() before the next one.
  Status AddJson(std::string_view json, uint64_t ordinal);
  Status Add(const doc::Node& doc, uint64_t ordinal);
  /// Documents added to the current transaction.
  uint64_t txn_docs() const { return txn_docs_; }

  /// Publishes the transaction's documents uncommitted (steps 2 above). With no documents
  /// it appends nothing and returns no intents. A validation or routing error appends
  /// nothing; an I/O error may leave some journals appended (never acknowledged).
  Result<PreparedTxn> Prepare();
  /// Appends ACK intents (this publisher's, or an earlier one's from a checkpoint).
  Status Acknowledge(const std::vector<AckIntent>& acks);
  /// Drops the current transaction's documents.
  void Abort();

  /// Rolls every journal and persists all its content as fragments; then the publisher
  /// accepts nothing more.
  Status Close();

  const storage::ProducerId& producer() const { return producer_; }
  const catalog::Collection& collection() const { return collection_; }
  /// Journals opened so far, by name.
  std::vector<std::string> journal_names() const;
  const FragmentPersister& persister() const { return *persister_; }

 private:
  struct JournalState {
    std::unique_ptr<storage::Journal> journal;
    std::string txn_lines;  // this transaction's lines
    uint64_t txn_docs = 0;
  };

  Publisher(const catalog::Collection& collection, storage::FragmentStore* store,
            std::string spool_dir, PublisherOptions options);
  int64_t Now() const;
  void NewCombiner();
  Result<JournalState*> Journal(std::string_view name);
  Status Append(JournalState& j, std::string content, storage::AppendResult* result);
  Status CompletePersists();

  const catalog::Collection& collection_;
  storage::FragmentStore* store_;
  std::string spool_dir_;
  PublisherOptions options_;
  PartitionRouter router_;
  storage::ProducerId producer_;
  storage::Clock clock_;
  std::unique_ptr<doc::combine::Combiner> combiner_;
  uint64_t txn_docs_ = 0;
  std::map<std::string, JournalState, std::less<>> journals_;
  std::unique_ptr<FragmentPersister> persister_;
  bool closed_ = false;
};

}  // namespace flow::runtime::publish
