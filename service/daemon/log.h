// Structured logs for reckond: one JSON object a line on stderr.
//
//   Log(LogLevel::kInfo, "batch_committed",
//       {{"agency", agency}, {"source", source}, {"accepted", accepted}});
//   -> {"ts":"2026-11-28T08:00:00.123Z","level":"info",
//       "event":"batch_committed","agency":"labour",...}
//
// Personal data never goes into a log: callers pass identifiers chosen by
// operators and agencies (agency, source, batch id, method, status code) and
// counts, never record values or client-facing error messages (those quote
// values). Lines from concurrent threads never interleave.
#ifndef RECKON_SERVICE_DAEMON_LOG_H_
#define RECKON_SERVICE_DAEMON_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

namespace reckon::service {

enum class LogLevel { kInfo, kWarning, kError };

struct LogField {
  LogField(std::string_view k, std::string_view v)
      : key(k), value(std::string(v)) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string(v)) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(int64_t{v}) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}

  std::string_view key;
  std::variant<std::string, int64_t, double, bool> value;
};

// Writes one log line to the log sink (stderr unless redirected).
void Log(LogLevel level, std::string_view event,
         std::initializer_list<LogField> fields = {});

// Sends log lines to `out` instead of stderr (nullptr restores stderr).
// For tests; not thread-safe against concurrent Log calls.
void SetLogSinkForTesting(std::ostream* out);

// `text` as a JSON string literal, quotes included. Bytes that are not valid
// UTF-8 become U+FFFD, so the output is always valid JSON.
std::string JsonString(std::string_view text);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_LOG_H_
