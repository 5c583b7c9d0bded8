// SPDX-License-Identifier: Apache-2.0
// cli/commands.cc: adds every working subcommand to the tree (one line each).
#include "cli/commands.h"

#include <CLI/CLI.hpp>

namespace flow::cli {

void RegisterCheck(CLI::App& app, Context& ctx);
void RegisterCollectionsRead(CLI::App& app, Context& ctx);
void RegisterIngest(CLI::App& app, Context& ctx);
void RegisterJournals(CLI::App& app, Context& ctx);
void RegisterPreview(CLI::App& app, Context& ctx);
void RegisterRawBundle(CLI::App& app, Context& ctx);
void RegisterRawCombine(CLI::App& app, Context& ctx);
void RegisterRawValidate(CLI::App& app, Context& ctx);
void RegisterTest(CLI::App& app, Context& ctx);

void RegisterCommands(CLI::App& app, Context& ctx) {
  RegisterCheck(app, ctx);
  RegisterCollectionsRead(app, ctx);
  RegisterIngest(app, ctx);
  RegisterJournals(app, ctx);
  RegisterPreview(app, ctx);
  RegisterRawBundle(app, ctx);
  RegisterRawCombine(app, ctx);
  RegisterRawValidate(app, ctx);
  RegisterTest(app, ctx);
}

}  // namespace flow::cli
