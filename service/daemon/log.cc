#include "service/daemon/log.h"

#include <cmath>
#include <iostream>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "linkage/base/utf8.h"

namespace reckon::service {
namespace {

absl::Mutex log_mu;
std::ostream* log_sink ABSL_GUARDED_BY(log_mu) = nullptr;

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

void AppendEscaped(std::string* out, std::string_view valid) {
  for (const char c : valid) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          absl::StrAppend(out, absl::StrFormat("\\u%04x", c));
        } else {
          out->push_back(c);
        }
    }
  }
}

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    const size_t bad = FindInvalidUtf8(text);
    AppendEscaped(&out, text.substr(0, bad));
    if (bad == text.size()) break;
    out += "\\ufffd";
    text.remove_prefix(bad + 1);
  }
  out += "\"";
  return out;
}

void SetLogSinkForTesting(std::ostream* out) {
  absl::MutexLock lock(&log_mu);
  log_sink = out;
}

void Log(LogLevel level, std::string_view event,
         std::initializer_list<LogField> fields) {
  std::string line =
      absl::StrCat("{\"ts\":\"",
                   absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                    absl::UTCTimeZone()),
                   "\",\"level\":\"", std::string(LevelName(level)),
                   "\",\"event\":", JsonString(event));
  for (const LogField& field : fields) {
    absl::StrAppend(&line, ",", JsonString(field.key), ":");
    if (const auto* text = std::get_if<std::string>(&field.value)) {
      line += JsonString(*text);
    } else if (const auto* number = std::get_if<int64_t>(&field.value)) {
      absl::StrAppend(&line, *number);
    } else if (const auto* real = std::get_if<double>(&field.value)) {
      // JSON has no NaN or infinity.
      if (std::isfinite(*real)) {
        absl::StrAppend(&line, absl::StrFormat("%.6g", *real));
      } else {
        line += "null";
      }
    } else {
      line += std::get<bool>(field.value) ? "true" : "false";
    }
  }
  line += "}\n";
  absl::MutexLock lock(&log_mu);
  std::ostream& out = log_sink != nullptr ? *log_sink : std::cerr;
  out << line;
  out.flush();
}

}  // namespace reckon::service
