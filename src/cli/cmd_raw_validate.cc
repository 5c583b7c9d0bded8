// SPDX-License-Identifier: Apache-2.0
// cli/cmd_raw_validate.cc: `flowctl raw validate`: JSON lines on stdin against a schema.
//
// Prints one line per document: {"valid":true}, or {"valid":false,"errors":[...]} with
// each error's instance pointer, schema location and message. A line that is not JSON
// yields {"valid":false,"errors":[{"message":"line N: ..."}]} and the run goes on.
// Blank lines are skipped. Exit 0 once stdin is consumed; 2 if the schema is invalid;
// 1 on an I/O error. stdin is read in large blocks and output is buffered, so
// validating millions of small documents costs little beyond parsing.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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
#include "catalog/yaml_loader.h"
#include "cli/command.h"
#include "cli/exit_code.h"
#include "doc/json.h"
#include "doc/schema/uri.h"
#include "doc/schema/validator.h"

namespace flow::cli {

namespace {

struct RawValidateOptions {
  std::string schema;
  std::string remotes;
};

std::string AbsolutePath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) != nullptr)
    return buf;
  return path;
}

std::string FileUri(const std::string& path) {
  return "file://" + AbsolutePath(path);
}

// Parses a schema file: JSON, or YAML (which JSON files also are).
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

void ListFiles(const std::string& dir, std::vector<std::string>* out) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr)
    return;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..")
      continue;
    std::string path = dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      ListFiles(path, out);
    } else if (name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml")) {
      out->push_back(path);
    }
  }
  closedir(d);
}

// Builds the index: the schema, the documents of --remotes (by `$id`, and by file://
// URI), then any local file:// document the schemas reference.
Result<std::shared_ptr<const doc::schema::Schema>> LoadSchema(const RawValidateOptions& o,
                                                              doc::Arena& arena) {
  namespace schema = doc::schema;
  schema::SchemaIndex index;
  FLOW_ASSIGN_OR_RETURN(doc::Node root, ParseSchemaFile(o.schema, arena));
  std::string root_uri = FileUri(o.schema);
  FLOW_TRY(index.Add(root_uri, root));

  if (!o.remotes.empty()) {
    struct stat st;
    if (stat(o.remotes.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument("--remotes {} is not a directory", o.remotes);
    }
    std::vector<std::string> files;
    ListFiles(o.remotes, &files);
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      std::string uri = FileUri(f);
      if (index.Contains(uri))
        continue;
      FLOW_ASSIGN_OR_RETURN(doc::Node n, ParseSchemaFile(f, arena));
      // A document with an absolute $id is indexed under it too (Add does both).
      FLOW_TRY(index.Add(uri, n).Annotate(f));
    }
  }
  // Fetch referenced local files, as the catalog loader does for `$ref`'d schemas.
  for (int round = 0; round < 64; ++round) {
    bool added = false;
    for (const std::string& missing : index.MissingReferences()) {
      if (!missing.starts_with("file://") || index.Contains(missing))
        continue;
      std::string path = schema::PercentDecode(missing.substr(7));
      auto n = ParseSchemaFile(path, arena);
      if (!n.ok())
        continue;  // reported by Compile as an unresolved reference
      FLOW_TRY(index.Add(missing, *n));
      added = true;
    }
    if (!added)
      break;
  }
  return schema::Schema::Compile(index, root_uri);
}

void AppendError(const doc::schema::Error& e, bool first, std::string* out) {
  if (!first)
    out->push_back(',');
  out->append("{\"instance\":");
  doc::AppendJsonString(e.instance, out);
  out->append(",\"schema\":");
  doc::AppendJsonString(e.schema, out);
  out->append(",\"message\":");
  doc::AppendJsonString(e.message, out);
  out->push_back('}');
}

bool WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

int RunRawValidate(const RawValidateOptions& o) {
  doc::Arena schema_arena;
  auto schema = LoadSchema(o, schema_arena);
  if (!schema.ok()) {
    std::fprintf(stderr, "flowctl: error: invalid schema %s: %s\n", o.schema.c_str(),
                 std::string(schema.status().message()).c_str());
    return ExitCodeFor(schema.status()) == kExitOk ? kExitFailure : kExitUsage;
  }
  doc::schema::Validator validator(*schema);
  doc::Parser parser;
  doc::Arena arena(256 * 1024);
  std::vector<doc::schema::Error> errors;

  constexpr size_t kChunk = 1 << 20;
  std::string buf;  // unconsumed input
  std::string out;  // pending output
  out.reserve(kChunk + 4096);
  size_t line_no = 0;
  bool eof = false;
  size_t start = 0;  // start of the next line in buf

  auto handle = [&](std::string_view line) -> bool {
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos)
      return true;
    arena.Reset();
    auto doc = parser.Parse(line, arena);
    if (!doc.ok()) {
      out.append("{\"valid\":false,\"errors\":[{\"message\":");
      doc::AppendJsonString(fmt::format("line {}: {}", line_no, doc.status().message()), &out);
      out.append("}]}\n");
    } else {
      errors.clear();
      if (validator.Validate(*doc, nullptr, &errors)) {
        out.append("{\"valid\":true}\n");
      } else {
        out.append("{\"valid\":false,\"errors\":[");
        for (size_t i = 0; i < errors.size(); ++i)
          AppendError(errors[i], i == 0, &out);
        out.append("]}\n");
      }
    }
    if (out.size() >= kChunk) {
      if (!WriteAll(STDOUT_FILENO, out))
        return false;
      out.clear();
    }
    return true;
  };

  while (!eof) {
    // Keep the unconsumed tail and read the next block after it.
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
    if (n < 0) {
      std::fprintf(stderr, "flowctl: error: reading stdin: %s\n", std::strerror(errno));
      return kExitFailure;
    }
    buf.resize(have + static_cast<size_t>(n));
    eof = n == 0;
    const char* base = buf.data();
    size_t scan = have;
    while (true) {
      const void* nl = std::memchr(base + scan, '\n', buf.size() - scan);
      if (nl == nullptr)
        break;
      size_t end = static_cast<size_t>(static_cast<const char*>(nl) - base);
      if (!handle(std::string_view(base + start, end - start))) {
        std::fprintf(stderr, "flowctl: error: writing stdout: %s\n", std::strerror(errno));
        return kExitFailure;
      }
      start = end + 1;
      scan = start;
    }
    if (eof && start < buf.size()) {
      if (!handle(std::string_view(base + start, buf.size() - start)))
        return kExitFailure;
      start = buf.size();
    }
  }
  if (!WriteAll(STDOUT_FILENO, out)) {
    std::fprintf(stderr, "flowctl: error: writing stdout: %s\n", std::strerror(errno));
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void RegisterRawValidate(CLI::App& app, Context& ctx) {
  CLI::App* raw = nullptr;
  try {
    raw = app.get_subcommand("raw");
  } catch (const CLI::OptionNotFound&) {
    raw = app.add_subcommand("raw", "Low-level tools");
  }
  auto opts = std::make_shared<RawValidateOptions>();
  CLI::App* cmd = raw->add_subcommand(
      "validate", "Validate JSON lines from stdin against a JSON schema, one result line each");
  cmd->add_option("--schema", opts->schema, "Schema file (JSON or YAML)")->required();
  cmd->add_option("--remotes", opts->remotes,
                  "Directory of further schema documents, indexed by $id and file:// URI");
  cmd->callback([&ctx, opts] { ctx.run = [opts] { return RunRawValidate(*opts); }; });
}

}  // namespace flow::cli
