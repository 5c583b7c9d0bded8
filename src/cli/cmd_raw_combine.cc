// SPDX-License-Identifier: Apache-2.0
// cli/cmd_raw_combine.cc: `flowctl raw combine`: reduce JSON lines from stdin by key and
// print one document per key, in key order.
//
// Every document is validated against --schema before it is reduced, and every output
// document once more (spec §3.5). Reductions are full (the first document of a key is
// its root-most), so set `remove`/`intersect` terms are pruned and documents marked
// deleted (`reduce: {strategy: merge, delete: true}`) are dropped; --partial keeps both.
// Exit 0 on success; 1 with the message on bad JSON, a validation or reduction error
// (naming the input line) or an I/O error; 2 on bad flags or an invalid schema.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/file.h"
#include "base/log.h"
#include "catalog/yaml_loader.h"
#include "cli/command.h"
#include "cli/exit_code.h"
#include "doc/combine/combiner.h"
#include "doc/combine/pipeline.h"
#include "doc/json.h"
#include "doc/key.h"
#include "doc/schema/shape.h"
#include "doc/schema/uri.h"
#include "doc/schema/validator.h"

namespace flow::cli {
namespace {

struct RawCombineOptions {
  std::string schema;
  std::vector<std::string> key;
  std::string memory_limit = "256MiB";
  bool partial = false;
};

// "128MiB", "1GiB", "64KiB", "500MB", "1000000": binary (Ki/Mi/Gi and K/M/G) or decimal
// (KB/MB/GB) units.
Result<size_t> ParseBytes(std::string_view s) {
  size_t i = 0;
  unsigned long long v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (v > (ULLONG_MAX - 9) / 10)
      return Status::InvalidArgument("--memory-limit {} is too large", s);
    v = v * 10 + static_cast<unsigned>(s[i++] - '0');
  }
  std::string unit(s.substr(i));
  for (char& c : unit)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  unsigned long long mult;
  if (unit.empty() || unit == "b") {
    mult = 1;
  } else if (unit == "k" || unit == "kib") {
    mult = 1ull << 10;
  } else if (unit == "m" || unit == "mib") {
    mult = 1ull << 20;
  } else if (unit == "g" || unit == "gib") {
    mult = 1ull << 30;
  } else if (unit == "kb") {
    mult = 1000;
  } else if (unit == "mb") {
    mult = 1000 * 1000;
  } else if (unit == "gb") {
    mult = 1000 * 1000 * 1000;
  } else {
    mult = 0;
  }
  if (i == 0 || mult == 0) {
    return Status::InvalidArgument(
        "--memory-limit {} is not a byte count like 134217728, 128MiB or 1GiB", s);
  }
  if (v > ULLONG_MAX / mult)
    return Status::InvalidArgument("--memory-limit {} is too large", s);
  return static_cast<size_t>(v * mult);
}

std::string FileUri(const std::string& path) {
  char buf[PATH_MAX];
  return std::string("file://") + (realpath(path.c_str(), buf) != nullptr ? buf : path);
}

Result<doc::Node> ParseSchemaFile(const std::string& path, doc::Arena& arena) {
  FLOW_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  doc::Parser parser;
  auto json = parser.Parse(text, arena);
  if (json.ok())
    return *json;
  catalog::YamlOptions opts;
  opts.merge_keys = false;
  catalog::YamlDocument y = catalog::ParseYaml(text, arena, opts);
  if (y.error) {
    return Status::InvalidArgument("{}:{}:{}: {}", path, y.error->mark.line, y.error->mark.column,
                                   y.error->message);
  }
  return y.root;
}

// The schema, plus local files it references by file:// URI.
Result<std::shared_ptr<const doc::schema::Schema>> LoadSchema(const std::string& path,
                                                              doc::Arena& arena) {
  namespace schema = doc::schema;
  schema::SchemaIndex index;
  FLOW_ASSIGN_OR_RETURN(doc::Node root, ParseSchemaFile(path, arena));
  std::string uri = FileUri(path);
  FLOW_TRY(index.Add(uri, root));
  for (int round = 0; round < 64; ++round) {
    bool added = false;
    for (const std::string& missing : index.MissingReferences()) {
      if (!missing.starts_with("file://") || index.Contains(missing))
        continue;
      auto n = ParseSchemaFile(schema::PercentDecode(missing.substr(7)), arena);
      if (!n.ok())
        continue;  // Compile reports the unresolved reference
      FLOW_TRY(index.Add(missing, *n));
      added = true;
    }
    if (!added)
      break;
  }
  return schema::Schema::Compile(index, uri);
}

bool WriteAll(const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(STDOUT_FILENO, s.data() + off, s.size() - off);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

int Fail(int code, std::string_view message) {
  std::fprintf(stderr, "flowctl: error: %.*s\n", static_cast<int>(message.size()), message.data());
  return code;
}

int RunRawCombine(const RawCombineOptions& o) {
  auto limit = ParseBytes(o.memory_limit);
  if (!limit.ok())
    return Fail(kExitUsage, limit.status().message());

  doc::Arena schema_arena;
  auto schema = LoadSchema(o.schema, schema_arena);
  if (!schema.ok()) {
    return Fail(kExitUsage,
                fmt::format("invalid schema {}: {}", o.schema, schema.status().message()));
  }

  doc::combine::Spec spec;
  if (o.key.empty())
    return Fail(kExitUsage, "--key needs at least one JSON pointer");
  doc::schema::Shape shape = doc::schema::InferShape(**schema);
  for (const std::string& k : o.key) {
    auto ptr = doc::Pointer::Parse(k);
    if (!ptr.ok())
      return Fail(kExitUsage, fmt::format("--key: {}", ptr.status().message()));
    // A missing key location takes the schema's default there, else null.
    const doc::schema::Shape* at = shape.Locate(*ptr).first;
    if (at != nullptr && at->default_value) {
      spec.key.emplace_back(*ptr, *at->default_value);
    } else {
      spec.key.emplace_back(*ptr);
    }
  }
  spec.name = "schema " + o.schema;
  spec.full = !o.partial;
  spec.memory_limit = *limit;
  spec.ordinal_label = "line";
  doc::combine::Combiner combiner(std::move(spec), doc::combine::NewSchemaValidator(*schema));
  // A worker thread parses and validates lines while this thread combines them.
  doc::combine::Pipeline pipeline(&combiner, doc::combine::NewSchemaValidator(*schema));

  auto t0 = std::chrono::steady_clock::now();
  constexpr size_t kChunk = 4 << 20;
  std::string buf;
  uint64_t line_no = 0;
  bool eof = false;
  size_t start = 0;
  auto handle = [&](std::string_view line) -> Status {
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos)
      return Status::OK();
    return pipeline.Add(line, line_no);
  };
  while (!eof) {
    if (start > 0) {
      buf.erase(0, start);
      start = 0;
    }
    size_t have = buf.size();
    buf.resize(have + kChunk);
    ssize_t n;
    do {
      n = read(STDIN_FILENO, buf.data() + have, kChunk);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
      return Fail(kExitFailure, fmt::format("reading stdin: {}", std::strerror(errno)));
    buf.resize(have + static_cast<size_t>(n));
    eof = n == 0;
    const char* base = buf.data();
    size_t scan = have;
    while (true) {
      const void* nl = std::memchr(base + scan, '\n', buf.size() - scan);
      if (nl == nullptr)
        break;
      size_t end = static_cast<size_t>(static_cast<const char*>(nl) - base);
      Status s = handle(std::string_view(base + start, end - start));
      if (!s.ok())
        return Fail(kExitFailure, s.message());
      start = end + 1;
      scan = start;
    }
    if (eof && start < buf.size()) {
      Status s = handle(std::string_view(base + start, buf.size() - start));
      if (!s.ok())
        return Fail(kExitFailure, s.message());
      start = buf.size();
    }
  }
  buf = std::string();
  if (Status s = pipeline.Finish(); !s.ok())
    return Fail(kExitFailure, s.message());

  auto t1 = std::chrono::steady_clock::now();
  std::string out;
  out.reserve(kChunk + 4096);
  bool write_failed = false;
  Status s = combiner.Drain([&](const doc::combine::DrainedDoc& d) -> Status {
    if (d.deleted && !o.partial)
      return Status::OK();  // a deletion leaves no row
    doc::AppendJson(d.doc, &out);
    out.push_back('\n');
    if (out.size() >= kChunk) {
      if (!WriteAll(out)) {
        write_failed = true;
        return Status::IOError("writing stdout: {}", std::strerror(errno));
      }
      out.clear();
    }
    return Status::OK();
  });
  if (!s.ok())
    return Fail(kExitFailure, s.message());
  if (!WriteAll(out))
    return Fail(kExitFailure, fmt::format("writing stdout: {}", std::strerror(errno)));
  (void)write_failed;
  auto t2 = std::chrono::steady_clock::now();
  const auto& st = combiner.stats();
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  FLOW_LOG_DEBUG(
      "raw combine: {} documents, {} keys, {} spills ({} bytes), peak memory {} bytes; "
      "read+combine {} ms, drain {} ms",
      st.docs, st.keys, st.spills, st.spilled_bytes, st.peak_memory, ms(t1 - t0), ms(t2 - t1));
  return kExitOk;
}

}  // namespace

void RegisterRawCombine(CLI::App& app, Context& ctx) {
  CLI::App* raw = nullptr;
  try {
    raw = app.get_subcommand("raw");
  } catch (const CLI::OptionNotFound&) {
    raw = app.add_subcommand("raw", "Low-level tools");
  }
  auto opts = std::make_shared<RawCombineOptions>();
  CLI::App* cmd = raw->add_subcommand(
      "combine", "Reduce JSON lines from stdin by key under a schema's reduce annotations");
  cmd->add_option("--schema", opts->schema, "Schema file (JSON or YAML)")->required();
  cmd->add_option("--key", opts->key, "Key JSON pointers, comma separated: /a,/b")
      ->required()
      ->delimiter(',');
  cmd->add_option("--memory-limit", opts->memory_limit,
                  "Memory bound before spilling to $TMPDIR (bytes; 128MiB, 1GiB, ...)")
      ->capture_default_str();
  cmd->add_flag("--partial", opts->partial,
                "Partial (associative) reduction: keep set remove/intersect terms and deletions");
  cmd->callback([&ctx, opts] { ctx.run = [opts] { return RunRawCombine(*opts); }; });
}

}  // namespace flow::cli
