// SPDX-License-Identifier: Apache-2.0
// storage/sequencer.cc: Gazette's sequencing rules over a ring of recent envelopes.
#include "storage/sequencer.h"

#include <algorithm>

#include "base/check.h"
#include "base/log.h"

namespace flow::storage {

std::string_view QueueOutcomeName(QueueOutcome outcome) {
  switch (outcome) {
    case QueueOutcome::kOutsideAlreadyAcked:
      return "outsideAlreadyAcked";
    case QueueOutcome::kOutsideCommit:
      return "outsideCommit";
    case QueueOutcome::kContinueAlreadyAcked:
      return "continueAlreadyAcked";
    case QueueOutcome::kContinueTxnClockLarger:
      return "continueTxnClockLarger";
    case QueueOutcome::kContinueBeginSpan:
      return "continueBeginSpan";
    case QueueOutcome::kContinueExtendSpan:
      return "continueExtendSpan";
    case QueueOutcome::kAckRollback:
      return "ackRollback";
    case QueueOutcome::kAckEmpty:
      return "ackEmpty";
    case QueueOutcome::kAckCommitRing:
      return "ackCommitRing";
    case QueueOutcome::kAckCommitReplay:
      return "ackCommitReplay";
  }
  return "invalidOutcome";
}

size_t Sequencer::KeyHash::operator()(const Key& k) const {
  size_t h = std::hash<std::string_view>()(k.journal);
  for (uint8_t b : k.producer.bytes)
    h = h * 1099511628211ULL ^ b;
  return h;
}

Sequencer::Sequencer(std::map<std::string, int64_t, std::less<>> offsets,
                     const std::vector<ProducerState>& states, size_t ring_size)
    : offsets_(std::move(offsets)) {
  last_offsets_ = offsets_;
  ring_size = std::max<size_t>(ring_size, 1);
  ring_.resize(ring_size);
  next_.assign(ring_size, -1);
  for (const ProducerState& st : states) {
    Key key{Intern(st.journal), st.producer};
    Partial p;
    p.key = key;
    p.min_clock = st.last_ack.value();
    p.max_clock = st.last_ack.value();
    p.begin = st.begin;
    partials_[key] = p;
  }
}

Sequencer::~Sequencer() = default;

void Sequencer::SetOffset(std::string_view journal, int64_t offset) {
  auto it = offsets_.find(journal);
  if (it == offsets_.end())
    offsets_.emplace(std::string(journal), offset);
  else
    it->second = offset;
}

std::string_view Sequencer::Intern(std::string_view journal) {
  auto it = journals_.find(journal);
  if (it == journals_.end())
    it = journals_.emplace(journal).first;
  return *it;
}

QueueOutcome Sequencer::QueueUncommitted(Envelope env) {
  FLOW_CHECK(emit_ == nullptr, "committed messages remain to dequeue");
  EvictAtHead();
  env.journal = Intern(env.journal);

  Key key{env.journal, env.uuid.producer()};
  uint64_t clock = env.uuid.clock().value();
  uint16_t flags = env.uuid.flags();
  Partial* partial;
  if (clock == 0) {
    // No UUID: commit immediately and never index it.
    zero_partial_ = Partial{key, 0, 0, -1, -1, -1};
    partial = &zero_partial_;
    flags = kOutsideTxn;
    clock = 1;
  } else {
    auto it = partials_.find(key);
    if (it == partials_.end())
      it = partials_.emplace(key, Partial{key, clock - 1, clock - 1, -1, -1, -1}).first;
    partial = &it->second;
  }

  // Decide first; mutate below.
  QueueOutcome outcome;
  switch (flags) {
    default:
      LogError(env, *partial, "unexpected UUID flags; treating the message as OUTSIDE_TXN");
      [[fallthrough]];
    case kOutsideTxn:
      if (clock <= partial->min_clock) {
        outcome = QueueOutcome::kOutsideAlreadyAcked;
      } else {
        if (partial->begin != -1) {
          LogError(env, *partial,
                   "unexpected OUTSIDE_TXN with a preceding CONTINUE_TXN (mixed committed and "
                   "uncommitted publishing to one journal?)");
        }
        outcome = QueueOutcome::kOutsideCommit;
      }
      break;
    case kContinueTxn:
      if (clock <= partial->min_clock) {
        outcome = QueueOutcome::kContinueAlreadyAcked;
      } else if (clock <= partial->max_clock) {
        outcome = QueueOutcome::kContinueTxnClockLarger;
      } else if (partial->begin == -1) {
        outcome = QueueOutcome::kContinueBeginSpan;
      } else {
        outcome = QueueOutcome::kContinueExtendSpan;
      }
      break;
    case kAckTxn:
      if (clock < partial->min_clock) {
        // An upstream producer recovered an older checkpoint than one it acknowledged
        // before; its re-sent messages may carry new clocks, so exactly-once degrades
        // to at-least-once until it catches up.
        LogError(env, *partial,
                 "ACK_TXN below the last acknowledged clock (loss of exactly-once semantics)");
        outcome = QueueOutcome::kAckRollback;
      } else if (clock == partial->min_clock) {
        outcome = QueueOutcome::kAckRollback;  // a re-sent ACK: roll back the pending span
      } else if (partial->begin == -1) {
        outcome = QueueOutcome::kAckEmpty;
      } else if (partial->ring_start == -1 ||
                 partial->begin != ring_[static_cast<size_t>(partial->ring_start)].env.begin) {
        outcome = QueueOutcome::kAckCommitReplay;  // some of the span left the ring
      } else {
        outcome = QueueOutcome::kAckCommitRing;
      }
      break;
  }

  // Each case either sets emit_ or advances the read-through offset, never both: a
  // committed sequence moves the offset only once fully dequeued.
  switch (outcome) {
    case QueueOutcome::kOutsideAlreadyAcked:
    case QueueOutcome::kContinueAlreadyAcked:
    case QueueOutcome::kContinueTxnClockLarger:
      SetOffset(env.journal, env.end);
      break;
    case QueueOutcome::kContinueBeginSpan:
    case QueueOutcome::kContinueExtendSpan: {
      if (outcome == QueueOutcome::kContinueBeginSpan)
        partial->begin = env.begin;
      const int64_t end = env.end;
      const std::string_view journal = env.journal;  // interned: outlives the move
      AddAtHead(std::move(env), partial);
      partial->max_clock = clock;
      SetOffset(journal, end);
      break;
    }
    case QueueOutcome::kAckRollback:
      *partial = Partial{partial->key, clock, clock, -1, -1, -1};
      SetOffset(env.journal, env.end);
      break;
    case QueueOutcome::kAckEmpty:
    case QueueOutcome::kAckCommitRing:
    case QueueOutcome::kAckCommitReplay:
    case QueueOutcome::kOutsideCommit: {
      const int64_t begin = env.begin;
      AddAtHead(std::move(env), partial);
      if (outcome == QueueOutcome::kAckEmpty) {
        partial->begin = begin;
      } else if (outcome == QueueOutcome::kOutsideCommit) {
        // A pending span (misuse, logged above) is clobbered: effectively rolled back.
        partial->begin = begin;
        partial->ring_start = partial->ring_stop;
      }
      // Commit through `clock`, which may be below the span's maximum: messages above it
      // are skipped while dequeuing.
      partial->max_clock = clock;
      emit_ = partial;
      break;
    }
  }
  return outcome;
}

Result<const Envelope*> Sequencer::Step() {
  if (emit_ == nullptr)
    return static_cast<const Envelope*>(nullptr);
  FLOW_CHECK(dequeued_ != nullptr || replay_ ||
                 emit_->begin == ring_[static_cast<size_t>(emit_->ring_start)].env.begin,
             "the caller had to StartReplay({}, [{}, {})) and did not", emit_->key.journal,
             emit_->begin, ring_[static_cast<size_t>(emit_->ring_start)].env.begin);

  if (dequeued_ != nullptr)
    emit_->min_clock = dequeued_clock_;  // the previous envelope was processed

  while (emit_->ring_start != -1) {
    const int ring_start = emit_->ring_start;
    if (!replay_) {
      dequeued_ = &ring_[static_cast<size_t>(ring_start)].env;
      emit_->ring_start = next_[static_cast<size_t>(ring_start)];
    } else {
      Result<std::optional<Envelope>> next = replay_();
      if (!next.ok())
        return std::move(next).take_status().Annotate("replay reader");
      if (!next->has_value()) {
        replay_ = nullptr;  // replay done; continue from the ring
        continue;
      }
      replay_env_ = std::move(**next);
      const int64_t ring_begin = ring_[static_cast<size_t>(ring_start)].env.begin;
      if (replay_env_.journal != emit_->key.journal) {
        return Status::Corruption("replay of the wrong journal ({}; expected {})",
                                  replay_env_.journal, emit_->key.journal);
      }
      if (replay_env_.begin < emit_->begin) {
        return Status::Corruption("replay has the wrong begin ({}; expected >= {})",
                                  replay_env_.begin, emit_->begin);
      }
      if (replay_env_.end > ring_begin) {
        return Status::Corruption("replay has the wrong end ({}; expected <= {})", replay_env_.end,
                                  ring_begin);
      }
      if (replay_env_.uuid.producer() != emit_->key.producer)
        continue;  // another producer's message, interleaved in the replayed range
      replay_env_.journal = emit_->key.journal;
      dequeued_ = &replay_env_;
    }
    dequeued_clock_ = dequeued_->uuid.clock().value();
    if (dequeued_clock_ != 0 && dequeued_clock_ <= emit_->min_clock) {
      // Replays re-read already delivered messages; the ring never holds duplicates
      // (except clock-0 messages, which are never compared).
      FLOW_CHECK(replay_ != nullptr, "ring clock {} <= acknowledged clock {}", dequeued_clock_,
                 emit_->min_clock);
      continue;
    }
    if (dequeued_clock_ > emit_->max_clock)
      continue;                       // rolled back by the ACK
    emit_->begin = dequeued_->begin;  // a recovering sequencer resumes here
    return dequeued_;
  }

  // The sequence is fully dequeued: only now move the read-through offset past its ACK,
  // so that a sequencer restored from an earlier checkpoint sees the ACK again.
  SetOffset(emit_->key.journal, dequeued_->end);
  *emit_ = Partial{emit_->key, emit_->min_clock, emit_->min_clock, -1, -1, -1};
  dequeued_ = nullptr;
  emit_ = nullptr;
  dequeued_clock_ = 0;
  return static_cast<const Envelope*>(nullptr);
}

Sequencer::Range Sequencer::ReplayRange() const {
  FLOW_CHECK(emit_ != nullptr, "ReplayRange without a committed sequence");
  return Range{emit_->key.journal, emit_->begin,
               ring_[static_cast<size_t>(emit_->ring_start)].env.begin};
}

void Sequencer::StartReplay(ReplayReader reader) {
  FLOW_CHECK(emit_ != nullptr, "StartReplay without a committed sequence");
  replay_ = std::move(reader);
}

bool Sequencer::HasPending() const {
  for (const auto& [key, partial] : partials_) {
    auto it = last_offsets_.find(key.journal);
    int64_t last = it == last_offsets_.end() ? 0 : it->second;
    if (partial.begin != -1 && partial.begin >= last)
      return true;
  }
  return false;
}

Sequencer::CheckpointState Sequencer::Checkpoint(int64_t prune_horizon_seconds) {
  FLOW_CHECK(emit_ == nullptr, "Checkpoint while committed messages remain to dequeue");
  // The newest acknowledged clock of each journal, lowered by the horizon.
  std::map<std::string_view, uint64_t> bound;
  for (const auto& [key, partial] : partials_) {
    uint64_t& b = bound[key.journal];
    b = std::max(b, partial.min_clock);
  }
  const uint64_t horizon = prune_horizon_seconds > 0
                               ? (static_cast<uint64_t>(prune_horizon_seconds) * 10'000'000ULL) << 4
                               : 0;
  for (auto& [journal, b] : bound)
    b = (horizon == 0 || b < horizon) ? 0 : b - horizon;

  CheckpointState out;
  for (auto it = partials_.begin(); it != partials_.end();) {
    const Partial& p = it->second;
    if (p.max_clock >= bound[it->first.journal]) {
      out.producers.push_back(ProducerState{std::string(it->first.journal), it->first.producer,
                                            Clock(p.min_clock), p.begin});
      ++it;
    } else {
      it = partials_.erase(it);
    }
  }
  std::sort(out.producers.begin(), out.producers.end(),
            [](const ProducerState& a, const ProducerState& b) {
              return a.journal != b.journal ? a.journal < b.journal : a.producer < b.producer;
            });
  last_offsets_ = offsets_;
  out.offsets = offsets_;
  return out;
}

void Sequencer::EvictAtHead() {
  Slot& slot = ring_[static_cast<size_t>(head_)];
  if (!slot.used)
    return;
  Key key{slot.env.journal, slot.env.uuid.producer()};
  // A span that still starts at this entry now starts at its next entry (or has none
  // left in the ring, and will need a replay if it commits).
  auto it = partials_.find(key);
  if (it != partials_.end() && it->second.ring_start == head_) {
    Partial& p = it->second;
    const int next = next_[static_cast<size_t>(p.ring_start)];
    if (p.ring_start == p.ring_stop) {
      FLOW_CHECK(next == -1, "ring span invariant violated");
      p.ring_start = p.ring_stop = -1;
    } else {
      FLOW_CHECK(next != -1, "ring span invariant violated");
      p.ring_start = next;
    }
  }
  slot = Slot{};
  next_[static_cast<size_t>(head_)] = -1;
}

void Sequencer::AddAtHead(Envelope env, Partial* partial) {
  Slot& slot = ring_[static_cast<size_t>(head_)];
  slot.env = std::move(env);
  slot.used = true;
  next_[static_cast<size_t>(head_)] = -1;
  if (partial->ring_stop == -1) {
    partial->ring_start = head_;
  } else {
    next_[static_cast<size_t>(partial->ring_stop)] = head_;
  }
  partial->ring_stop = head_;
  head_ = (head_ + 1) % static_cast<int>(ring_.size());
}

void Sequencer::LogError(const Envelope& env, const Partial& partial, std::string_view msg) const {
  FLOW_LOG_ERROR(
      "sequencer: {} (journal {}, offsets [{}, {}), producer {}, clock {}, flags {}, "
      "last ack {}, pending max {}, pending begin {})",
      msg, env.journal, env.begin, env.end, env.uuid.producer().ToString(),
      env.uuid.clock().value(), env.uuid.flags(), partial.min_clock, partial.max_clock,
      partial.begin);
}

}  // namespace flow::storage
