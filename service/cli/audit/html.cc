#include "service/cli/audit/html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace reckon::service::audit {
namespace {

constexpr double kChartWidth = 760.0;
// Register colours (colour-blind safe, Okabe and Ito 2008).
constexpr const char* kSourceColours[] = {"#E69F00", "#56B4E9", "#009E73",
                                          "#CC79A7", "#D55E00", "#0072B2",
                                          "#F0E442", "#999999"};
constexpr const char* kBelowColour = "#9aa5b1";
constexpr const char* kAboveColour = "#2b6cb0";
constexpr const char* kThresholdColour = "#c53030";
constexpr const char* kMColour = "#2b6cb0";
constexpr const char* kUColour = "#dd6b20";

std::string Num(double x, int decimals = 1) {
  return absl::StrFormat("%.*f", decimals, x);
}

std::string Whole(double x) {
  if (!std::isfinite(x)) return "unbounded";
  return absl::StrFormat("%.0f", x);
}

std::string Text(double x, double y, const std::string& text,
                 const std::string& anchor = "start", int size = 11,
                 const std::string& colour = "#222") {
  return absl::StrFormat(
      "<text x=\"%s\" y=\"%s\" font-size=\"%d\" text-anchor=\"%s\" "
      "fill=\"%s\">%s</text>",
      Num(x), Num(y), size, anchor, colour, HtmlEscape(text));
}

std::string Rect(double x, double y, double w, double h,
                 const std::string& fill, const std::string& title = "") {
  std::string out = absl::StrFormat(
      "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"", Num(x),
      Num(y), Num(std::max(w, 0.0)), Num(std::max(h, 0.0)), fill);
  if (title.empty()) return out + "/>";
  return absl::StrCat(out, "><title>", HtmlEscape(title), "</title></rect>");
}

std::string Line(double x1, double y1, double x2, double y2,
                 const std::string& colour, double width = 1.0,
                 const std::string& dash = "") {
  std::string out = absl::StrFormat(
      "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
      "stroke-width=\"%s\"",
      Num(x1), Num(y1), Num(x2), Num(y2), colour, Num(width));
  if (!dash.empty()) absl::StrAppend(&out, " stroke-dasharray=\"", dash, "\"");
  return out + "/>";
}

std::string SvgOpen(double width, double height, const std::string& label) {
  return absl::StrFormat(
      "<svg width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" role=\"img\" "
      "aria-label=\"%s\">",
      Num(width, 0), Num(height, 0), Num(width, 0), Num(height, 0),
      HtmlEscape(label));
}

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about
// `target` ticks over `range`.
double TickStep(double range, int target) {
  const double raw = range / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * power) return m * power;
  }
  return 10.0 * power;
}

std::string WeightHistogram(const LinkView& view) {
  if (!view.has_pairs || view.pairs.empty()) {
    return "<p class=\"note\">No pairs.csv in this directory: no weights to "
           "show.</p>";
  }
  double lo = view.pairs[0].weight, hi = lo;
  for (const LinkPair& pair : view.pairs) {
    lo = std::min(lo, pair.weight);
    hi = std::max(hi, pair.weight);
  }
  if (view.has_threshold()) {
    lo = std::min(lo, view.threshold);
    hi = std::max(hi, view.threshold);
  }
  lo = std::floor(lo);
  hi = std::ceil(hi);
  if (hi <= lo) hi = lo + 1.0;
  const double bin = (hi - lo) <= 60.0 ? 1.0 : TickStep(hi - lo, 60);
  const auto bins = static_cast<size_t>(std::ceil((hi - lo) / bin));
  hi = lo + static_cast<double>(bins) * bin;
  std::vector<uint64_t> counts(bins, 0);
  for (const LinkPair& pair : view.pairs) {
    auto b = static_cast<size_t>((pair.weight - lo) / bin);
    counts[std::min(b, bins - 1)] += 1;
  }
  const uint64_t most = *std::max_element(counts.begin(), counts.end());
  const double left = 56, right = 16, top = 24, bottom = 40, height = 260;
  const double plot_w = kChartWidth - left - right, plot_h = height - top - bottom;
  const auto x_of = [&](double w) { return left + (w - lo) / (hi - lo) * plot_w; };
  std::string svg = SvgOpen(kChartWidth, height, "match weight histogram");
  svg += Line(left, top + plot_h, left + plot_w, top + plot_h, "#444");
  svg += Line(left, top, left, top + plot_h, "#444");
  for (size_t b = 0; b < bins; ++b) {
    if (counts[b] == 0) continue;
    const double from = lo + static_cast<double>(b) * bin;
    const double h = plot_h * static_cast<double>(counts[b]) /
                     static_cast<double>(most);
    const bool above = view.has_threshold() && from + bin / 2 >= view.threshold;
    svg += Rect(x_of(from) + 0.5, top + plot_h - h, x_of(from + bin) - x_of(from) - 1.0,
                h, above ? kAboveColour : kBelowColour,
                absl::StrFormat("weight %s to %s: %d pairs", Num(from),
                                Num(from + bin), counts[b]));
  }
  const double step = TickStep(hi - lo, 10);
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
    svg += Line(x_of(t), top + plot_h, x_of(t), top + plot_h + 4, "#444");
    svg += Text(x_of(t), top + plot_h + 16, Num(t, step < 1 ? 1 : 0), "middle");
  }
  svg += Text(left + plot_w / 2, height - 6,
              "match weight (log2 likelihood ratio)", "middle");
  for (double frac : {0.0, 0.5, 1.0}) {
    const double y = top + plot_h * (1.0 - frac);
    svg += Text(left - 6, y + 4, Whole(frac * static_cast<double>(most)), "end");
  }
  if (view.has_threshold()) {
    const double x = x_of(view.threshold);
    svg += Line(x, top - 6, x, top + plot_h, kThresholdColour, 2.0, "5,3");
    svg += Text(x + 4, top - 8,
                absl::StrCat("threshold ", Num(view.threshold, 2)), "start", 11,
                kThresholdColour);
  }
  svg += "</svg>";
  return absl::StrCat(
      svg,
      absl::StrFormat(
          "<p class=\"note\">%d scored pairs from pairs.csv (candidate pairs "
          "with match probability at least 0.01); blue: at or above the link "
          "threshold, grey: below. Bins of %s bits.</p>",
          view.pairs.size(), Num(bin, bin < 1 ? 2 : 0)));
}

std::string ModelSection(const ModelSummary* model) {
  if (model == nullptr) {
    return "<p class=\"note\">No model.json in this directory.</p>";
  }
  std::string html = absl::StrFormat(
      "<p>Match share among the training pairs (lambda): %s. Bars on a log "
      "scale from 10<sup>-6</sup> to 1: <span style=\"color:%s\">m</span> "
      "(share of matches at the level), <span style=\"color:%s\">u</span> "
      "(share of non-matches); weight = log2(m/u).</p>",
      Num(model->lambda, 4), kMColour, kUColour);
  const double label_w = 190, bar_left = 200, bar_w = 300, row_h = 26;
  const auto x_of = [&](double p) {
    const double v = std::clamp(std::log10(std::max(p, 1e-6)), -6.0, 0.0);
    return bar_left + (v + 6.0) / 6.0 * bar_w;
  };
  for (const ModelComparison& comparison : model->comparisons) {
    const double height = 30 + row_h * static_cast<double>(comparison.levels.size());
    std::string svg = SvgOpen(kChartWidth, height,
                              absl::StrCat("m and u of ", comparison.name));
    svg += Text(4, 14, comparison.name, "start", 13);
    for (int e = -6; e <= 0; ++e) {
      const double x = x_of(std::pow(10.0, e));
      svg += Line(x, 20, x, height - 4, "#e2e8f0");
      svg += Text(x, 14, e == 0 ? "1" : absl::StrCat("1e", e), "middle", 9, "#666");
    }
    for (size_t l = 0; l < comparison.levels.size(); ++l) {
      const ModelLevel& level = comparison.levels[l];
      const double y = 22 + row_h * static_cast<double>(l);
      svg += Text(label_w, y + 14, level.level, "end");
      svg += Rect(bar_left, y + 2, x_of(level.m) - bar_left, 9, kMColour,
                  absl::StrFormat("m = %g", level.m));
      svg += Rect(bar_left, y + 12, x_of(level.u) - bar_left, 9, kUColour,
                  absl::StrFormat("u = %g", level.u));
      svg += Text(bar_left + bar_w + 10, y + 14,
                  absl::StrFormat("m %.4g  u %.4g  weight %+.2f", level.m,
                                  level.u, level.weight),
                  "start", 10);
    }
    svg += "</svg>";
    html += svg;
  }
  return html;
}

std::string ClusterSizes(const LinkView& view) {
  std::map<size_t, uint64_t> sizes;
  for (const auto& members : view.members) ++sizes[members.size()];
  if (sizes.empty()) return "<p class=\"note\">No entities.</p>";
  uint64_t most = 0;
  for (const auto& [size, count] : sizes) most = std::max(most, count);
  const double left = 56, top = 20, bottom = 40, height = 220;
  const double plot_w = kChartWidth - left - 16, plot_h = height - top - bottom;
  const double slot = plot_w / static_cast<double>(sizes.size());
  std::string svg = SvgOpen(kChartWidth, height, "entity sizes");
  svg += Line(left, top + plot_h, left + plot_w, top + plot_h, "#444");
  const double log_most = std::log10(static_cast<double>(most) + 1.0);
  size_t i = 0;
  for (const auto& [size, count] : sizes) {
    const double h =
        plot_h * std::log10(static_cast<double>(count) + 1.0) / log_most;
    const double x = left + slot * static_cast<double>(i);
    svg += Rect(x + slot * 0.15, top + plot_h - h, slot * 0.7, h, kAboveColour,
                absl::StrFormat("%d entities of %d records", count, size));
    if (slot >= 14 || i % 5 == 0) {
      svg += Text(x + slot / 2, top + plot_h + 14, absl::StrCat(size), "middle", 10);
      svg += Text(x + slot / 2, top + plot_h - h - 3, absl::StrCat(count),
                  "middle", 9, "#444");
    }
    ++i;
  }
  svg += Text(left + plot_w / 2, height - 6,
              "records per entity (bar height: number of entities, log scale)",
              "middle");
  svg += "</svg>";
  return svg;
}

// One row of the estimate chart: a stratum's register counts, its linked
// count and its interval.
std::string EstimateChart(const LinkReport& report) {
  std::vector<const StratumReport*> rows = {&report.total};
  for (const StratumReport& s : report.strata) rows.push_back(&s);
  double lo = 1e300, hi = 1.0;
  for (const StratumReport* s : rows) {
    for (int64_t c : s->estimate.per_source) {
      if (c > 0) lo = std::min(lo, static_cast<double>(c));
      hi = std::max(hi, static_cast<double>(c));
    }
    if (s->estimate.observed > 0) {
      lo = std::min(lo, static_cast<double>(s->estimate.observed));
    }
    if (s->estimate.estimated) hi = std::max(hi, s->estimate.n_hat);
    if (std::isfinite(s->ci_high)) hi = std::max(hi, s->ci_high);
    if (s->ci_low > 0) lo = std::min(lo, s->ci_low);
  }
  if (lo > hi) lo = 1.0;
  const double log_lo = std::floor(std::log10(std::max(lo, 1.0))),
               log_hi = std::ceil(std::log10(hi) + 1e-9);
  const double span = std::max(log_hi - log_lo, 1.0);
  const double label_w = 110, left = 120, plot_w = kChartWidth - left - 20,
               row_h = 26, top = 34;
  const double height = top + row_h * static_cast<double>(rows.size()) + 40;
  const auto x_of = [&](double v) {
    const double l = std::log10(std::max(v, std::pow(10.0, log_lo)));
    return left + (l - log_lo) / span * plot_w;
  };
  std::string svg = SvgOpen(kChartWidth, height, "estimate by nationality");
  for (double e = log_lo; e <= log_lo + span + 1e-9; e += 1.0) {
    const double x = x_of(std::pow(10.0, e));
    svg += Line(x, top - 6, x, height - 34, "#e2e8f0");
    svg += Text(x, height - 20, Whole(std::pow(10.0, e)), "middle", 10);
  }
  // Legend.
  double lx = left;
  for (size_t s = 0; s < report.sources.size(); ++s) {
    const char* colour = kSourceColours[s % std::size(kSourceColours)];
    svg += absl::StrFormat("<circle cx=\"%s\" cy=\"12\" r=\"5\" fill=\"%s\"/>",
                           Num(lx + 5), colour);
    svg += Text(lx + 13, 16, report.sources[s], "start", 10);
    lx += 22 + 7.0 * static_cast<double>(report.sources[s].size());
  }
  svg += Rect(lx, 7, 9, 9, "#111");
  svg += Text(lx + 13, 16, "linked (distinct)", "start", 10);
  lx += 110;
  svg += Line(lx, 12, lx + 20, 12, kAboveColour, 4);
  svg += Text(lx + 24, 16, "estimate, 95% interval", "start", 10);
  for (size_t r = 0; r < rows.size(); ++r) {
    const StratumReport& s = *rows[r];
    const double y = top + row_h * static_cast<double>(r) + row_h / 2;
    svg += Text(label_w, y + 4, s.label, "end");
    if (s.estimate.estimated || s.ci_high > 0) {
      const double x1 = x_of(std::max(s.ci_low, 1.0));
      const double x2 = std::isfinite(s.ci_high) ? x_of(s.ci_high) : left + plot_w;
      svg += absl::StrFormat(
          "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
          "stroke-width=\"4\" opacity=\"0.6\"><title>%s</title></line>",
          Num(x1), Num(y), Num(x2), Num(y), kAboveColour,
          HtmlEscape(absl::StrCat("95% interval ", Whole(s.ci_low), " to ",
                                  Whole(s.ci_high))));
      if (!std::isfinite(s.ci_high)) {
        svg += Text(x2 - 2, y - 5, "unbounded", "end", 9, kAboveColour);
      }
    }
    if (s.estimate.estimated) {
      const double x = x_of(s.estimate.n_hat);
      svg += absl::StrFormat(
          "<path d=\"M %s %s l 6 6 l -6 6 l -6 -6 z\" fill=\"%s\"><title>%s"
          "</title></path>",
          Num(x), Num(y - 6), kAboveColour,
          HtmlEscape(absl::StrCat("estimate ", Whole(s.estimate.n_hat))));
    }
    for (size_t k = 0; k < s.estimate.per_source.size(); ++k) {
      if (s.estimate.per_source[k] <= 0) continue;
      svg += absl::StrFormat(
          "<circle cx=\"%s\" cy=\"%s\" r=\"4\" fill=\"%s\"><title>%s</title>"
          "</circle>",
          Num(x_of(static_cast<double>(s.estimate.per_source[k]))), Num(y),
          kSourceColours[k % std::size(kSourceColours)],
          HtmlEscape(absl::StrCat(k < report.sources.size() ? report.sources[k] : "",
                                  ": ", s.estimate.per_source[k])));
    }
    if (s.estimate.observed > 0) {
      const double x = x_of(static_cast<double>(s.estimate.observed));
      svg += Rect(x - 4, y - 4, 8, 8, "#111",
                  absl::StrCat("linked: ", s.estimate.observed));
    }
  }
  svg += Text(left + plot_w / 2, height - 4, "people (log scale)", "middle");
  svg += "</svg>";
  return svg;
}

std::string EstimateSection(const ReportPage& page) {
  if (page.estimate == nullptr) {
    return absl::StrCat("<p class=\"note\">", HtmlEscape(page.estimate_note),
                        "</p>");
  }
  const LinkReport& report = *page.estimate;
  std::string html = EstimateChart(report);
  html += "<table><tr><th>stratum</th>";
  for (const std::string& s : report.sources) {
    absl::StrAppend(&html, "<th>", HtmlEscape(s), "</th>");
  }
  html += "<th>linked</th><th>estimate</th><th>95% interval</th><th>model</th></tr>";
  std::vector<const StratumReport*> rows = {&report.total};
  for (const StratumReport& s : report.strata) rows.push_back(&s);
  for (const StratumReport* s : rows) {
    absl::StrAppend(&html, "<tr><td>", HtmlEscape(s->label), "</td>");
    for (int64_t c : s->estimate.per_source) {
      absl::StrAppend(&html, "<td class=\"n\">", c, "</td>");
    }
    absl::StrAppend(
        &html, "<td class=\"n\">", s->estimate.observed, "</td><td class=\"n\">",
        s->estimate.estimated ? Whole(s->estimate.n_hat) : "none",
        "</td><td class=\"n\">[", Whole(s->ci_low), ", ", Whole(s->ci_high),
        "]</td><td>", HtmlEscape(s->estimate.model), "</td></tr>");
  }
  html += "</table>";
  html +=
      "<p class=\"note\">Register columns: distinct entities each register "
      "holds (its own count after de-duplication). Intervals carry linkage "
      "error when pairs.csv is present (as <code>reckon estimate</code>).</p>";
  for (const std::string& note : report.notes) {
    absl::StrAppend(&html, "<p class=\"note\">", HtmlEscape(note), "</p>");
  }
  return html;
}

std::string SuspiciousSection(const ReportPage& page) {
  const LinkView& view = *page.view;
  if (page.suspicious.empty()) {
    return "<p>No entity was flagged.</p>";
  }
  std::string html = absl::StrFormat(
      "<p>%d entities flagged, worst first%s. Scores add up per reason "
      "(disagreeing sex 4, birth date 4, nationality 2; a weak bridge 3 to "
      "4; a link just above the threshold 1 to 2; large entities by size).</p>"
      "<ol>",
      page.suspicious.size(),
      page.suspicious.size() > page.suspicious_shown
          ? absl::StrCat("; the first ", page.suspicious_shown, " shown")
          : "");
  for (size_t i = 0; i < page.suspicious.size() && i < page.suspicious_shown;
       ++i) {
    const SuspiciousEntity& item = page.suspicious[i];
    const std::string& id = view.entity_ids[item.entity];
    std::vector<std::string> labels;
    for (uint32_t r : view.members[item.entity]) {
      if (labels.size() == 12) {
        labels.push_back(absl::StrCat("+", view.members[item.entity].size() - 12,
                                      " more"));
        break;
      }
      labels.push_back(HtmlEscape(view.Label(r)));
    }
    absl::StrAppend(&html, "<li id=\"s-", HtmlEscape(id), "\"><a href=\"#s-",
                    HtmlEscape(id), "\"><b>", HtmlEscape(id), "</b></a> ",
                    absl::StrFormat("score %.2f, %d records: ", item.score,
                                    item.size),
                    "<span class=\"members\">", absl::StrJoin(labels, ", "),
                    "</span><ul>");
    for (const Reason& reason : item.reasons) {
      absl::StrAppend(&html, "<li>", HtmlEscape(reason.text),
                      absl::StrFormat(" <span class=\"pts\">(+%.2f)</span>",
                                      reason.points),
                      "</li>");
    }
    html += "</ul></li>";
  }
  html += "</ol>";
  return html;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

absl::StatusOr<ModelSummary> ParseModelJson(const std::string& text,
                                            const std::string& name) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": not valid JSON: ", e.what()));
  }
  const auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", absl::string_view(what.data(), what.size())));
  };
  if (!json.is_object()) return bad("not a JSON object");
  ModelSummary model;
  if (auto it = json.find("lambda"); it != json.end() && it->is_number()) {
    model.lambda = it->get<double>();
  }
  auto comparisons = json.find("comparisons");
  if (comparisons == json.end() || !comparisons->is_array()) {
    return bad("comparisons: expected an array");
  }
  for (const nlohmann::json& c : *comparisons) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string() ||
        !c.contains("levels") || !c["levels"].is_array()) {
      return bad("comparisons: each needs a name and levels");
    }
    ModelComparison comparison;
    comparison.name = c["name"].get<std::string>();
    for (const nlohmann::json& l : c["levels"]) {
      if (!l.is_object() || !l.contains("level") || !l["level"].is_string()) {
        return bad(absl::StrCat("comparisons: ", comparison.name,
                                ": each level needs a name"));
      }
      if (!l.contains("m") || !l["m"].is_number()) continue;  // "missing"
      ModelLevel level;
      level.level = l["level"].get<std::string>();
      level.m = l["m"].get<double>();
      level.u = l.contains("u") && l["u"].is_number() ? l["u"].get<double>() : 0.0;
      level.weight = l.contains("weight") && l["weight"].is_number()
                         ? l["weight"].get<double>()
                         : 0.0;
      comparison.levels.push_back(std::move(level));
    }
    model.comparisons.push_back(std::move(comparison));
  }
  return model;
}

std::string RenderReportHtml(const ReportPage& page) {
  const LinkView& view = *page.view;
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>reckon audit: ",
      HtmlEscape(page.title),
      "</title><style>"
      "body{font-family:sans-serif;margin:24px;color:#222;background:#fff;"
      "max-width:1100px}"
      "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccd;"
      "padding-bottom:4px;margin-top:32px}"
      "table{border-collapse:collapse;margin:8px 0}"
      "td,th{border:1px solid #ccd;padding:3px 8px;font-size:13px}"
      "th{background:#edf2f7}td.n{text-align:right}"
      ".note{color:#555;font-size:13px}.pts{color:#888}"
      ".members{font-size:12px;color:#444}li{margin:4px 0}"
      "nav a{margin-right:14px}"
      "</style></head><body>\n<h1>reckon audit report: ",
      HtmlEscape(page.title), "</h1>\n");
  html +=
      "<nav><a href=\"#run\">the run</a><a href=\"#weights\">match "
      "weights</a><a href=\"#model\">m and u</a><a href=\"#sizes\">entity "
      "sizes</a><a href=\"#estimate\">estimate by nationality</a><a "
      "href=\"#suspicious\">suspicious entities</a></nav>\n";
  html += "<h2 id=\"run\">The run</h2><table>";
  for (const auto& [label, value] : page.facts) {
    absl::StrAppend(&html, "<tr><th>", HtmlEscape(label), "</th><td>",
                    HtmlEscape(value), "</td></tr>");
  }
  html += "</table>\n";
  absl::StrAppend(&html, "<h2 id=\"weights\">Match weights</h2>",
                  WeightHistogram(view), "\n");
  absl::StrAppend(&html, "<h2 id=\"model\">m and u per comparison level</h2>",
                  ModelSection(page.model), "\n");
  absl::StrAppend(&html, "<h2 id=\"sizes\">Entity sizes</h2>", ClusterSizes(view),
                  "\n");
  absl::StrAppend(&html,
                  "<h2 id=\"estimate\">Estimate by nationality</h2>",
                  EstimateSection(page), "\n");
  absl::StrAppend(&html, "<h2 id=\"suspicious\">Suspicious entities</h2>",
                  SuspiciousSection(page), "\n");
  html += "</body></html>\n";
  return html;
}

}  // namespace reckon::service::audit
