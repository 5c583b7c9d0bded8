// SPDX-License-Identifier: Apache-2.0
// cli/commands.h: the registry of subcommands; one line per command file.
#pragma once

#include "cli/command.h"

namespace flow::cli {

// Registers every working subcommand on `app`. Defined in commands.cc.
void RegisterCommands(CLI::App& app, Context& ctx);

}  // namespace flow::cli
