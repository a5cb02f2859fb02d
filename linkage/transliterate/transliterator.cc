#include "linkage/transliterate/transliterator.h"

#include <utility>

#include <unicode/parseerr.h>
#include <unicode/utypes.h>

#include "absl/strings/str_cat.h"
#include "linkage/base/utf8.h"

namespace reckon {
namespace {

icu::UnicodeString FromUtf8(std::string_view text) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
}

}  // namespace

absl::Status IcuStatus(UErrorCode code, std::string_view what) {
  if (U_SUCCESS(code)) return absl::OkStatus();
  const std::string message =
      absl::StrCat(std::string(what), ": icu error ", u_errorName(code));
  switch (code) {
    case U_ILLEGAL_ARGUMENT_ERROR:
    case U_INVALID_ID:
    case U_MALFORMED_RULE:
    case U_MALFORMED_SET:
    case U_MALFORMED_SYMBOL_REFERENCE:
    case U_MALFORMED_UNICODE_ESCAPE:
    case U_MALFORMED_VARIABLE_DEFINITION:
    case U_MALFORMED_VARIABLE_REFERENCE:
    case U_MISPLACED_ANCHOR_START:
    case U_MISPLACED_CURSOR_OFFSET:
    case U_MISPLACED_QUANTIFIER:
    case U_MISSING_OPERATOR:
    case U_MULTIPLE_ANTE_CONTEXTS:
    case U_MULTIPLE_CURSORS:
    case U_MULTIPLE_POST_CONTEXTS:
    case U_TRAILING_BACKSLASH:
    case U_UNDEFINED_SEGMENT_REFERENCE:
    case U_UNDEFINED_VARIABLE:
    case U_UNQUOTED_SPECIAL:
    case U_UNTERMINATED_QUOTE:
    case U_RULE_MASK_ERROR:
    case U_MISPLACED_COMPOUND_FILTER:
    case U_MULTIPLE_COMPOUND_FILTERS:
    case U_INVALID_RBT_SYNTAX:
    case U_MALFORMED_PRAGMA:
    case U_VARIABLE_RANGE_EXHAUSTED:
    case U_VARIABLE_RANGE_OVERLAP:
    case U_INVALID_FUNCTION:
    case U_INVALID_CHAR_FOUND:
    case U_ILLEGAL_CHAR_FOUND:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

Transliterator::Transliterator(std::string id,
                               std::unique_ptr<icu::Transliterator> prototype)
    : id_(std::move(id)), prototype_(std::move(prototype)) {}

Transliterator::~Transliterator() = default;

absl::StatusOr<std::unique_ptr<Transliterator>> Transliterator::CreateFromId(
    std::string_view id) {
  UErrorCode code = U_ZERO_ERROR;
  UParseError parse_error{};
  std::unique_ptr<icu::Transliterator> prototype(
      icu::Transliterator::createInstance(FromUtf8(id), UTRANS_FORWARD,
                                          parse_error, code));
  if (U_FAILURE(code) || prototype == nullptr) {
    if (U_SUCCESS(code)) code = U_INVALID_ID;
    return IcuStatus(code, absl::StrCat("transliterator \"", std::string(id),
                                        "\""));
  }
  return std::unique_ptr<Transliterator>(
      new Transliterator(std::string(id), std::move(prototype)));
}

absl::StatusOr<std::unique_ptr<Transliterator>> Transliterator::CreateFromRules(
    std::string_view name, std::string_view rules) {
  UErrorCode code = U_ZERO_ERROR;
  UParseError parse_error{};
  std::unique_ptr<icu::Transliterator> prototype(
      icu::Transliterator::createFromRules(FromUtf8(name), FromUtf8(rules),
                                           UTRANS_FORWARD, parse_error, code));
  if (U_FAILURE(code) || prototype == nullptr) {
    if (U_SUCCESS(code)) code = U_INVALID_RBT_SYNTAX;
    std::string context;
    icu::UnicodeString(parse_error.preContext).toUTF8String(context);
    return IcuStatus(
        code, absl::StrCat("transliterator rules \"", std::string(name),
                           "\": line ", parse_error.line, " offset ",
                           parse_error.offset, " near \"", context, "\""));
  }
  return std::unique_ptr<Transliterator>(
      new Transliterator(std::string(name), std::move(prototype)));
}

std::unique_ptr<icu::Transliterator> Transliterator::Acquire() const {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      std::unique_ptr<icu::Transliterator> instance = std::move(idle_.back());
      idle_.pop_back();
      return instance;
    }
  }
  // Cloning outside the lock: a clone of a compound transliterator costs
  // microseconds and other threads need not wait for it.
  return std::unique_ptr<icu::Transliterator>(prototype_->clone());
}

void Transliterator::Release(
    std::unique_ptr<icu::Transliterator> instance) const {
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(instance));
}

void Transliterator::TransliterateInPlace(icu::UnicodeString& text) const {
  std::unique_ptr<icu::Transliterator> instance = Acquire();
  instance->transliterate(text);
  Release(std::move(instance));
}

absl::StatusOr<std::string> Transliterator::Transliterate(
    std::string_view text) const {
  if (const size_t bad = FindInvalidUtf8(text); bad != text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(id_, ": invalid utf-8 at byte ", bad));
  }
  icu::UnicodeString buffer = FromUtf8(text);
  TransliterateInPlace(buffer);
  std::string out;
  buffer.toUTF8String(out);
  return out;
}

}  // namespace reckon
