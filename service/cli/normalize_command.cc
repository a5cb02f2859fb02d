// `reckon normalize < names.txt`: an auditor's window onto the name library.
// Reads one name a line and prints the forms and blocking keys that
// linkage/normalize gives it, so anyone can see why two names did or did
// not meet.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "linkage/normalize/name_forms.h"
#include "service/cli/commands.h"

namespace reckon::service {
namespace {

const CommandSpec& NormalizeSpec() {
  static const CommandSpec kSpec = {
      .name = "normalize",
      .positionals = "< names.txt",
      .summary = "show the normalized forms and keys of names",
      .details =
          "Reads names from standard input, one a line (UTF-8; a trailing CR "
          "is dropped),\n"
          "and prints one tab-separated row per name, after a header line "
          "starting with '#':\n"
          "  input        the line as read (tabs shown as spaces)\n"
          "  display      NFKC, Turkish/Azerbaijani-aware lower case, tidy "
          "spaces\n"
          "  comparison   the Latin comparison form (patronymics removed)\n"
          "  tokens       comparison tokens, space-joined, written order\n"
          "  phonetic     phonetic code of each token, space-joined\n"
          "  skeleton     consonant skeleton of each token, space-joined\n"
          "  sorted_tokens  the tokens sorted (name order ignored)\n"
          "  patronymic   father's names recognized and split off\n"
          "A line that is not valid UTF-8 or is too long gets no row: an "
          "error naming its\n"
          "line number goes to standard error and the rest is still "
          "processed; the exit\n"
          "code is then 1.",
      .flags = {},
      .min_positionals = 0,
      .max_positionals = 0,
  };
  return kSpec;
}

std::string Column(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

int RunNormalize(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed =
      ParseOrExit(NormalizeSpec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;

  absl::StatusOr<std::unique_ptr<NameNormalizer>> normalizer =
      NameNormalizer::Create();
  if (!normalizer.ok()) return ReportError("normalize", normalizer.status());

  std::cout << "# input\tdisplay\tcomparison\ttokens\tphonetic\tskeleton\t"
               "sorted_tokens\tpatronymic\n";
  std::string line;
  int64_t line_number = 0;
  bool any_bad = false;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    absl::StatusOr<std::shared_ptr<const NameForms>> forms =
        (*normalizer)->NormalizeShared(line);
    if (!forms.ok()) {
      ReportError("normalize",
                  absl::Status(forms.status().code(),
                               absl::StrCat("stdin:", line_number, ": ",
                                            forms.status().message())));
      any_bad = true;
      continue;
    }
    const NameForms& f = **forms;
    std::cout << Column(line) << '\t' << f.display << '\t' << f.comparison
              << '\t' << absl::StrJoin(f.tokens, " ") << '\t'
              << absl::StrJoin(f.phonetic, " ") << '\t'
              << absl::StrJoin(f.skeleton, " ") << '\t' << f.sorted_tokens
              << '\t' << absl::StrJoin(f.patronymic_tokens, " ") << '\n';
  }
  std::cout.flush();
  return any_bad ? kExitFailure : kExitOk;
}

}  // namespace reckon::service
