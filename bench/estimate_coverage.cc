// Bench driver for linkage/estimate: (1) a coverage study of the estimators
// on simulated capture histories, (2) the speed of the whole estimate with
// linkage uncertainty on a simulated 1,000,000-record link result.
//
//   estimate_coverage [--scenarios N] [--records R] [--skip-coverage]
//                     [--skip-speed] [--no-redraws] [--no-by] [--chain-pairs]
//                     [--calibrated] [--tmp DIR]
//
// Coverage: N scenarios (default 200) split evenly over mild/strong
// heterogeneity x without/with linkage noise, 4 lists, 1,500-4,000 people.
// Capture: logit p_ij = a_j + s * u_i with u_i ~ N(0, 1) (s = 0.5 mild,
// 1.5 strong); under strong heterogeneity 25% of people (the "irregular")
// are never on list 3 and list 1 catches them at a quarter of its rate.
// Linkage noise: every two records of one person are a candidate pair
// (each missing with probability 0.03, as blocking misses some: on a 20,000
// person `reckon link` result 97.6% of a person's record pairs were in
// pairs.csv) with match probability drawn from Beta(8, 1.2); with
// --chain-pairs a person's records are only chained (first round's
// simulation). False pairs between random records of different people get
// Beta(1.2, 8); the given clustering links pairs with probability > 0.5 (so
// some people are split, some merged). These probabilities understate the
// truth (a true pair at 0.87 is true for certain here); with --calibrated
// each is replaced by P(true | it) under the simulated mixture, what a
// calibrated linker would report.
// Reported per method: mean relative bias, median |relative error|, and the
// share of 95% intervals covering the true N.
//
// Speed: simulates about 1,000,000 records over 4 sources with 15
// nationalities, writes entities.csv / entity_info.csv / pairs.csv /
// summary.json under --tmp, then times reading them and the full estimate
// (--by nationality, 20 link redraws, 5 sensitivity thresholds).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "linkage/cluster/union_find.h"
#include "linkage/estimate/capture_histories.h"
#include "linkage/estimate/estimator.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/estimate/loglinear.h"
#include "linkage/estimate/report.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Person {
  uint32_t mask = 0;
};

struct Scenario {
  int people = 0;
  std::vector<uint32_t> masks;  // per person
};

Scenario Simulate(std::mt19937_64& rng, bool strong, int people) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_real_distribution<double> base(0.15, 0.40);
  const double spread = strong ? 1.5 : 0.5;
  double a[4];
  for (double& x : a) {
    const double p = base(rng);
    x = std::log(p / (1.0 - p));
  }
  Scenario s;
  s.people = people;
  s.masks.resize(static_cast<size_t>(people));
  for (int i = 0; i < people; ++i) {
    const double u = normal(rng);
    const bool irregular = strong && unit(rng) < 0.25;
    uint32_t mask = 0;
    for (int j = 0; j < 4; ++j) {
      double logit = a[j] + spread * u;
      double p = 1.0 / (1.0 + std::exp(-logit));
      if (irregular && j == 2) p = 0.0;
      if (irregular && j == 0) p *= 0.25;
      if (unit(rng) < p) mask |= 1u << j;
    }
    s.masks[static_cast<size_t>(i)] = mask;
  }
  return s;
}

// Records and noisy links for a scenario. Returns a LinkedRecords whose
// given clustering links pairs with probability > 0.5.
reckon::LinkedRecords NoisyLinks(std::mt19937_64& rng, const Scenario& s,
                                 bool chain_pairs, bool calibrated) {
  std::gamma_distribution<double> g_hi(8.0, 1.0);
  std::gamma_distribution<double> g_lo(1.2, 1.0);
  auto beta_high = [&] {
    const double x = g_hi(rng);
    return x / (x + g_lo(rng));
  };
  auto beta_low = [&] {
    const double x = g_lo(rng);
    return x / (x + g_hi(rng));
  };
  reckon::LinkedRecords link;
  link.sources = {"l1", "l2", "l3", "l4"};
  std::vector<uint32_t> owner;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < s.people; ++i) {
    std::vector<uint32_t> mine;
    for (uint32_t j = 0; j < 4; ++j) {
      if (!((s.masks[static_cast<size_t>(i)] >> j) & 1u)) continue;
      const auto record = static_cast<uint32_t>(link.record_source.size());
      link.record_source.push_back(j);
      owner.push_back(static_cast<uint32_t>(i));
      if (chain_pairs) {
        if (!mine.empty()) link.pairs.push_back({mine.back(), record, 0.0, beta_high()});
      } else {
        // Every pair of the person's records, each missing from the
        // candidates with probability 0.03 (as blocking misses some).
        for (uint32_t other : mine) {
          if (unit(rng) >= 0.03) link.pairs.push_back({other, record, 0.0, beta_high()});
        }
      }
      mine.push_back(record);
    }
  }
  const size_t records = link.record_source.size();
  const size_t true_pairs = link.pairs.size();
  if (records < 2) return link;
  std::uniform_int_distribution<size_t> pick(0, records - 1);
  const size_t false_pairs = records / 4;
  for (size_t k = 0; k < false_pairs; ++k) {
    const size_t x = pick(rng);
    const size_t y = pick(rng);
    if (owner[x] == owner[y]) continue;
    link.pairs.push_back({static_cast<uint32_t>(x), static_cast<uint32_t>(y), 0.0,
                          beta_low()});
  }
  if (calibrated) {
    // What a calibrated linker would report: P(true pair | score) under
    // this mixture, odds = (true / false pairs) (x / (1 - x))^6.8, since
    // the Beta(8, 1.2) and Beta(1.2, 8) densities have that ratio.
    const double prior = std::log(static_cast<double>(true_pairs) /
                                  static_cast<double>(link.pairs.size() - true_pairs));
    for (reckon::LinkPair& p : link.pairs) {
      const double x = std::clamp(p.probability, 1e-9, 1.0 - 1e-9);
      const double log_odds = prior + 6.8 * std::log(x / (1.0 - x));
      p.probability = 1.0 / (1.0 + std::exp(-log_odds));
    }
  }
  for (reckon::LinkPair& p : link.pairs) {
    const double x = std::clamp(p.probability, 1e-12, 1.0 - 1e-12);
    p.weight = std::log2(x / (1.0 - x));
  }
  reckon::UnionFind sets(records);
  for (const reckon::LinkPair& p : link.pairs) {
    if (p.probability > 0.5) sets.Union(p.a, p.b);
  }
  std::map<uint32_t, uint32_t> entity_of_root;
  for (size_t r = 0; r < records; ++r) {
    const uint32_t root = sets.Find(static_cast<uint32_t>(r));
    auto [it, added] = entity_of_root.emplace(
        root, static_cast<uint32_t>(link.entity_ids.size()));
    if (added) link.entity_ids.push_back(absl::StrCat("E", root));
    link.record_entity.push_back(it->second);
  }
  return link;
}

struct Tally {
  int runs = 0;
  int estimated = 0;
  int covered = 0;
  double bias_sum = 0.0;
  std::vector<double> abs_errors;
  double width_sum = 0.0;

  void Add(bool ok, double n_hat, double low, double high, double truth) {
    ++runs;
    if (!ok || !std::isfinite(n_hat)) return;
    ++estimated;
    if (low <= truth && truth <= high) ++covered;
    bias_sum += (n_hat - truth) / truth;
    abs_errors.push_back(std::fabs(n_hat - truth) / truth);
    width_sum += std::isfinite(high) ? (high - low) / truth : 10.0;
  }
  std::string Row(const std::string& name) const {
    std::vector<double> e = abs_errors;
    std::sort(e.begin(), e.end());
    const double median = e.empty() ? NAN : e[e.size() / 2];
    const double n = estimated > 0 ? estimated : 1;
    return absl::StrFormat("| %-62s | %3d/%3d | %+7.1f%% | %6.1f%% | %5.1f%% | %6.2f |",
                           name, estimated, runs, 100.0 * bias_sum / n,
                           100.0 * median, 100.0 * covered / n, width_sum / n);
  }
};

void Coverage(int scenarios, bool chain_pairs, bool calibrated) {
  std::mt19937_64 rng(20260601);
  std::uniform_int_distribution<int> size(1500, 4000);
  const char* settings[4] = {"mild, no linkage noise", "strong, no linkage noise",
                             "mild, linkage noise", "strong, linkage noise"};
  std::map<std::string, Tally> tallies;
  std::vector<std::string> order;
  auto tally = [&](const std::string& key) -> Tally& {
    if (!tallies.contains(key)) order.push_back(key);
    return tallies[key];
  };
  // Per setting: estimates run, and those flagged unequal_catchability.
  int flag_runs[4] = {0, 0, 0, 0};
  int flagged[4] = {0, 0, 0, 0};
  const auto start = Clock::now();
  for (int i = 0; i < scenarios; ++i) {
    const int setting = i % 4;
    const bool strong = setting == 1 || setting == 3;
    const bool noisy = setting >= 2;
    const Scenario s = Simulate(rng, strong, size(rng));
    const double truth = s.people;
    const std::string prefix = absl::StrCat(settings[setting], ": ");
    // As the CLI estimates the given clustering: profile intervals for every
    // model that carries weight (the reported interval may span those of
    // the best-supported models).
    reckon::EstimateOptions options;
    if (!noisy) {
      const reckon::CaptureHistories h = reckon::HistoriesFromMasks(
          {"l1", "l2", "l3", "l4"}, s.masks);
      absl::StatusOr<reckon::Estimate> e = reckon::EstimatePopulation(h, options);
      if (!e.ok()) continue;
      tally(prefix + "reported (AIC average + LC check)")
          .Add(e->estimated, e->n_hat, e->ci_low, e->ci_high, truth);
      ++flag_runs[setting];
      if (e->HasFlag("unequal_catchability")) ++flagged[setting];
      const reckon::ModelResult* best = nullptr;
      const reckon::ModelResult* best_two_way = nullptr;
      for (const reckon::ModelResult& m : e->models) {
        if (m.family == "latent-class") {
          tally(prefix + "latent-class alone")
              .Add(true, m.n_hat, m.ci_low, m.ci_high, truth);
        }
        if (m.family != "log-linear" || !m.bic) continue;
        if (best == nullptr || *m.bic < *best->bic) best = &m;
        if (m.model.find("heterogeneity") == std::string::npos &&
            (best_two_way == nullptr || *m.bic < *best_two_way->bic)) {
          best_two_way = &m;
        }
      }
      // Profile intervals for the models picked here (the estimate itself
      // profiles only the models that carry weight).
      const reckon::CaptureHistories* table = &h;
      auto add_best = [&](const std::string& name, const reckon::ModelResult* m) {
        if (m == nullptr) return;
        reckon::ModelResult r = *m;
        if (!r.has_interval) {
          absl::StatusOr<reckon::LogLinearSearch> search = reckon::FitLogLinearModels(
              *table, {.criterion = reckon::SelectionCriterion::kBic,
                       .heterogeneity = true,
                       .profile_all = false});
          if (search.ok()) {
            for (const reckon::LogLinearFit& f : search->fits) {
              if (f.name != r.model) continue;
              reckon::LogLinearFit copy = f;
              if (reckon::AddProfileInterval(*table, &copy).ok()) {
                r.has_interval = true;
                r.ci_low = copy.ci_low;
                r.ci_high = copy.ci_high;
              }
            }
          }
        }
        tally(prefix + name).Add(r.has_interval, r.n_hat, r.ci_low, r.ci_high, truth);
      };
      add_best("best two-way log-linear (BIC)", best_two_way);
      add_best("best log-linear incl. heterogeneity (BIC)", best);
      continue;
    }
    const reckon::LinkedRecords link = NoisyLinks(rng, s, chain_pairs, calibrated);
    reckon::LinkReportOptions report_options;
    report_options.estimate = options;
    absl::StatusOr<reckon::LinkReport> report =
        reckon::EstimateFromLinkedRecords(link, report_options);
    if (!report.ok()) continue;
    const reckon::Estimate& e = report->total.estimate;
    ++flag_runs[setting];
    if (e.HasFlag("unequal_catchability")) ++flagged[setting];
    tally(prefix + "given links, no linkage term")
        .Add(e.estimated, e.n_hat, e.ci_low, e.ci_high, truth);
    tally(prefix + "given links + linkage term (reported)")
        .Add(e.estimated, e.n_hat, report->total.ci_low, report->total.ci_high, truth);
    if (report->total.linkage.has_value()) {
      const reckon::RubinSummary& r = *report->total.linkage;
      tally(prefix + "Rubin combination over redraws")
          .Add(r.redraws > 0, r.n_hat, r.ci_low, r.ci_high, truth);
    }
    // The earlier scheme (pairs kept independently), for comparison.
    reckon::LinkageOptions independent = report_options.linkage;
    independent.joint = false;
    absl::StatusOr<reckon::LinkageUncertainty> old =
        reckon::RedrawLinkage(link, std::nullopt, independent);
    if (old.ok()) {
      const auto [low, high] = reckon::LinkageAdjustedInterval(e, old->total);
      tally(prefix + "given links + independent-pair redraws (round 2)")
          .Add(e.estimated, e.n_hat, low, high, truth);
      tally(prefix + "Rubin over independent-pair redraws (round 2)")
          .Add(old->total.redraws > 0, old->total.n_hat, old->total.ci_low,
               old->total.ci_high, truth);
    }
  }
  std::cout << absl::StrFormat("coverage study: %d scenarios in %.1f s\n\n", scenarios,
                               Seconds(start));
  std::cout << "| setting: method | estimated | mean bias | median abs err | "
               "95% coverage | mean width / N |\n|---|---|---|---|---|---|\n";
  for (const std::string& key : order) std::cout << tallies[key].Row(key) << "\n";
  std::cout << "\nflagged unequal_catchability (given links):";
  for (int setting = 0; setting < 4; ++setting) {
    std::cout << absl::StrFormat(" %s %d/%d%s", settings[setting],
                                 flagged[setting], flag_runs[setting],
                                 setting < 3 ? ";" : "\n");
  }
}

void Speed(int64_t target_records, const std::string& dir, bool redraws, bool by) {
  std::mt19937_64 rng(777);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  const char* nations[15] = {"TUR", "GEO", "RUS", "IRN", "IND", "CHN", "PAK", "BGD",
                             "UZB", "TKM", "VNM", "PHL", "SRB", "BIH", "NGA"};
  const double rates[4] = {0.45, 0.35, 0.25, 0.30};
  const char* sources[4] = {"migration", "interior", "labour", "statistics"};
  auto start = Clock::now();
  {
    std::ofstream entities(dir + "/entities.csv");
    std::ofstream info(dir + "/entity_info.csv");
    std::ofstream pairs(dir + "/pairs.csv");
    entities << "source,source_record_id,entity_id\n";
    info << "entity_id,nationality,sex,region,sector\n";
    pairs << "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
             "probability\n";
    int64_t records = 0;
    int64_t person = 0;
    int64_t pair_count = 0;
    std::vector<uint8_t> record_source;
    while (records < target_records) {
      const double u = normal(rng);
      const int nation = std::min(14, static_cast<int>(std::floor(
                                          -std::log(unit(rng)) * 3.0)));
      std::vector<std::string> ids;
      std::vector<int> srcs;
      for (int j = 0; j < 4; ++j) {
        const double logit = std::log(rates[j] / (1 - rates[j])) + 0.7 * u;
        if (unit(rng) < 1.0 / (1.0 + std::exp(-logit))) {
          ids.push_back(absl::StrCat("r", records++));
          srcs.push_back(j);
          record_source.push_back(static_cast<uint8_t>(j));
        }
      }
      if (ids.empty()) {
        ++person;
        continue;
      }
      // The given clustering splits 2% of people in two.
      const bool split = ids.size() >= 2 && unit(rng) < 0.02;
      for (size_t k = 0; k < ids.size(); ++k) {
        const std::string entity =
            absl::StrCat("P", person, split && k == ids.size() - 1 ? "b" : "");
        entities << sources[srcs[k]] << "," << ids[k] << "," << entity << "\n";
        if (k > 0) {
          const double p = split && k == ids.size() - 1 ? 0.35 : 0.9 + 0.09 * unit(rng);
          pairs << sources[srcs[k - 1]] << "," << ids[k - 1] << "," << sources[srcs[k]]
                << "," << ids[k] << "," << absl::StrFormat("%.3f", std::log2(p / (1 - p)))
                << "," << absl::StrFormat("%.4f", p) << "\n";
          ++pair_count;
        }
      }
      info << "P" << person << "," << nations[nation] << ",,,\n";
      if (split) info << "P" << person << "b," << nations[nation] << ",,,\n";
      ++person;
    }
    // False candidate pairs between nearby people: 10% of records.
    for (int64_t k = 0; k + 7 < records; k += 10) {
      pairs << sources[record_source[static_cast<size_t>(k)]] << ",r" << k << ","
            << sources[record_source[static_cast<size_t>(k + 7)]] << ",r" << k + 7
            << ",-3.0,0.05\n";
      ++pair_count;
    }
    std::ofstream summary(dir + "/summary.json");
    summary << "{\"records\": " << records << ", \"threshold\": 3.0, \"sources\": "
               "[\"migration\", \"interior\", \"labour\", \"statistics\"]}\n";
    std::cout << absl::StrFormat(
        "\nspeed: simulated %d records, %d people, %d candidate pairs in %.1f s\n",
        records, person, pair_count, Seconds(start));
  }
  start = Clock::now();
  reckon::LinkedRecords link;
  link.sources = {"migration", "interior", "labour", "statistics"};
  {
    std::ifstream in(dir + "/entities.csv");
    if (absl::Status s = reckon::ReadEntitiesCsv(in, "entities.csv", &link); !s.ok()) {
      std::cerr << s << "\n";
      return;
    }
  }
  {
    std::ifstream in(dir + "/entity_info.csv");
    if (absl::Status s = reckon::ReadEntityInfoCsv(in, "entity_info.csv", &link); !s.ok()) {
      std::cerr << s << "\n";
      return;
    }
  }
  {
    std::ifstream in(dir + "/pairs.csv");
    if (absl::Status s = reckon::ReadPairsCsv(in, "pairs.csv", &link); !s.ok()) {
      std::cerr << s << "\n";
      return;
    }
  }
  const double read_seconds = Seconds(start);
  start = Clock::now();
  reckon::LinkReportOptions options;
  if (by) options.by = "nationality";
  options.linkage_uncertainty = redraws;
  for (double t : {-1.0, 1.0, 3.0, 5.0, 7.0}) options.thresholds.push_back(t);
  absl::StatusOr<reckon::LinkReport> report =
      reckon::EstimateFromLinkedRecords(link, options);
  const double estimate_seconds = Seconds(start);
  if (!report.ok()) {
    std::cerr << report.status() << "\n";
    return;
  }
  std::cout << absl::StrFormat(
      "read %d records, %d entities, %d pairs: %.2f s\nestimate (total + %d strata, "
      "%d redraws, %d thresholds): %.2f s\nwhole: %.2f s\n"
      "total: observed %d, estimate %.0f [%.0f, %.0f] (%s)\n",
      link.num_records(), link.num_entities(), link.pairs.size(), read_seconds,
      report->strata.size(), options.linkage.redraws, options.thresholds.size(),
      estimate_seconds, read_seconds + estimate_seconds, report->total.estimate.observed,
      report->total.estimate.n_hat, report->total.ci_low, report->total.ci_high,
      report->total.estimate.model);
}

}  // namespace

int main(int argc, char** argv) {
  int scenarios = 200;
  int64_t records = 1000000;
  bool coverage = true;
  bool speed = true;
  bool redraws = true;
  bool by = true;
  bool chain_pairs = false;
  bool calibrated = false;
  std::string dir = "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--scenarios" && i + 1 < argc) {
      scenarios = std::atoi(argv[++i]);
    } else if (arg == "--records" && i + 1 < argc) {
      records = std::atoll(argv[++i]);
    } else if (arg == "--skip-coverage") {
      coverage = false;
    } else if (arg == "--no-redraws") {
      redraws = false;
    } else if (arg == "--calibrated") {
      calibrated = true;
    } else if (arg == "--chain-pairs") {
      chain_pairs = true;
    } else if (arg == "--no-by") {
      by = false;
    } else if (arg == "--skip-speed") {
      speed = false;
    } else if (arg == "--tmp" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::cerr << "usage: estimate_coverage [--scenarios N] [--records R] "
                   "[--skip-coverage] [--skip-speed] [--no-redraws] [--no-by] "
                   "[--chain-pairs] [--calibrated] [--tmp DIR]\n";
      return 2;
    }
  }
  if (coverage) Coverage(scenarios, chain_pairs, calibrated);
  if (speed) Speed(records, dir, redraws, by);
  return 0;
}
