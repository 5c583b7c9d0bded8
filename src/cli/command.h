// SPDX-License-Identifier: Apache-2.0
// cli/command.h: how a command file plugs into the CLI11 tree.
//
// Each cmd_*.cc defines one Register*() function that adds its subcommand to the
// tree and sets `run` from the subcommand's callback. main.cc calls every Register*()
// listed in commands.h, parses, then calls the selected `run`. Commands print; no
// layer below cli/ writes to stdout or stderr (logging aside).
#pragma once

#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace flow::cli {

struct Context {
  /// Set by the selected subcommand's parse callback; returns the exit code.
  std::function<int()> run;
};

}  // namespace flow::cli
