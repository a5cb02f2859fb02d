#include "service/cli/args.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace reckon::service {

std::optional<std::string> ParsedArgs::Get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec,
                                     const std::vector<std::string>& args) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (flags_done || word.size() < 2 || word[0] != '-') {
      parsed.positionals_.push_back(word);
      continue;
    }
    if (word == "--") {
      flags_done = true;
      continue;
    }
    if (word == "--help" || word == "-h") {
      parsed.help_ = true;
      continue;
    }
    std::string_view body = word;
    body.remove_prefix(body.starts_with("--") ? 2 : 1);
    std::string name(body);
    std::optional<std::string> inline_value;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      name = std::string(body.substr(0, eq));
      inline_value = std::string(body.substr(eq + 1));
    }
    const FlagSpec* flag = nullptr;
    for (const FlagSpec& candidate : spec.flags) {
      if (candidate.name == name) flag = &candidate;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    std::string value;
    if (flag->value_name.empty()) {
      if (inline_value.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes no value"));
      }
      value = "true";
    } else if (inline_value.has_value()) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " needs a value (", flag->value_name, ")"));
    }
    std::vector<std::string>& values = parsed.values_[name];
    if (!values.empty() && !flag->repeated) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " given more than once"));
    }
    values.push_back(std::move(value));
  }
  if (!parsed.help_) {
    const size_t n = parsed.positionals_.size();
    if (n < spec.min_positionals || n > spec.max_positionals) {
      if (n > spec.max_positionals) {
        return absl::InvalidArgumentError(
            absl::StrCat("unexpected argument \"",
                         parsed.positionals_[spec.max_positionals], "\""));
      }
      return absl::InvalidArgumentError(
          absl::StrCat("missing argument: expected ", spec.positionals));
    }
  }
  return parsed;
}

std::string HelpText(const CommandSpec& spec) {
  std::string text = absl::StrCat("usage: reckon ", spec.name);
  if (!spec.positionals.empty()) absl::StrAppend(&text, " ", spec.positionals);
  for (const FlagSpec& flag : spec.flags) {
    absl::StrAppend(&text, " [--", flag.name);
    if (!flag.value_name.empty()) absl::StrAppend(&text, " ", flag.value_name);
    absl::StrAppend(&text, flag.repeated ? " ...]" : "]");
  }
  absl::StrAppend(&text, "\n\n", spec.summary, "\n");
  if (!spec.details.empty()) absl::StrAppend(&text, "\n", spec.details, "\n");
  if (!spec.flags.empty()) absl::StrAppend(&text, "\nflags:\n");
  for (const FlagSpec& flag : spec.flags) {
    std::string left = absl::StrCat("  --", flag.name);
    if (!flag.value_name.empty()) absl::StrAppend(&left, " ", flag.value_name);
    if (left.size() < 26) left.resize(26, ' ');
    else absl::StrAppend(&left, "\n", std::string(26, ' '));
    absl::StrAppend(&text, left, flag.help, "\n");
  }
  return text;
}

}  // namespace reckon::service
