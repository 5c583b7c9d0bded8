// SPDX-License-Identifier: Apache-2.0
// base/status.h: Status and Result<T>, the error values every layer returns.
//
// A Status is either OK (no allocation) or a code plus a human-readable message.
// Callers add context as the error travels up with Annotate():
//   Corruption: reading journal acmeCo/anvils: fragment 00..1f.gz: gzip: bad header
// Nothing in flowctl throws across module boundaries; third-party exceptions are
// caught in the adapter that calls the library and turned into a Status there.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace flow {

enum class Code : int {
  kOk = 0,
  kNotFound,            ///< A file, journal, entity or key does not exist.
  kInvalidArgument,     ///< Bad user input: a document, catalog, flag or schema.
  kCorruption,          ///< Stored data fails a checksum or cannot be decoded.
  kIOError,             ///< The OS or a remote store failed an operation.
  kFailedPrecondition,  ///< The operation is valid but not in the current state.
  kCancelled,           ///< Interrupted (SIGINT) or shut down.
  kUnsupported,         ///< Valid input that flowctl cannot run locally.
  kInternal,            ///< A bug: an invariant did not hold.
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;  // OK
  Status(Code code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }

#define FLOW_STATUS_FACTORY(Name)                                              \
  static Status Name(std::string message) {                                    \
    return Status(Code::k##Name, std::move(message));                          \
  }                                                                            \
  template <typename... Args>                                                  \
  static Status Name(fmt::format_string<Args...> f, Args&&... args) {          \
    return Status(Code::k##Name, fmt::format(f, std::forward<Args>(args)...)); \
  }
  FLOW_STATUS_FACTORY(NotFound)
  FLOW_STATUS_FACTORY(InvalidArgument)
  FLOW_STATUS_FACTORY(Corruption)
  FLOW_STATUS_FACTORY(IOError)
  FLOW_STATUS_FACTORY(FailedPrecondition)
  FLOW_STATUS_FACTORY(Cancelled)
  FLOW_STATUS_FACTORY(Unsupported)
  FLOW_STATUS_FACTORY(Internal)
#undef FLOW_STATUS_FACTORY

  bool ok() const {
    return rep_ == nullptr;
  }
  Code code() const {
    return rep_ ? rep_->code : Code::kOk;
  }
  bool Is(Code c) const {
    return code() == c;
  }
  /// The message without the code name; empty when OK.
  std::string_view message() const {
    return rep_ ? std::string_view(rep_->message) : "";
  }

  /// Prefixes the message with `context: `. No effect on an OK status.
  Status& Annotate(std::string_view context) &;
  Status&& Annotate(std::string_view context) &&;
  template <typename... Args>
  Status&& Annotatef(fmt::format_string<Args...> f, Args&&... args) && {
    return std::move(*this).Annotate(fmt::format(f, std::forward<Args>(args)...));
  }

  /// "OK" or "<CodeName>: <message>".
  std::string ToString() const;

 private:
  struct Rep {
    Code code;
    std::string message;
  };
  std::unique_ptr<Rep> rep_;
};

/// A value of type T, or a non-OK Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) {
      v_ = Status::Internal("Result constructed from an OK status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  Status take_status() && { return ok() ? Status() : std::move(std::get<Status>(v_)); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

namespace internal {
inline Status ToStatus(Status s) {
  return s;
}
template <typename T>
Status ToStatus(Result<T>&& r) {
  return std::move(r).take_status();
}
}  // namespace internal

}  // namespace flow

#define FLOW_CONCAT_INNER_(a, b) a##b
#define FLOW_CONCAT_(a, b) FLOW_CONCAT_INNER_(a, b)

/// Returns the Status of `expr` (a Status or Result) from the caller if it is not OK.
#define FLOW_TRY(expr)                                                    \
  do {                                                                    \
    ::flow::Status _flow_try_status = ::flow::internal::ToStatus((expr)); \
    if (!_flow_try_status.ok())                                           \
      return _flow_try_status;                                            \
  } while (0)

/// `FLOW_ASSIGN_OR_RETURN(auto x, Foo());` binds the value or returns the error.
#define FLOW_ASSIGN_OR_RETURN(lhs, expr) \
  FLOW_ASSIGN_OR_RETURN_IMPL_(FLOW_CONCAT_(_flow_result_, __LINE__), lhs, expr)
#define FLOW_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok())                                    \
    return std::move(tmp).take_status();            \
  lhs = std::move(tmp).value()
