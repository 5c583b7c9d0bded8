// SPDX-License-Identifier: Apache-2.0
// base/status.cc: Status codes, copying and annotation.
#include "base/status.h"

namespace flow {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "NotFound";
    case Code::kInvalidArgument:
      return "InvalidArgument";
    case Code::kCorruption:
      return "Corruption";
    case Code::kIOError:
      return "IOError";
    case Code::kFailedPrecondition:
      return "FailedPrecondition";
    case Code::kCancelled:
      return "Cancelled";
    case Code::kUnsupported:
      return "Unsupported";
    case Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}

Status::Status(Code code, std::string message) {
  if (code != Code::kOk) {
    rep_ = std::make_unique<Rep>(Rep{code, std::move(message)});
  }
}

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  }
  return *this;
}

Status& Status::Annotate(std::string_view context) & {
  if (rep_ && !context.empty()) {
    std::string m;
    m.reserve(context.size() + 2 + rep_->message.size());
    m.append(context).append(": ").append(rep_->message);
    rep_->message = std::move(m);
  }
  return *this;
}

Status&& Status::Annotate(std::string_view context) && {
  Annotate(context);
  return std::move(*this);
}

std::string Status::ToString() const {
  if (!rep_)
    return "OK";
  return fmt::format("{}: {}", CodeName(rep_->code), rep_->message);
}

}  // namespace flow
