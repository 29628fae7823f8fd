// Status and Result<T>: how every module edge reports success or failure.
// Values, cheap to copy when OK; thread-compatible (no shared state).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace gebi {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,
    kInvalidArgument,     // the caller's input is wrong (bad XML, bad field)
    kPermissionDenied,    // signature mismatch, wrong role, out of scope
    kUnauthenticated,     // no or bad session
    kAlreadyExists,       // unique key taken
    kFailedPrecondition,  // wrong state for this change
    kCorruption,          // stored or received data is not what it must be
    kIOError,             // SQLite, file system, network
    kUnavailable,         // a remote peer is down or busy; try later
    kInternal,
    kResourceExhausted,  // throttled: too many attempts or requests; wait and try later
    kBusy,               // the database is locked by another writer; try again shortly
    kAborted,            // rolled back with another transaction of a shared commit; retry
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status InvalidArgument(std::string m) {
    return Status(Code::kInvalidArgument, std::move(m));
  }
  static Status PermissionDenied(std::string m) {
    return Status(Code::kPermissionDenied, std::move(m));
  }
  static Status Unauthenticated(std::string m) {
    return Status(Code::kUnauthenticated, std::move(m));
  }
  static Status AlreadyExists(std::string m) { return Status(Code::kAlreadyExists, std::move(m)); }
  static Status FailedPrecondition(std::string m) {
    return Status(Code::kFailedPrecondition, std::move(m));
  }
  static Status Corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
  static Status IOError(std::string m) { return Status(Code::kIOError, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }
  static Status ResourceExhausted(std::string m) {
    return Status(Code::kResourceExhausted, std::move(m));
  }
  static Status Busy(std::string m) { return Status(Code::kBusy, std::move(m)); }
  static Status Aborted(std::string m) { return Status(Code::kAborted, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }

  // "OK" or "<CodeName>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: REQUIRES: !status.ok()

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
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

inline std::string Status::ToString() const {
  static const char* kNames[] = {"OK",
                                 "NotFound",
                                 "InvalidArgument",
                                 "PermissionDenied",
                                 "Unauthenticated",
                                 "AlreadyExists",
                                 "FailedPrecondition",
                                 "Corruption",
                                 "IOError",
                                 "Unavailable",
                                 "Internal",
                                 "ResourceExhausted",
                                 "Busy",
                                 "Aborted"};
  if (ok()) return "OK";
  return std::string(kNames[static_cast<int>(code_)]) + ": " + message_;
}

}  // namespace gebi

// Propagates a non-OK Status from an expression returning Status.
#define GEBI_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::gebi::Status gebi_status_ = (expr);        \
    if (!gebi_status_.ok()) return gebi_status_; \
  } while (0)

#define GEBI_CONCAT_INNER_(a, b) a##b
#define GEBI_CONCAT_(a, b) GEBI_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result<T> expression, or returns its Status.
#define GEBI_ASSIGN_OR_RETURN(lhs, expr) \
  GEBI_ASSIGN_OR_RETURN_IMPL_(GEBI_CONCAT_(gebi_result_, __LINE__), lhs, expr)
#define GEBI_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
