// SPDX-License-Identifier: Apache-2.0
// cli/cmd_ingest.cc: `flowctl ingest`: JSON lines from stdin into a collection of a data
// directory, in exactly-once transactions (runtime/publish/ingest.h).
//
// Each transaction is validated, combined by key, stamped, routed, appended and then
// acknowledged: only then is its line printed on stdout, so a caller knows exactly what
// is durable. A transaction closes after --txn-docs documents, or as soon as stdin has
// nothing more to read right now (so a slow producer's documents are not held back).
// Exit 0 once everything is durable and rolled into fragment files; 1 for an invalid
// document (with its line number; nothing of its transaction is written) or an I/O
// error; 2 for usage or catalog errors.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catalog/catalog.h"
#include "cli/catalog_diagnostics.h"
#include "cli/command.h"
#include "cli/exit_code.h"
#include "doc/json.h"
#include "runtime/publish/ingest.h"

namespace flow::cli {
namespace {

struct IngestFlags {
  std::string source;
  std::string collection;
  std::string directory = "flowctl_develop";
  uint64_t txn_docs = 50000;
  std::string fragment_length = "512MiB";
  bool resume = false;
};

// "1048576", "64KiB", "512MiB", "1GiB".
Result<int64_t> ParseLength(std::string_view s) {
  size_t i = 0;
  int64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && v < (int64_t{1} << 40))
    v = v * 10 + (s[i++] - '0');
  const std::string_view unit = s.substr(i);
  int shift = -1;
  if (unit.empty() || unit == "B")
    shift = 0;
  else if (unit == "KiB")
    shift = 10;
  else if (unit == "MiB")
    shift = 20;
  else if (unit == "GiB")
    shift = 30;
  if (i == 0 || shift < 0 || v >= (int64_t{1} << 40))
    return Status::InvalidArgument("--fragment-length {}: expected bytes, e.g. 65536 or 64MiB", s);
  v <<= shift;
  if (v < 1024 || v > (int64_t{1} << 34))
    return Status::InvalidArgument("--fragment-length {} is outside 1KiB..16GiB", s);
  return v;
}

int Fail(int code, std::string_view message) {
  std::fprintf(stderr, "flowctl: error: %.*s\n", static_cast<int>(message.size()), message.data());
  return code;
}

bool WriteAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The acknowledgement line of one committed transaction.
std::string AckJson(const runtime::publish::CommitInfo& c) {
  std::string out = fmt::format("{{\"txn\":{},\"lines\":[{},{}],\"docs\":{},\"published\":{},",
                                c.txn, c.first_line, c.last_line, c.input_docs, c.published.docs);
  out += "\"journals\":{";
  bool first = true;
  for (const runtime::publish::JournalAppend& a : c.published.appends) {
    if (!first)
      out.push_back(',');
    first = false;
    doc::AppendJsonString(a.journal, &out);
    out += fmt::format(":[{},{}]", a.begin, a.end);
  }
  out += "}}\n";
  return out;
}

// True if reading stdin now would block (a pipe or terminal with nothing buffered).
bool InputIdle() {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  int rc;
  do {
    rc = poll(&p, 1, 0);
  } while (rc < 0 && errno == EINTR);
  return rc == 0;
}

int RunIngest(const IngestFlags& flags) {
  if (flags.txn_docs == 0)
    return Fail(kExitUsage, "--txn-docs must be at least 1");
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

  auto length = ParseLength(flags.fragment_length);
  if (!length.ok())
    return Fail(kExitUsage, length.status().message());
  runtime::publish::IngestOptions options;
  options.resume = flags.resume;
  options.publisher.journal.fragment_length = *length;
  auto opened = runtime::publish::Ingester::Open(*collection, flags.directory, options);
  if (!opened.ok())
    return Fail(kExitFailure, opened.status().message());
  runtime::publish::Ingester& in = **opened;
  if (in.recovered_unclean()) {
    const runtime::publish::IngestCheckpoint& cp = *in.recovered();
    std::fprintf(stderr,
                 "flowctl: recovered an interrupted ingest of %s: transaction %llu (input lines "
                 "1-%llu) is committed; anything after it was rolled back\n",
                 collection->name.c_str(), static_cast<unsigned long long>(cp.txn),
                 static_cast<unsigned long long>(cp.input_lines));
  }

  // Commits the open transaction and prints its acknowledgement.
  auto commit = [&]() -> Status {
    FLOW_ASSIGN_OR_RETURN(std::optional<runtime::publish::CommitInfo> c, in.Commit());
    if (c && !WriteAll(STDOUT_FILENO, AckJson(*c)) && errno != EPIPE)
      return Status::IOError("writing stdout: {}", std::strerror(errno));
    return Status::OK();
  };
  // After an error: keep what earlier transactions committed, then report.
  auto fail = [&](const Status& s) {
    in.Abort();
    Status closed = in.Close();
    int code = Fail(kExitFailure, s.message());
    if (!closed.ok())
      Fail(kExitFailure, closed.message());
    return code;
  };

  constexpr size_t kChunk = 1 << 20;
  std::string buf;
  size_t start = 0;  // first byte of the current (incomplete) line
  uint64_t line_no = 0;
  bool eof = false;
  while (!eof) {
    if (start > 0) {
      buf.erase(0, start);
      start = 0;
    }
    const size_t have = buf.size();
    buf.resize(have + kChunk);
    ssize_t n;
    do {
      n = read(STDIN_FILENO, buf.data() + have, kChunk);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
      return fail(Status::IOError("reading stdin: {}", std::strerror(errno)));
    buf.resize(have + static_cast<size_t>(n));
    eof = n == 0;
    size_t scan = have;
    while (true) {
      const void* nl = std::memchr(buf.data() + scan, '\n', buf.size() - scan);
      size_t end;
      if (nl != nullptr) {
        end = static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
      } else if (eof && start < buf.size()) {
        end = buf.size();  // a last line without a newline
      } else {
        break;
      }
      Status s = in.Consume(std::string_view(buf).substr(start, end - start), ++line_no);
      start = scan = end;
      if (!s.ok())
        return fail(s);
      if (in.txn_docs() >= flags.txn_docs) {
        if (Status c = commit(); !c.ok())
          return fail(c);
      }
    }
    if (in.txn_docs() > 0 && !eof && InputIdle()) {
      if (Status c = commit(); !c.ok())
        return fail(c);
    }
  }
  if (Status s = in.FinishInput(); !s.ok())
    return fail(s);
  if (Status c = commit(); !c.ok())
    return fail(c);
  if (Status s = in.Close(); !s.ok())
    return Fail(kExitFailure, s.message());
  return kExitOk;
}

}  // namespace

void RegisterIngest(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<IngestFlags>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Append JSON lines from stdin to a collection, validated, combined and keyed");
  cmd->add_option("--source", flags->source, "Catalog file or URL")->required();
  cmd->add_option("--collection", flags->collection, "Collection to ingest into")->required();
  cmd->add_option("--directory", flags->directory, "Data directory")->capture_default_str();
  cmd->add_option("--txn-docs", flags->txn_docs, "Documents per transaction (at most)")
      ->capture_default_str();
  cmd->add_option("--fragment-length", flags->fragment_length,
                  "Roll fragment files at this uncompressed size (Flow's default: 512MiB)")
      ->capture_default_str();
  cmd->add_flag("--resume", flags->resume,
                "stdin repeats the input of an earlier run of this collection's ingest: skip "
                "(after checking) the lines it committed");
  cmd->callback([&ctx, flags] { ctx.run = [flags] { return RunIngest(*flags); }; });
}

}  // namespace flow::cli
