// SPDX-License-Identifier: Apache-2.0
// cli/cmd_check.cc: `flowctl check`, loads, resolves and validates a catalog.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "catalog/catalog.h"
#include "cli/catalog_diagnostics.h"
#include "cli/command.h"
#include "cli/exit_code.h"

namespace flow::cli {
namespace {

int RunCheck(const std::string& source) {
  std::unique_ptr<catalog::Catalog> cat = catalog::LoadCatalog(source);
  size_t errors = PrintCatalogDiagnostics(*cat);
  return errors > 0 ? kExitUsage : kExitOk;
}

}  // namespace

void RegisterCheck(CLI::App& app, Context& ctx) {
  auto source = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Load, resolve and validate a catalog; print every problem as file:line:col");
  cmd->add_option("--source", *source, "The catalog: a path or file:// URL")->required();
  cmd->callback([&ctx, source] { ctx.run = [source] { return RunCheck(*source); }; });
}

}  // namespace flow::cli
