#include "linkage/compare/reference/reference.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reckon::reference {

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    char32_t c = lead;
    if (lead >= 0xF0) {
      length = 4;
      c = lead & 0x07u;
    } else if (lead >= 0xE0) {
      length = 3;
      c = lead & 0x0Fu;
    } else if (lead >= 0xC0) {
      length = 2;
      c = lead & 0x1Fu;
    }
    for (size_t k = 1; k < length && i + k < text.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    }
    out.push_back(c);
    i += length;
  }
  return out;
}

double Jaro(std::string_view a_text, std::string_view b_text) {
  const std::u32string a = DecodeUtf8(a_text);
  const std::u32string b = DecodeUtf8(b_text);
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const size_t longer = std::max(a.size(), b.size());
  const size_t window = longer / 2 >= 1 ? longer / 2 - 1 : 0;
  std::vector<bool> matched_a(a.size(), false);
  std::vector<bool> matched_b(b.size(), false);
  size_t m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) {
      const size_t gap = i > j ? i - j : j - i;
      if (gap <= window && !matched_b[j] && a[i] == b[j]) {
        matched_a[i] = true;
        matched_b[j] = true;
        ++m;
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  std::u32string sequence_a;
  std::u32string sequence_b;
  for (size_t i = 0; i < a.size(); ++i) {
    if (matched_a[i]) sequence_a.push_back(a[i]);
  }
  for (size_t j = 0; j < b.size(); ++j) {
    if (matched_b[j]) sequence_b.push_back(b[j]);
  }
  size_t mismatched = 0;
  for (size_t k = 0; k < m; ++k) {
    if (sequence_a[k] != sequence_b[k]) ++mismatched;
  }
  const auto t = static_cast<double>(mismatched / 2);
  const auto md = static_cast<double>(m);
  return (md / static_cast<double>(a.size()) +
          md / static_cast<double>(b.size()) + (md - t) / md) /
         3.0;
}

double JaroWinkler(std::string_view a_text, std::string_view b_text,
                   double prefix_scale) {
  const double jaro = Jaro(a_text, b_text);
  if (jaro <= 0.7) return jaro;
  const std::u32string a = DecodeUtf8(a_text);
  const std::u32string b = DecodeUtf8(b_text);
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() &&
         a[prefix] == b[prefix]) {
    ++prefix;
  }
  return jaro + static_cast<double>(prefix) * prefix_scale * (1.0 - jaro);
}

int OsaDistance(std::string_view a_text, std::string_view b_text) {
  const std::u32string a = DecodeUtf8(a_text);
  const std::u32string b = DecodeUtf8(b_text);
  std::vector<std::vector<int>> d(a.size() + 1,
                                  std::vector<int>(b.size() + 1, 0));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace reckon::reference
