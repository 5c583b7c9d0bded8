// SPDX-License-Identifier: Apache-2.0
// cli/exit_code.h: flowctl's process exit codes (documented in man/flowctl.1).
#pragma once

#include "base/status.h"

namespace flow::cli {

enum ExitCode : int {
  kExitOk = 0,             ///< Success.
  kExitFailure = 1,        ///< A test or task failed, or an I/O error stopped the run.
  kExitUsage = 2,          ///< Bad flags, or a catalog or schema with errors.
  kExitInterrupted = 130,  ///< SIGINT.
};

/// The exit code for an error Status reaching the top of a command.
inline int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Code::kOk:
      return kExitOk;
    case Code::kInvalidArgument:
      return kExitUsage;
    case Code::kCancelled:
      return kExitInterrupted;
    default:
      return kExitFailure;
  }
}

}  // namespace flow::cli
