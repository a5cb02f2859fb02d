// A small JSON reader and writer for `reckon estimate`: it reads the
// "sources" and "threshold" of DIR/summary.json and writes the --json
// output. RFC 8259 values (objects, arrays, strings with escapes including
// surrogate pairs, numbers, true/false/null); duplicate keys keep the last.
// Not a general-purpose library: no streaming, whole documents only.
#ifndef RECKON_SERVICE_CLI_ESTIMATE_JSON_H_
#define RECKON_SERVICE_CLI_ESTIMATE_JSON_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace reckon::service {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0.0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;

  // The member `key` of an object, or nullptr.
  const JsonValue* Find(std::string_view key) const;
};

// Parses `text` (one JSON value, surrounding whitespace allowed). Errors
// name `name` and the byte offset: "summary.json: offset 17: expected ':'".
absl::StatusOr<JsonValue> ParseJson(std::string_view text,
                                    const std::string& name);

// `value` as a JSON string literal (quotes, escapes; UTF-8 passes through).
std::string JsonQuote(std::string_view value);

// A finite number with `decimals` digits after the point, or null.
std::string JsonNumber(double value, int decimals);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_ESTIMATE_JSON_H_
