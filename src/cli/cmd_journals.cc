// SPDX-License-Identifier: Apache-2.0
// cli/cmd_journals.cc: `flowctl journals list` and `flowctl journals read`: the journals of
// a data directory, their fragment files and spools, and their raw content.
//
// `list` prints each journal with its offsets and every fragment file (persisted under
// D/fragments, or still in a spool under D/spool); `-o json` prints one JSON object per
// journal. `read` prints a journal's raw lines (documents and ACKs alike, committed or
// not) from --offset to the write head. Exit 0 on success, 1 on read errors, 2 on usage
// errors.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/exit_code.h"
#include "doc/json.h"
#include "runtime/read/journal_lines.h"
#include "runtime/read/journal_listing.h"
#include "storage/journal_name.h"
#include "storage/local_dir_store.h"

namespace flow::cli {
namespace {

struct ListFlags {
  std::string directory = "flowctl_develop";
  std::string prefix;
  std::string output = "table";
};

struct ReadFlags {
  std::string directory = "flowctl_develop";
  std::string journal;
  int64_t offset = 0;
};

int Fail(int code, std::string_view message) {
  std::fprintf(stderr, "flowctl: error: %.*s\n", static_cast<int>(message.size()), message.data());
  return code;
}

bool WriteAll(std::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(STDOUT_FILENO, s.data(), s.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string Bytes(int64_t n) {
  if (n < 10 * 1024)
    return fmt::format("{} B", n);
  if (n < 10 * 1024 * 1024)
    return fmt::format("{:.1f} KiB", n / 1024.0);
  if (n < int64_t{10} * 1024 * 1024 * 1024)
    return fmt::format("{:.1f} MiB", n / (1024.0 * 1024));
  return fmt::format("{:.1f} GiB", n / (1024.0 * 1024 * 1024));
}

std::string Json(const runtime::read::JournalInfo& j) {
  std::string out = "{\"journal\":";
  doc::AppendJsonString(j.name, &out);
  out += fmt::format(",\"begin\":{},\"end\":{},\"fragments\":[", j.begin, j.end);
  bool first = true;
  for (const runtime::read::FragmentInfo& f : j.fragments) {
    if (!first)
      out.push_back(',');
    first = false;
    out +=
        fmt::format("{{\"begin\":{},\"end\":{},\"spool\":{},\"stored_bytes\":{},", f.fragment.begin,
                    f.fragment.end, f.spool ? "true" : "false", f.stored_bytes);
    out += "\"path\":";
    doc::AppendJsonString(f.path, &out);
    if (!f.spool) {
      out += fmt::format(",\"sum\":\"{}\",\"codec\":\"{}\",\"mod_time\":{}", f.fragment.sum.ToHex(),
                         storage::CodecName(f.fragment.codec), f.fragment.mod_time);
    }
    out.push_back('}');
  }
  out += "]}\n";
  return out;
}

std::string Table(const runtime::read::JournalInfo& j) {
  int64_t persisted = 0, spooled = 0;
  for (const runtime::read::FragmentInfo& f : j.fragments)
    (f.spool ? spooled : persisted) += 1;
  std::string out = fmt::format("{}  [{}, {})  {} fragment file(s), {} spool(s)\n", j.name, j.begin,
                                j.end, persisted, spooled);
  for (const runtime::read::FragmentInfo& f : j.fragments) {
    const int64_t size = f.fragment.end - f.fragment.begin;
    if (f.spool) {
      out += fmt::format("  spool  [{}, {})  {}  {}\n", f.fragment.begin, f.fragment.end,
                         Bytes(size), f.path);
    } else {
      out +=
          fmt::format("  {}  [{}, {})  {} -> {}  {}\n", f.fragment.ContentName(), f.fragment.begin,
                      f.fragment.end, Bytes(size), Bytes(f.stored_bytes), f.fragment.path_postfix);
    }
  }
  return out;
}

int RunJournalsList(const ListFlags& flags) {
  if (flags.output != "table" && flags.output != "json")
    return Fail(kExitUsage, fmt::format("--output {}: expected table or json", flags.output));
  auto journals = runtime::read::ListDataDirJournals(flags.directory, flags.prefix);
  if (!journals.ok())
    return Fail(kExitFailure, journals.status().message());
  std::string out;
  for (const runtime::read::JournalInfo& j : *journals)
    out += flags.output == "json" ? Json(j) : Table(j);
  if (!WriteAll(out) && errno != EPIPE)
    return Fail(kExitFailure, fmt::format("writing stdout: {}", std::strerror(errno)));
  return kExitOk;
}

int RunJournalsRead(const ReadFlags& flags) {
  if (Status s = storage::ValidateJournalName(flags.journal); !s.ok())
    return Fail(kExitUsage, fmt::format("--journal: {}", s.message()));
  if (flags.offset < -1)
    return Fail(kExitUsage, "--offset must be a journal offset, or -1 for the write head");
  auto store = storage::LocalDirStore::Open(flags.directory + "/fragments");
  if (!store.ok())
    return Fail(kExitFailure, store.status().message());
  std::string out;
  bool closed = false;
  int64_t offset = flags.offset;
  Status s = runtime::read::ReadJournalLines(
      **store, flags.directory + "/spool", flags.journal, &offset, 0,
      [&](const storage::JournalLine& line) -> Status {
        out.append(line.content);
        if (out.size() >= (1 << 20)) {
          if (!WriteAll(out)) {
            closed = errno == EPIPE;
            return closed ? Status::Cancelled("stdout is closed")
                          : Status::IOError("writing stdout: {}", std::strerror(errno));
          }
          out.clear();
        }
        return Status::OK();
      });
  if (closed)
    return kExitOk;
  if (!s.ok())
    return Fail(kExitFailure, s.message());
  if (!WriteAll(out) && errno != EPIPE)
    return Fail(kExitFailure, fmt::format("writing stdout: {}", std::strerror(errno)));
  return kExitOk;
}

CLI::App* JournalsCommand(CLI::App& app) {
  try {
    return app.get_subcommand("journals");
  } catch (const CLI::OptionNotFound&) {
    return app.add_subcommand("journals", "Inspect the journals of a data directory");
  }
}

}  // namespace

void RegisterJournals(CLI::App& app, Context& ctx) {
  CLI::App* journals = JournalsCommand(app);

  auto list = std::make_shared<ListFlags>();
  CLI::App* ls = journals->add_subcommand(
      "list", "List journals with their offsets, fragment files and spools");
  ls->add_option("--directory", list->directory, "Data directory")->capture_default_str();
  ls->add_option("--prefix", list->prefix, "Only journals whose names start with this");
  ls->add_option("-o,--output", list->output, "table or json")->capture_default_str();
  ls->callback([&ctx, list] { ctx.run = [list] { return RunJournalsList(*list); }; });

  auto read = std::make_shared<ReadFlags>();
  CLI::App* rd = journals->add_subcommand(
      "read", "Print a journal's raw lines (documents and ACKs) from an offset to its head");
  rd->add_option("--journal", read->journal, "Journal name")->required();
  rd->add_option("--directory", read->directory, "Data directory")->capture_default_str();
  rd->add_option("--offset", read->offset, "First offset to read (-1: the write head)")
      ->capture_default_str();
  rd->callback([&ctx, read] { ctx.run = [read] { return RunJournalsRead(*read); }; });
}

}  // namespace flow::cli
