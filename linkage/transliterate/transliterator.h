// A thread-safe wrapper around icu::Transliterator.
//
// ICU transliterators keep mutable state while they run, so one instance may
// not be used by two threads at once. `Transliterator` owns a prototype built
// once (from an ICU id such as "Han-Latin" or from a rule string of our own,
// see script_rules.h) and a pool of clones: a call borrows a clone, runs it
// and returns it, so TBB workers can share one `Transliterator` and each
// clone is built at most once per concurrently running thread.
//
//   RECKON_ASSIGN_OR_RETURN(auto han, Transliterator::CreateFromId("Han-Latin"));
//   RECKON_ASSIGN_OR_RETURN(std::string latin, han->Transliterate("王小明"));
//   // latin == "wáng xiǎo míng"
//
// ICU error codes become absl::Status: a bad id or rule string is
// kInvalidArgument naming the id (and, for rules, the line and offset ICU
// reports); anything else ICU refuses is kInternal.
#ifndef RECKON_LINKAGE_TRANSLITERATE_TRANSLITERATOR_H_
#define RECKON_LINKAGE_TRANSLITERATE_TRANSLITERATOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace reckon {

// Converts an ICU error code into a status. U_ZERO_ERROR and warnings are OK.
// `what` names the operation for the message, e.g. "transliterator Han-Latin".
absl::Status IcuStatus(UErrorCode code, std::string_view what);

class Transliterator {
 public:
  // Builds a transliterator from an ICU system id or compound id, e.g.
  // "Any-Latin", "NFD; [:Nonspacing Mark:] Remove; NFC".
  // Returns kInvalidArgument if ICU does not know the id.
  static absl::StatusOr<std::unique_ptr<Transliterator>> CreateFromId(
      std::string_view id);

  // Builds a transliterator from ICU transform rules (the syntax of
  // https://unicode-org.github.io/icu/userguide/transforms/general/rules.html).
  // `name` labels errors and must be a syntactically valid ICU id without
  // spaces, e.g. "reckon-cyrillic-latin". Returns kInvalidArgument with ICU's
  // parse position on a rule error.
  static absl::StatusOr<std::unique_ptr<Transliterator>> CreateFromRules(
      std::string_view name, std::string_view rules);

  Transliterator(const Transliterator&) = delete;
  Transliterator& operator=(const Transliterator&) = delete;
  ~Transliterator();

  // Transliterates `text` in place. Thread-safe. Never fails once built.
  void TransliterateInPlace(icu::UnicodeString& text) const;

  // Transliterates UTF-8 `text`. Thread-safe. Returns kInvalidArgument if
  // `text` is not valid UTF-8.
  absl::StatusOr<std::string> Transliterate(std::string_view text) const;

  // The id or name the transliterator was built from.
  const std::string& id() const { return id_; }

 private:
  Transliterator(std::string id, std::unique_ptr<icu::Transliterator> prototype);

  std::unique_ptr<icu::Transliterator> Acquire() const;
  void Release(std::unique_ptr<icu::Transliterator> instance) const;

  const std::string id_;
  const std::unique_ptr<icu::Transliterator> prototype_;
  mutable absl::Mutex mu_;
  mutable std::vector<std::unique_ptr<icu::Transliterator>> idle_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_TRANSLITERATE_TRANSLITERATOR_H_
