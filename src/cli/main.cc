// SPDX-License-Identifier: Apache-2.0
// cli/main.cc: flowctl's entry point: global flags, parsing, exit codes.
#include <csignal>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/exit_code.h"

namespace {

std::string VersionText() {
  return fmt::format("flowctl {}", FLOWCTL_VERSION);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace flow;
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"flowctl: Estuary Flow's catalogs, tests and pipelines in one binary", "flowctl"};
  app.set_version_flag("--version", VersionText(), "Print the version and exit");
  app.require_subcommand(0, 1);
  app.fallthrough();

  std::string level = "info";
  std::string format = "text";
  app.add_option("--log.level", level, "Log level: trace, debug, info, warn, error, off")
      ->capture_default_str();
  app.add_option("--log.format", format, "Log format on stderr: text or json")
      ->capture_default_str();

  cli::Context ctx;
  cli::RegisterCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return cli::kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return cli::kExitOk;
  } catch (const CLI::CallForVersion& e) {
    std::printf("%s\n", VersionText().c_str());
    return cli::kExitOk;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "flowctl: error: %s (see flowctl --help)\n", e.what());
    return cli::kExitUsage;
  }

  auto lvl = log::ParseLevel(level);
  auto fmtv = log::ParseFormat(format);
  if (!lvl.ok() || !fmtv.ok()) {
    const Status& s = lvl.ok() ? fmtv.status() : lvl.status();
    std::fprintf(stderr, "flowctl: error: %s\n", std::string(s.message()).c_str());
    return cli::kExitUsage;
  }
  log::SetLevel(*lvl);
  log::SetFormat(*fmtv);

  if (!ctx.run) {
    std::fputs(app.help().c_str(), stdout);
    return cli::kExitOk;
  }
  return ctx.run();
}
