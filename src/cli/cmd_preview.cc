// SPDX-License-Identifier: Apache-2.0
// cli/cmd_preview.cc: `flowctl preview`: runs one SQLite derivation over a fixture of
// source transactions, or over the current documents of a data directory, and prints
// its output documents as JSON lines (runtime/preview/preview.h).
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/file.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/catalog_diagnostics.h"
#include "cli/command.h"
#include "cli/exit_code.h"
#include "doc/json.h"
#include "runtime/preview/directory_source.h"
#include "runtime/preview/fixture.h"
#include "runtime/preview/preview.h"

namespace flow::cli {
namespace {

struct PreviewFlags {
  std::string source;
  std::string name;
  std::string fixture;
  std::string directory = "flowctl_develop";
};

int Fail(int code, std::string_view message) {
  std::fprintf(stderr, "flowctl: error: %.*s\n", static_cast<int>(message.size()), message.data());
  return code;
}

// Writes and clears `buf`. A closed stdout (EPIPE, e.g. `| head`) sets *closed and
// stops the run with Cancelled.
Status WriteStdout(std::string* buf, bool* closed) {
  size_t off = 0;
  while (off < buf->size()) {
    ssize_t n = write(STDOUT_FILENO, buf->data() + off, buf->size() - off);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EPIPE) {
        *closed = true;
        return Status::Cancelled("standard output is closed");
      }
      return Status::IOError("writing standard output: {}", std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  buf->clear();
  return Status::OK();
}

int RunPreview(const PreviewFlags& flags) {
  std::unique_ptr<catalog::Catalog> cat = catalog::LoadCatalog(flags.source);
  size_t errors = PrintCatalogDiagnostics(*cat);
  if (errors > 0) {
    std::fprintf(stderr, "catalog build failed with %zu error(s)\n", errors);
    return kExitUsage;
  }
  auto derived = runtime::preview::FindPreviewDerivation(*cat, flags.name);
  if (!derived.ok())
    return Fail(kExitUsage, derived.status().message());
  std::string fixture;
  std::unique_ptr<runtime::preview::PreviewSource> source;
  if (!flags.fixture.empty()) {
    auto text = ReadFile(flags.fixture);
    if (!text.ok()) {
      return Fail(kExitFailure,
                  fmt::format("reading fixture {}: {}", flags.fixture, text.status().message()));
    }
    fixture = std::move(text).value();
    source = runtime::preview::NewFixtureSource(fixture);
  } else {
    auto dir = runtime::preview::NewDirectorySource(**derived, flags.directory);
    if (!dir.ok())
      return Fail(kExitFailure, dir.status().message());
    source = std::move(dir).value();
  }

  const auto start = std::chrono::steady_clock::now();
  // A transaction's output is written once it has committed, so a failure prints what
  // the earlier transactions produced and nothing of its own.
  std::string out;
  bool closed = false;
  runtime::preview::PreviewStats stats;
  Status s = runtime::preview::RunPreview(
      *cat, **derived, *source,
      [&](const doc::Node& d) {
        doc::AppendJson(d, &out);
        out.push_back('\n');
        return Status::OK();
      },
      &stats, [&] { return WriteStdout(&out, &closed); });
  if (closed)
    return kExitOk;
  if (!s.ok())
    return Fail(kExitFailure, s.message());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  FLOW_LOG_DEBUG(
      "preview: {} transactions, {} source documents, {} reads, {} output documents in {:.3f}s",
      stats.transactions, stats.documents, stats.reads, stats.outputs, secs);
  return kExitOk;
}

}  // namespace

void RegisterPreview(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<PreviewFlags>();
  CLI::App* cmd = app.add_subcommand("preview",
                                     "Run one SQLite derivation over fixture transactions or a "
                                     "data directory; print its output as JSON lines");
  cmd->add_option("--source", flags->source, "The catalog: a path or file:// URL")->required();
  cmd->add_option("--name", flags->name,
                  "The derivation to run (optional if the catalog has only one)");
  CLI::Option* fixture =
      cmd->add_option("--fixture", flags->fixture,
                      "JSON array of transactions, each an array of [collection, document] pairs");
  cmd->add_option("--directory", flags->directory,
                  "Without --fixture: the data directory whose current documents to read")
      ->capture_default_str()
      ->excludes(fixture);
  cmd->callback([&ctx, flags] { ctx.run = [flags] { return RunPreview(*flags); }; });
}

}  // namespace flow::cli
