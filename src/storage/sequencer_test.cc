// SPDX-License-Identifier: Apache-2.0
// storage/sequencer_test.cc: read-committed sequencing of transactional messages.
#include "storage/sequencer.h"

#include <deque>

#include <doctest/doctest.h>

#include "base/log.h"

namespace flow::storage {
namespace {

const ProducerId kP1{{0x01, 0x11, 0x11, 0x11, 0x11, 0x11}};
const ProducerId kP2{{0x03, 0x22, 0x22, 0x22, 0x22, 0x22}};
constexpr char kJ[] = "a/journal";

// Builds messages of one journal at consecutive offsets.
struct Journal {
  int64_t offset = 0;
  Envelope Msg(const ProducerId& p, uint64_t clock, uint16_t flags, std::string content = "") {
    Envelope env;
    env.journal = kJ;
    env.begin = offset;
    env.end = offset + 10;
    offset = env.end;
    env.uuid = clock == 0 ? Uuid() : Uuid::Build(p, Clock(clock), flags);
    env.content = content.empty() ? std::to_string(clock) : std::move(content);
    return env;
  }
};

// Steps through everything committed, returning the payloads.
std::vector<std::string> Drain(Sequencer& seq) {
  std::vector<std::string> out;
  while (true) {
    auto env = seq.Step();
    REQUIRE_MESSAGE(env.ok(), env.status().ToString());
    if (*env == nullptr)
      return out;
    out.push_back((*env)->content);
  }
}

using V = std::vector<std::string>;

// Silences the errors a test provokes on purpose.
struct QuietLog {
  QuietLog() : saved(log::CurrentLevel()) { log::SetLevel(log::Level::kOff); }
  ~QuietLog() { log::SetLevel(saved); }
  log::Level saved;
};

TEST_CASE("sequencer: OUTSIDE_TXN commits at once; duplicates are skipped") {
  Sequencer seq;
  Journal j;
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 100, kOutsideTxn)) == QueueOutcome::kOutsideCommit);
  CHECK(Drain(seq) == V{"100"});
  CHECK(seq.offsets().at(kJ) == 10);
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 200, kOutsideTxn)) == QueueOutcome::kOutsideCommit);
  CHECK(Drain(seq) == V{"200"});
  // A re-delivered (at-least-once) copy.
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 200, kOutsideTxn)) == QueueOutcome::kOutsideAlreadyAcked);
  CHECK(Drain(seq).empty());
  CHECK(seq.offsets().at(kJ) == 30);
  // Messages without a UUID commit immediately, every time.
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 0, 0, "no-uuid")) == QueueOutcome::kOutsideCommit);
  CHECK(Drain(seq) == V{"no-uuid"});
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 0, 0, "no-uuid")) == QueueOutcome::kOutsideCommit);
  CHECK(Drain(seq) == V{"no-uuid"});
}

TEST_CASE("sequencer: uncommitted messages wait for their ACK") {
  Sequencer seq;
  Journal j;
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 100, kContinueTxn)) == QueueOutcome::kContinueBeginSpan);
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 110, kContinueTxn)) == QueueOutcome::kContinueExtendSpan);
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 120, kContinueTxn)) == QueueOutcome::kContinueExtendSpan);
  CHECK(Drain(seq).empty());  // nothing committed yet
  CHECK(seq.HasPending());
  auto cp = seq.Checkpoint(0);
  REQUIRE(cp.producers.size() == 1);
  CHECK(cp.producers[0].producer == kP1);
  CHECK(cp.producers[0].last_ack == Clock(99));
  CHECK(cp.producers[0].begin == 0);
  CHECK(cp.offsets.at(kJ) == 30);
  CHECK_FALSE(seq.HasPending());  // no span began since that checkpoint

  CHECK(seq.QueueUncommitted(j.Msg(kP1, 130, kAckTxn, "ack")) == QueueOutcome::kAckCommitRing);
  // The read-through offset stays before the ACK until its sequence is dequeued.
  CHECK(seq.offsets().at(kJ) == 30);
  CHECK(Drain(seq) == V{"100", "110", "120", "ack"});
  CHECK(seq.offsets().at(kJ) == 40);
  cp = seq.Checkpoint(0);
  CHECK(cp.producers[0].last_ack == Clock(130));
  CHECK(cp.producers[0].begin == -1);

  // An ACK with nothing pending delivers just itself.
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 140, kAckTxn, "ack2")) == QueueOutcome::kAckEmpty);
  CHECK(Drain(seq) == V{"ack2"});
}

TEST_CASE("sequencer: rolled-back messages are dropped") {
  Sequencer seq;
  Journal j;
  // A committed transaction, then one whose producer crashed before committing.
  seq.QueueUncommitted(j.Msg(kP1, 100, kContinueTxn));
  seq.QueueUncommitted(j.Msg(kP1, 110, kAckTxn, "ack"));
  CHECK(Drain(seq) == V{"100", "ack"});
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 120, kContinueTxn)) == QueueOutcome::kContinueBeginSpan);
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 130, kContinueTxn)) == QueueOutcome::kContinueExtendSpan);
  // On recovery the producer re-sends its last checkpointed ACK (clock 110): a rollback.
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 110, kAckTxn, "ack")) == QueueOutcome::kAckRollback);
  CHECK(Drain(seq).empty());
  // Re-reads of the rolled-back messages stay dropped.
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 120, kContinueTxn)) == QueueOutcome::kContinueBeginSpan);
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 110, kAckTxn, "ack")) == QueueOutcome::kAckRollback);
  CHECK(Drain(seq).empty());

  // An ACK below the span's maximum commits up to its clock and drops the rest.
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 200, kContinueTxn)) == QueueOutcome::kContinueBeginSpan);
  seq.QueueUncommitted(j.Msg(kP1, 210, kContinueTxn));
  seq.QueueUncommitted(j.Msg(kP1, 230, kContinueTxn));
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 220, kAckTxn, "ack220")) == QueueOutcome::kAckCommitRing);
  CHECK(Drain(seq) == V{"200", "210", "ack220"});
  // 230 was rolled back; a later copy of it would still count as pending, not committed.
  CHECK(seq.Checkpoint(0).producers[0].last_ack == Clock(220));
}

TEST_CASE("sequencer: duplicate ACKs and re-read transactions deliver nothing twice") {
  Sequencer seq;
  Journal j;
  seq.QueueUncommitted(j.Msg(kP1, 100, kContinueTxn));
  seq.QueueUncommitted(j.Msg(kP1, 110, kContinueTxn));
  seq.QueueUncommitted(j.Msg(kP1, 120, kAckTxn, "ack"));
  CHECK(Drain(seq) == V{"100", "110", "ack"});
  // The same ACK appended again (the ACK intent re-sent after a restart).
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 120, kAckTxn, "ack")) == QueueOutcome::kAckRollback);
  CHECK(Drain(seq).empty());
  // The whole transaction appended again (an at-least-once append retry).
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 100, kContinueTxn)) == QueueOutcome::kContinueAlreadyAcked);
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 110, kContinueTxn)) == QueueOutcome::kContinueAlreadyAcked);
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 120, kAckTxn, "ack")) == QueueOutcome::kAckRollback);
  CHECK(Drain(seq).empty());
  // A duplicate inside a pending span.
  seq.QueueUncommitted(j.Msg(kP1, 200, kContinueTxn));
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 200, kContinueTxn)) ==
        QueueOutcome::kContinueTxnClockLarger);
  seq.QueueUncommitted(j.Msg(kP1, 210, kAckTxn, "ack2"));
  CHECK(Drain(seq) == V{"200", "ack2"});
}

TEST_CASE("sequencer: interleaved producers commit independently") {
  Sequencer seq;
  Journal j;
  seq.QueueUncommitted(j.Msg(kP1, 100, kContinueTxn, "p1-a"));
  seq.QueueUncommitted(j.Msg(kP2, 500, kContinueTxn, "p2-a"));
  seq.QueueUncommitted(j.Msg(kP1, 110, kContinueTxn, "p1-b"));
  seq.QueueUncommitted(j.Msg(kP2, 510, kContinueTxn, "p2-b"));
  // P2 commits first: its messages are not blocked behind P1's pending ones.
  CHECK(seq.QueueUncommitted(j.Msg(kP2, 520, kAckTxn, "p2-ack")) == QueueOutcome::kAckCommitRing);
  CHECK(Drain(seq) == V{"p2-a", "p2-b", "p2-ack"});
  seq.QueueUncommitted(j.Msg(kP2, 530, kContinueTxn, "p2-c"));
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 120, kAckTxn, "p1-ack")) == QueueOutcome::kAckCommitRing);
  CHECK(Drain(seq) == V{"p1-a", "p1-b", "p1-ack"});
  // P2 abandons its open transaction; a fresh producer takes over.
  seq.QueueUncommitted(j.Msg(kP2, 520, kAckTxn, "p2-ack"));
  CHECK(Drain(seq).empty());
  auto cp = seq.Checkpoint(0);
  REQUIRE(cp.producers.size() == 2);
  CHECK(cp.producers[0].producer == kP1);
  CHECK(cp.producers[0].last_ack == Clock(120));
  CHECK(cp.producers[1].last_ack == Clock(520));
  CHECK(cp.producers[1].begin == -1);
}

TEST_CASE("sequencer: OUTSIDE_TXN after a pending span clobbers it") {
  QuietLog quiet;
  Sequencer seq;
  Journal j;
  seq.QueueUncommitted(j.Msg(kP1, 100, kContinueTxn));
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 110, kOutsideTxn, "outside")) ==
        QueueOutcome::kOutsideCommit);
  CHECK(Drain(seq) == V{"outside"});
}

TEST_CASE("sequencer: an ACK below the acknowledged clock resets the producer") {
  QuietLog quiet;
  Sequencer seq;
  Journal j;
  seq.QueueUncommitted(j.Msg(kP1, 100, kContinueTxn));
  seq.QueueUncommitted(j.Msg(kP1, 200, kAckTxn));
  Drain(seq);
  seq.QueueUncommitted(j.Msg(kP1, 300, kContinueTxn));
  CHECK(seq.QueueUncommitted(j.Msg(kP1, 150, kAckTxn)) == QueueOutcome::kAckRollback);
  CHECK(Drain(seq).empty());
  // From here on clocks above 150 count as new (at-least-once).
  seq.QueueUncommitted(j.Msg(kP1, 160, kContinueTxn, "again"));
  seq.QueueUncommitted(j.Msg(kP1, 170, kAckTxn, "ack"));
  CHECK(Drain(seq) == V{"again", "ack"});
}

TEST_CASE("sequencer: spans longer than the ring are replayed from the journal") {
  Journal j;
  std::deque<Envelope> log;  // everything "written" to the journal
  auto write = [&](Envelope env) {
    log.push_back(env);
    return env;
  };
  Sequencer seq({}, {}, 3);
  seq.QueueUncommitted(write(j.Msg(kP1, 100, kContinueTxn, "a")));
  seq.QueueUncommitted(write(j.Msg(kP2, 900, kContinueTxn, "other")));
  seq.QueueUncommitted(write(j.Msg(kP1, 110, kContinueTxn, "b")));
  seq.QueueUncommitted(write(j.Msg(kP1, 120, kContinueTxn, "c")));
  // The ring (3) no longer holds "a": the commit needs a replay.
  CHECK(seq.QueueUncommitted(write(j.Msg(kP1, 130, kAckTxn, "ack"))) ==
        QueueOutcome::kAckCommitReplay);
  auto range = seq.ReplayRange();
  CHECK(range.journal == kJ);
  CHECK(range.begin == 0);
  CHECK(range.end == 20);  // where the ring's part of the span begins ("b")
  size_t next = 0;
  seq.StartReplay([&]() -> Result<std::optional<Envelope>> {
    while (next < log.size() && log[next].end <= range.end) {
      if (log[next].begin >= range.begin)
        return std::optional<Envelope>(log[next++]);
      ++next;
    }
    return std::optional<Envelope>();
  });
  CHECK(Drain(seq) == V{"a", "b", "c", "ack"});
  CHECK(seq.offsets().at(kJ) == 50);
}

TEST_CASE("sequencer: restored producer state resumes exactly once") {
  Journal j;
  std::vector<Envelope> log;
  log.push_back(j.Msg(kP1, 100, kContinueTxn, "a"));
  log.push_back(j.Msg(kP1, 110, kContinueTxn, "b"));
  log.push_back(j.Msg(kP1, 120, kAckTxn, "ack"));

  // A checkpoint taken after reading the two CONTINUE messages.
  Sequencer::CheckpointState cp;
  {
    Sequencer seq;
    seq.QueueUncommitted(log[0]);
    seq.QueueUncommitted(log[1]);
    cp = seq.Checkpoint(0);
  }
  Sequencer restored(cp.offsets, cp.producers);
  // Reading resumes at the checkpointed offset: only the ACK is new to this sequencer.
  CHECK(cp.offsets.at(kJ) == 20);
  CHECK(restored.QueueUncommitted(log[2]) == QueueOutcome::kAckCommitReplay);
  CHECK(restored.ReplayRange().begin == 0);
  size_t next = 0;
  restored.StartReplay([&]() -> Result<std::optional<Envelope>> {
    if (next < 2)
      return std::optional<Envelope>(log[next++]);
    return std::optional<Envelope>();
  });
  CHECK(Drain(restored) == V{"a", "b", "ack"});

  // A replay that strays outside the range is an error, not a silent misdelivery.
  Sequencer again(cp.offsets, cp.producers);
  again.QueueUncommitted(log[2]);
  again.StartReplay([&]() -> Result<std::optional<Envelope>> { return std::optional(log[2]); });
  CHECK(again.Step().status().Is(Code::kCorruption));
}

TEST_CASE("sequencer: checkpoints prune long-idle producers") {
  Sequencer seq;
  Journal j;
  const uint64_t hour = (3600ULL * 10'000'000ULL) << 4;
  const uint64_t base = Clock::FromUnixNanos(int64_t{1714568842} * 1'000'000'000).value();
  seq.QueueUncommitted(j.Msg(kP1, base, kOutsideTxn));
  Drain(seq);
  seq.QueueUncommitted(j.Msg(kP2, base + 25 * hour, kOutsideTxn));
  Drain(seq);
  CHECK(seq.Checkpoint(0).producers.size() == 2);
  auto cp = seq.Checkpoint(24 * 3600);
  REQUIRE(cp.producers.size() == 1);
  CHECK(cp.producers[0].producer == kP2);
  CHECK(QueueOutcomeName(QueueOutcome::kAckCommitReplay) == "ackCommitReplay");
}

}  // namespace
}  // namespace flow::storage
