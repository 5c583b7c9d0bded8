// SPDX-License-Identifier: Apache-2.0
// cli/cmd_collections_read.cc: `flowctl collections read`: a collection's documents from
// a data directory, as JSON lines: history from fragment files, then spools, then (with
// --follow) new commits as they land (runtime/read/collection_reader.h).
//
// Read-committed by default: a transaction's documents appear once its ACK is read, each
// exactly once; --uncommitted shows documents as soon as they are appended (including
// ones whose transaction is later rolled back). ACK documents are never shown.
// --partitions selects logical partitions by name before any journal byte is read.
// Exit 0 when the history is printed (or stdout is closed); with --follow, 130 once
// SIGINT or SIGTERM stops it; 1 on read errors; 2 on usage or catalog errors.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/uv_loop.h"
#include "catalog/catalog.h"
#include "cli/catalog_diagnostics.h"
#include "cli/command.h"
#include "cli/exit_code.h"
#include "runtime/read/collection_reader.h"

namespace flow::cli {
namespace {

struct ReadFlags {
  std::string source;
  std::string collection;
  std::string directory = "flowctl_develop";
  std::string partitions;
  bool follow = false;
  bool uncommitted = false;
};

int Fail(int code, std::string_view message) {
  std::fprintf(stderr, "flowctl: error: %.*s\n", static_cast<int>(message.size()), message.data());
  return code;
}

// Buffers documents and writes them to stdout; a closed stdout ends the read quietly.
class Output {
 public:
  Status Add(std::string_view line) {
    buf_.append(line);
    return buf_.size() >= (1 << 20) ? Flush() : Status::OK();
  }
  Status Flush() {
    std::string_view s = buf_;
    while (!s.empty()) {
      ssize_t n = write(STDOUT_FILENO, s.data(), s.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0) {
        buf_.clear();
        if (errno == EPIPE) {
          closed_ = true;
          return Status::Cancelled("stdout is closed");
        }
        return Status::IOError("writing stdout: {}", std::strerror(errno));
      }
      s.remove_prefix(static_cast<size_t>(n));
    }
    buf_.clear();
    return Status::OK();
  }
  bool closed() const { return closed_; }

 private:
  std::string buf_;
  bool closed_ = false;
};

int RunCollectionsRead(const ReadFlags& flags) {
  std::unique_ptr<catalog::Catalog> cat = catalog::LoadCatalog(flags.source);
  if (size_t errors = PrintCatalogDiagnostics(*cat); errors > 0) {
    std::fprintf(stderr, "catalog build failed with %zu error(s)\n", errors);
    return kExitUsage;
  }
  const catalog::Collection* collection = cat->FindCollection(flags.collection);
  if (collection == nullptr) {
    return Fail(kExitUsage,
                fmt::format("collection {} is not in catalog {}", flags.collection, flags.source));
  }
  runtime::read::CollectionReadOptions options;
  options.uncommitted = flags.uncommitted;
  if (!flags.partitions.empty()) {
    auto sel = runtime::read::ParsePartitionSelector(flags.partitions);
    if (!sel.ok())
      return Fail(kExitUsage, fmt::format("--partitions: {}", sel.status().message()));
    for (const auto* side : {&sel->include, &sel->exclude}) {
      for (const auto& [field, values] : *side) {
        const auto& pf = collection->partition_fields;
        if (std::find(pf.begin(), pf.end(), field) == pf.end()) {
          return Fail(kExitUsage, fmt::format("--partitions: {} is not a partition field of {}",
                                              field, collection->name));
        }
      }
    }
    options.selector = std::move(sel).value();
  }
  auto reader = runtime::read::CollectionReader::Open(collection->name, flags.directory, options);
  if (!reader.ok())
    return Fail(kExitFailure, reader.status().message());

  Output out;
  auto emit = [&out](const runtime::read::ReadDocument& d) { return out.Add(d.line); };
  auto finish = [&](Status s) -> int {
    if (s.ok())
      s = out.Flush();
    if (out.closed())
      return kExitOk;
    return s.ok() ? kExitOk : Fail(kExitFailure, s.message());
  };
  if (!flags.follow)
    return finish((*reader)->ReadAvailable(emit));

  auto loop = UvLoop::Create();
  if (!loop.ok())
    return Fail(kExitFailure, loop.status().message());
  // Flush after every round of reads, so a follower sees documents as they commit.
  auto follow_emit = [&](const runtime::read::ReadDocument& d) -> Status {
    FLOW_TRY(out.Add(d.line));
    return Status::OK();
  };
  struct Stopper {
    runtime::read::CollectionReader* reader;
    bool signaled = false;
  } stopper{reader->get()};
  uv_signal_t sigint, sigterm;
  uv_signal_init(loop->get(), &sigint);
  uv_signal_init(loop->get(), &sigterm);
  sigint.data = sigterm.data = &stopper;
  auto on_signal = [](uv_signal_t* h, int) {
    auto* st = static_cast<Stopper*>(h->data);
    st->signaled = true;
    st->reader->Stop();
  };
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_signal_start(&sigterm, on_signal, SIGTERM);
  // An idle check flushes output once the loop has nothing else to do.
  uv_check_t flusher;
  uv_check_init(loop->get(), &flusher);
  flusher.data = &out;
  uv_check_start(&flusher, [](uv_check_t* h) { (void)static_cast<Output*>(h->data)->Flush(); });
  uv_unref(reinterpret_cast<uv_handle_t*>(&flusher));

  Status s = (*reader)->Follow(loop->get(), follow_emit);
  for (uv_handle_t* h :
       {reinterpret_cast<uv_handle_t*>(&sigint), reinterpret_cast<uv_handle_t*>(&sigterm),
        reinterpret_cast<uv_handle_t*>(&flusher)}) {
    uv_close(h, nullptr);
  }
  loop->Run();
  int code = finish(s);
  if (code == kExitOk && stopper.signaled)
    return kExitInterrupted;
  return code;
}

}  // namespace

void RegisterCollectionsRead(CLI::App& app, Context& ctx) {
  CLI::App* collections = nullptr;
  try {
    collections = app.get_subcommand("collections");
  } catch (const CLI::OptionNotFound&) {
    collections = app.add_subcommand("collections", "Read collections of a data directory");
  }
  auto flags = std::make_shared<ReadFlags>();
  CLI::App* cmd = collections->add_subcommand(
      "read", "Print a collection's documents: fragments, then spools, then live with --follow");
  cmd->add_option("--source", flags->source, "Catalog file or URL")->required();
  cmd->add_option("--collection", flags->collection, "Collection to read")->required();
  cmd->add_option("--directory", flags->directory, "Data directory")->capture_default_str();
  cmd->add_option("--partitions", flags->partitions,
                  "Partition selector, e.g. {\"include\":{\"region\":[\"eu\"]}}");
  cmd->add_flag("--follow", flags->follow, "Keep printing new documents as they commit");
  cmd->add_flag("--uncommitted", flags->uncommitted,
                "Print documents as appended, before (or without) their transaction's commit");
  cmd->callback([&ctx, flags] { ctx.run = [flags] { return RunCollectionsRead(*flags); }; });
}

}  // namespace flow::cli
