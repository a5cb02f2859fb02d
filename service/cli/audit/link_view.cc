#include "service/cli/audit/link_view.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "linkage/ingest/nationality.h"

namespace reckon::service::audit {

uint64_t PairKey(uint32_t a, uint32_t b) {
  if (a > b) std::swap(a, b);
  return (static_cast<uint64_t>(a) << 32) | b;
}

std::optional<uint32_t> LinkView::Find(std::string_view source,
                                       std::string_view id) const {
  for (size_t s = 0; s < sources.size(); ++s) {
    if (sources[s] != source) continue;
    auto it = record_index[s].find(std::string(id));
    if (it == record_index[s].end()) return std::nullopt;
    return it->second;
  }
  return std::nullopt;
}

const LinkPair* LinkView::FindPair(uint32_t a, uint32_t b) const {
  auto it = pair_index.find(PairKey(a, b));
  return it == pair_index.end() ? nullptr : &pairs[it->second];
}

std::string LinkView::Label(uint32_t record) const {
  return absl::StrCat(sources[record_source[record]], ":", record_id[record]);
}

LinkView MakeLinkView(LinkedRecords link, bool has_pairs,
                      std::optional<double> threshold) {
  LinkView view;
  view.sources = std::move(link.sources);
  view.record_source = std::move(link.record_source);
  view.record_entity = std::move(link.record_entity);
  view.entity_ids = std::move(link.entity_ids);
  view.pairs = std::move(link.pairs);
  view.has_pairs = has_pairs;
  view.attribute_names = std::move(link.attribute_names);
  view.attributes = std::move(link.attributes);
  view.record_index = std::move(link.record_index);
  view.threshold = threshold.value_or(std::numeric_limits<double>::quiet_NaN());
  view.record_id.resize(view.record_source.size());
  for (const auto& ids : view.record_index) {
    for (const auto& [id, record] : ids) view.record_id[record] = id;
  }
  view.members.resize(view.entity_ids.size());
  for (uint32_t r = 0; r < view.record_entity.size(); ++r) {
    view.members[view.record_entity[r]].push_back(r);
  }
  view.entity_pairs.resize(view.entity_ids.size());
  for (size_t i = 0; i < view.pairs.size(); ++i) {
    const LinkPair& pair = view.pairs[i];
    if (!view.pair_index.try_emplace(PairKey(pair.a, pair.b), i).second) {
      continue;
    }
    if (view.record_entity[pair.a] == view.record_entity[pair.b]) {
      view.entity_pairs[view.record_entity[pair.a]].push_back(i);
    }
  }
  return view;
}

void AttachFacts(const std::vector<Record>& records, LinkView* view) {
  view->facts.assign(view->num_records(), RecordFacts{});
  for (const Record& record : records) {
    const std::optional<uint32_t> r =
        view->Find(record.source, record.source_record_id);
    if (!r.has_value()) continue;
    RecordFacts& facts = view->facts[*r];
    facts.known = true;
    if (absl::StatusOr<Sex> sex = ParseSex(record.Get(Field::kSex)); sex.ok()) {
      facts.sex = *sex;
    }
    facts.birth_date_text = record.Get(Field::kBirthDate);
    if (absl::StatusOr<PartialDate> date = ParseDate(facts.birth_date_text);
        date.ok()) {
      facts.birth_date = *date;
    }
    if (!record.Get(Field::kNationality).empty()) {
      if (absl::StatusOr<std::string> code =
              NationalityToAlpha3(record.Get(Field::kNationality));
          code.ok()) {
        facts.nationality = *code;
      }
    }
  }
}

namespace {

// Bridges of an undirected multigraph by Tarjan's low-link method
// (Tarjan 1974), iteratively so that no entity size can exhaust the stack.
// Marks each bridge edge and the sizes of the two parts it separates.
void FindBridges(size_t nodes,
                 const std::vector<std::pair<uint32_t, uint32_t>>& edges,
                 std::vector<EntityLink>* links,
                 const std::vector<size_t>& edge_link) {
  std::vector<std::vector<std::pair<uint32_t, size_t>>> adjacent(nodes);
  for (size_t e = 0; e < edges.size(); ++e) {
    adjacent[edges[e].first].push_back({edges[e].second, e});
    adjacent[edges[e].second].push_back({edges[e].first, e});
  }
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  std::vector<size_t> discovered(nodes, kNone), low(nodes, 0),
      parent_edge(nodes, kNone), subtree(nodes, 1), root_of(nodes, 0);
  // (child node, edge to its parent) for each bridge found.
  std::vector<std::pair<uint32_t, size_t>> bridges;
  size_t timer = 0;
  for (uint32_t root = 0; root < nodes; ++root) {
    if (discovered[root] != kNone) continue;
    std::vector<std::pair<uint32_t, size_t>> stack = {{root, 0}};
    discovered[root] = low[root] = timer++;
    root_of[root] = root;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < adjacent[node].size()) {
        const auto [to, edge] = adjacent[node][next++];
        if (edge == parent_edge[node]) continue;
        if (discovered[to] == kNone) {
          parent_edge[to] = edge;
          discovered[to] = low[to] = timer++;
          root_of[to] = root;
          stack.push_back({to, 0});
        } else {
          low[node] = std::min(low[node], discovered[to]);
        }
        continue;
      }
      const uint32_t done = node;
      stack.pop_back();
      if (stack.empty()) break;
      const uint32_t parent = stack.back().first;
      low[parent] = std::min(low[parent], low[done]);
      subtree[parent] += subtree[done];
      if (low[done] > discovered[parent]) {
        bridges.push_back({done, parent_edge[done]});
      }
    }
  }
  for (const auto& [child, edge] : bridges) {
    EntityLink& link = (*links)[edge_link[edge]];
    link.bridge = true;
    link.part_a = subtree[child];
    link.part_b = subtree[root_of[child]] - subtree[child];
  }
}

}  // namespace

std::vector<EntityLink> EntityLinks(const LinkView& view, uint32_t entity) {
  const std::vector<uint32_t>& members = view.members[entity];
  absl::flat_hash_map<uint32_t, uint32_t> local;
  for (uint32_t i = 0; i < members.size(); ++i) local[members[i]] = i;
  std::vector<EntityLink> links;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  std::vector<size_t> edge_link;
  for (size_t row : view.entity_pairs[entity]) {
    const LinkPair& pair = view.pairs[row];
    EntityLink link;
    link.row = row;
    link.a = std::min(pair.a, pair.b);
    link.b = std::max(pair.a, pair.b);
    link.weight = pair.weight;
    link.probability = pair.probability;
    link.above_threshold =
        view.has_threshold() && pair.weight >= view.threshold;
    if (link.above_threshold) {
      edges.push_back({local[link.a], local[link.b]});
      edge_link.push_back(links.size());
    }
    links.push_back(link);
  }
  FindBridges(members.size(), edges, &links, edge_link);
  std::stable_sort(links.begin(), links.end(),
                   [](const EntityLink& x, const EntityLink& y) {
                     if (x.weight != y.weight) return x.weight > y.weight;
                     return x.a != y.a ? x.a < y.a : x.b < y.b;
                   });
  return links;
}

bool LinksConnect(const LinkView& view, uint32_t entity) {
  const std::vector<uint32_t>& members = view.members[entity];
  if (members.size() <= 1) return true;
  absl::flat_hash_map<uint32_t, uint32_t> parent;
  for (uint32_t m : members) parent[m] = m;
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  size_t components = members.size();
  for (size_t row : view.entity_pairs[entity]) {
    const LinkPair& pair = view.pairs[row];
    if (!view.has_threshold() || pair.weight < view.threshold) continue;
    const uint32_t x = find(pair.a), y = find(pair.b);
    if (x != y) {
      parent[x] = y;
      --components;
    }
  }
  return components == 1;
}

std::string FormatWeight(double weight) {
  if (std::isnan(weight)) return "-";
  return absl::StrFormat("%.6f", weight);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseRecordRef(
    std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 ||
      colon + 1 == text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", absl::string_view(text.data(), text.size()),
                     "\": expected SOURCE:ID"));
  }
  return std::make_pair(std::string(text.substr(0, colon)),
                        std::string(text.substr(colon + 1)));
}

}  // namespace reckon::service::audit
