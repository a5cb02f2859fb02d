// Training the Fellegi-Sunter model without labels: m by EM, in sessions
// per blocking key with u held at its random-pair value (the approach of
// Splink, after Fellegi & Sunter 1969 and Winkler 1988).
//
// Why sessions: the pairs a key finds are not a random sample of matches.
// Among pairs that share a birth year, a match whose year is wrong never
// appears, so EM over them learns that a wrong year rules a match out; among
// pairs that share a name, namesakes crowd in and agree on nationality and
// sex far more than random pairs. So each key's pairs train only the
// comparisons the key leaves free (see IgnoredInSession), only pairs in
// which at least two of those are observed take part (with u fixed, one
// observed comparison fits any match share and bends m towards the share
// of other pairs), non-matches are weighed with their group's u even when
// the key fixes the group comparison (namesakes share a nationality), and each
// comparison's m is the average of the sessions that trained it, weighted by
// the matches they found. A joint EM over all training pairs, with u free,
// supplies m for comparisons no session can train.
#ifndef RECKON_LINKAGE_LINKER_TRAINING_H_
#define RECKON_LINKAGE_LINKER_TRAINING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/linker/config.h"
#include "linkage/score/em.h"
#include "linkage/score/fellegi_sunter.h"

namespace reckon {

// An EM training run over a set of candidate pairs.
struct TrainingSession {
  std::string name;
  // Pairs trained on (in a key session, those in which at least two of
  // the comparisons it trains are observed).
  uint64_t pairs = 0;
  double lambda = 0.0;  // match share among these pairs
  EmReport em;
  // Per comparison: whether this session trained its m.
  std::vector<bool> trained;
};

// Pattern counts to train on, each sorted by pattern.
struct TrainingCounts {
  // Pairs sharing at least one candidate key with train = true.
  std::vector<PatternCount> joint;
  // Per blocking key (config order): the pairs sharing that key (a sample
  // for training-only keys); empty for keys not trained on.
  std::vector<std::vector<PatternCount>> per_key;
};

// Per comparison of `config`: true if a session on `key`'s pairs must leave
// it out. A comparison is left out when its field is one the key is made
// of; a key on names also leaves out nationality and sex, which names carry
// (namesakes mostly share both).
std::vector<bool> IgnoredInSession(const LinkerConfig& config,
                                   const BlockingKeySpec& key);

// Sets m of every comparison in `model` (whose u_random must be set; u is
// left equal to u_random) from `counts`, and returns the sessions run, the
// joint one first. Deterministic. Fails with kFailedPrecondition when there
// is nothing to train on.
absl::StatusOr<std::vector<TrainingSession>> TrainModel(
    const LinkerConfig& config, const PatternCodec& codec,
    const TrainingCounts& counts, FellegiSunterModel* model);

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_TRAINING_H_
