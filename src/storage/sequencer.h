// SPDX-License-Identifier: Apache-2.0
// storage/sequencer.h: Sequencer, read-committed delivery from read-uncommitted journal
// messages (Gazette's message.Sequencer, spec §4.4).
//
// Feed every message read from a journal, in journal order, to QueueUncommitted();
// when it reports a commit, call Step() until it returns null to receive the now
// committed messages, in order, exactly once. Per (journal, producer) the sequencer
// tracks the last acknowledged clock and a pending span of CONTINUE_TXN messages:
//   - a message without a UUID (clock 0) commits at once (at-least-once);
//   - OUTSIDE_TXN commits at once unless its clock is already acknowledged;
//   - CONTINUE_TXN is held (duplicates and re-sends are skipped) until
//   - ACK_TXN commits the producer's held messages with clock <= the ACK's clock and
//     drops those above it (rolled back); an ACK equal to the last acknowledged clock
//     is a re-sent ACK and rolls the pending span back; an ACK below it means an
//     upstream checkpoint regressed (logged; the producer restarts from that clock).
// The ACK envelope itself is delivered last in its sequence: applications must skip it.
// No head-of-line blocking: one producer's pending span never delays another's commits.
//
// Envelopes are (journal, offsets, UUID) records plus an optional `content` payload,
// so a caller can queue lines it has parsed only far enough to find the UUID. Held
// messages live in a fixed ring; if a committed span has partly left the ring (or was
// restored from a checkpoint), QueueUncommitted returns kAckCommitReplay and the caller
// re-reads ReplayRange() through StartReplay() before stepping.
//
// Not thread-safe; one sequencer per reading task.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "storage/uuid.h"

namespace flow::storage {

/// One message: where it is in its journal and its UUID.
struct Envelope {
  /// On queued and dequeued envelopes, points into the sequencer's own copy of the name.
  std::string_view journal;
  int64_t begin = 0;  ///< offset of the message's first byte
  int64_t end = 0;    ///< offset just past its newline
  Uuid uuid;
  std::string content;  ///< optional payload (e.g. the line), carried along untouched
};

/// How QueueUncommitted classified a message (Gazette's QueueOutcome).
enum class QueueOutcome {
  kOutsideAlreadyAcked,     ///< OUTSIDE_TXN at or below the acknowledged clock: ignored
  kOutsideCommit,           ///< OUTSIDE_TXN committed: Step() to receive it
  kContinueAlreadyAcked,    ///< CONTINUE_TXN at or below the acknowledged clock: ignored
  kContinueTxnClockLarger,  ///< CONTINUE_TXN at or below the pending span's clock: ignored
  kContinueBeginSpan,       ///< CONTINUE_TXN starts a pending span
  kContinueExtendSpan,      ///< CONTINUE_TXN extends the pending span
  kAckRollback,             ///< ACK_TXN discarded the pending span
  kAckEmpty,                ///< ACK_TXN with nothing pending: Step() to receive the ACK
  kAckCommitRing,           ///< ACK_TXN committed a span held in the ring: Step()
  kAckCommitReplay,         ///< ACK_TXN committed a span partly outside the ring: replay, Step()
};
std::string_view QueueOutcomeName(QueueOutcome outcome);

/// Per (journal, producer) state kept in checkpoints (consumer.Checkpoint.ProducerState).
struct ProducerState {
  std::string journal;
  ProducerId producer;
  Clock last_ack;      ///< exclusive lower bound of clocks still to be delivered
  int64_t begin = -1;  ///< offset of the first pending message, or -1

  friend bool operator==(const ProducerState&, const ProducerState&) = default;
};

class Sequencer {
 public:
  /// Reads the next envelope of a replay: nullopt at the end of the range.
  using ReplayReader = std::function<Result<std::optional<Envelope>>()>;

  /// Starts from checkpointed read-through offsets and producer states, with a ring
  /// holding `ring_size` (at least 1) recent envelopes.
  explicit Sequencer(std::map<std::string, int64_t, std::less<>> offsets = {},
                     const std::vector<ProducerState>& states = {}, size_t ring_size = 8192);
  ~Sequencer();
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  /// Applies the next read-uncommitted message. Must not be called while committed
  /// messages remain to be stepped through (FLOW_CHECK).
  QueueOutcome QueueUncommitted(Envelope env);

  /// The next committed envelope (valid until the next call), or null once the committed
  /// sequence is exhausted. Errors only come from a replay reader (or a replay that
  /// yields envelopes outside ReplayRange(): Corruption).
  Result<const Envelope*> Step();

  struct Range {
    std::string_view journal;
    int64_t begin = 0;
    int64_t end = 0;
  };
  /// After kAckCommitReplay: the journal range [begin, end) the caller must re-read.
  Range ReplayRange() const;
  /// Supplies the reader for ReplayRange(); it should yield that range's envelopes (all
  /// producers; others are skipped).
  void StartReplay(ReplayReader reader);

  /// True if a span began or grew since the last Checkpoint(): more messages are
  /// presumably coming, so a transaction may want to wait for its ACK.
  bool HasPending() const;

  struct CheckpointState {
    std::map<std::string, int64_t, std::less<>> offsets;  ///< journal -> read-through offset
    std::vector<ProducerState> producers;                 ///< sorted by (journal, producer)
  };
  /// Snapshot of read-through offsets and producer states. Producers whose newest clock
  /// is more than `prune_horizon_seconds` older than the newest acknowledged clock of
  /// their journal are dropped (0 disables pruning; Flow uses 24 h).
  CheckpointState Checkpoint(int64_t prune_horizon_seconds);

  /// Read-through offset per journal: the offset a restarted reader resumes from.
  const std::map<std::string, int64_t, std::less<>>& offsets() const { return offsets_; }

 private:
  struct Key {
    std::string_view journal;  // interned
    ProducerId producer;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Partial {
    Key key;
    uint64_t min_clock = 0;  // exclusive minimum: the last acknowledged clock
    uint64_t max_clock = 0;  // inclusive maximum of the pending span
    int64_t begin = -1;      // offset of the first pending message
    int ring_start = -1;     // first and last ring entries of this producer's span
    int ring_stop = -1;
  };
  struct Slot {
    Envelope env;
    bool used = false;
  };

  std::string_view Intern(std::string_view journal);
  void SetOffset(std::string_view journal, int64_t offset);
  void EvictAtHead();
  void AddAtHead(Envelope env, Partial* partial);
  void LogError(const Envelope& env, const Partial& partial, std::string_view msg) const;

  std::set<std::string, std::less<>> journals_;  // interned names (stable addresses)
  std::map<std::string, int64_t, std::less<>> offsets_;
  std::map<std::string, int64_t, std::less<>> last_offsets_;
  std::unordered_map<Key, Partial, KeyHash> partials_;
  Partial zero_partial_;  // stands in for messages without a UUID
  Partial* emit_ = nullptr;
  const Envelope* dequeued_ = nullptr;
  uint64_t dequeued_clock_ = 0;
  ReplayReader replay_;
  Envelope replay_env_;
  std::vector<Slot> ring_;
  std::vector<int> next_;  // ring index of the same producer's next entry, or -1
  int head_ = 0;
};

}  // namespace flow::storage
