// SPDX-License-Identifier: Apache-2.0
// cli/cmd_test.cc: `flowctl test` (alias `flowctl raw test`): runs a catalog's tests.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catalog/catalog.h"
#include "cli/catalog_diagnostics.h"
#include "cli/command.h"
#include "cli/exit_code.h"
#include "runtime/testing/test_runner.h"

namespace flow::cli {
namespace {

struct TestFlags {
  std::string source;
  std::string snapshot;
};

// Indents every line of `text` by `pad`.
std::string Indent(std::string_view text, std::string_view pad) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? end : end - start);
    out.append(pad).append(line).push_back('\n');
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return out;
}

int RunTest(const TestFlags& flags) {
  std::unique_ptr<catalog::Catalog> cat = catalog::LoadCatalog(flags.source);
  size_t errors = PrintCatalogDiagnostics(*cat);
  if (errors > 0) {
    std::fprintf(stderr, "catalog build failed with %zu error(s)\n", errors);
    return kExitUsage;
  }
  const bool color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  auto paint = [&](const char* code, std::string_view s) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : std::string(s);
  };

  std::printf("Running %zu tests...\n", cat->tests.size());
  std::fflush(stdout);
  runtime::testing::TestOptions opts;
  opts.snapshot_dir = flags.snapshot;
  opts.on_outcome = [&](const runtime::testing::TestOutcome& o) {
    using Kind = runtime::testing::TestOutcome::Kind;
    std::string line;
    switch (o.kind) {
      case Kind::kPassed:
        line = paint("32", "\u2714\ufe0f  " + o.name) + "\n";
        break;
      case Kind::kFailed:
        line = paint("31", fmt::format("\u274c {} \u2014 failed at {}:", o.name, o.where)) + "\n" +
               Indent(o.error, "   ");
        break;
      case Kind::kNotRun:
        line = paint("33", fmt::format("\u23ed\ufe0f  {} \u2014 not run ({})", o.name, o.reason)) +
               "\n";
        break;
    }
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  };
  auto outcomes = runtime::testing::RunTests(*cat, opts);
  if (!outcomes.ok()) {
    std::fprintf(stderr, "flowctl: error: %s\n", outcomes.status().ToString().c_str());
    return ExitCodeFor(outcomes.status());
  }
  size_t passed = 0, failed = 0, not_run = 0;
  for (const auto& o : *outcomes) {
    switch (o.kind) {
      case runtime::testing::TestOutcome::Kind::kPassed:
        ++passed;
        break;
      case runtime::testing::TestOutcome::Kind::kFailed:
        ++failed;
        break;
      case runtime::testing::TestOutcome::Kind::kNotRun:
        ++not_run;
        break;
    }
  }
  std::string summary =
      fmt::format("\nRan {} tests: {} passed, {} failed", outcomes->size(), passed, failed);
  if (not_run > 0)
    summary += fmt::format(", {} not run", not_run);
  std::puts(summary.c_str());
  std::fflush(stdout);
  if (failed > 0) {
    std::fprintf(stderr, "%zu of %zu tests failed\n", failed, outcomes->size());
    return kExitFailure;
  }
  return kExitOk;
}

void AddTestCommand(CLI::App* parent, const char* name, Context& ctx) {
  auto flags = std::make_shared<TestFlags>();
  CLI::App* cmd = parent->add_subcommand(
      name, "Run a catalog's tests: ingest fixtures, run derivations, verify collections");
  cmd->add_option("--source", flags->source, "The catalog: a path or file:// URL")->required();
  cmd->add_option("--snapshot", flags->snapshot,
                  "Write each verify's actual documents to DIR/<test>/verify-<step>.json");
  cmd->callback([&ctx, flags] { ctx.run = [flags] { return RunTest(*flags); }; });
}

}  // namespace

void RegisterTest(CLI::App& app, Context& ctx) {
  AddTestCommand(&app, "test", ctx);
  CLI::App* raw = nullptr;
  try {
    raw = app.get_subcommand("raw");
  } catch (const CLI::OptionNotFound&) {
    raw = app.add_subcommand("raw", "Low-level tools");
  }
  AddTestCommand(raw, "test", ctx);
}

}  // namespace flow::cli
