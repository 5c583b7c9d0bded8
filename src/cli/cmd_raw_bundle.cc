// SPDX-License-Identifier: Apache-2.0
// cli/cmd_raw_bundle.cc: `flowctl raw bundle`, the resolved catalog as one JSON document.
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "catalog/bundle.h"
#include "catalog/catalog.h"
#include "cli/catalog_diagnostics.h"
#include "cli/command.h"
#include "cli/exit_code.h"
#include "doc/json.h"

namespace flow::cli {
namespace {

int RunBundle(const std::string& source) {
  catalog::LoadOptions options;
  options.validate = false;  // bundling resolves and inlines; `check` validates
  std::unique_ptr<catalog::Catalog> cat = catalog::LoadCatalog(source, options);
  if (PrintCatalogDiagnostics(*cat) > 0)
    return kExitUsage;
  doc::Arena arena;
  std::string out = doc::ToPrettyJson(catalog::BundleCatalog(*cat, arena));
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterRawBundle(CLI::App& app, Context& ctx) {
  CLI::App* raw = nullptr;
  try {
    raw = app.get_subcommand("raw");
  } catch (const CLI::OptionNotFound&) {
    raw = app.add_subcommand("raw", "Low-level tools");
  }
  auto source = std::make_shared<std::string>();
  CLI::App* cmd = raw->add_subcommand(
      "bundle",
      "Print the resolved catalog, with imports and resources inlined, as one JSON document");
  cmd->add_option("--source", *source, "The catalog: a path or file:// URL")->required();
  cmd->callback([&ctx, source] { ctx.run = [source] { return RunBundle(*source); }; });
}

}  // namespace flow::cli
