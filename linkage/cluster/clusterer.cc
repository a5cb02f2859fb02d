#include "linkage/cluster/clusterer.h"

#include <algorithm>
#include <utility>

#include "linkage/cluster/union_find.h"

namespace reckon {

std::vector<uint32_t> ClusterLinks(size_t num_records, std::vector<Link> links,
                                   const ClusterOptions& options,
                                   const MergeGuard& guard,
                                   ClusterReport* report) {
  ClusterReport local_report;
  links.erase(std::remove_if(links.begin(), links.end(),
                             [&](const Link& link) {
                               return link.weight < options.threshold;
                             }),
              links.end());
  std::sort(links.begin(), links.end(), [](const Link& x, const Link& y) {
    if (x.weight != y.weight) return x.weight > y.weight;
    if (x.a != y.a) return x.a < y.a;
    return x.b < y.b;
  });
  local_report.links_used = links.size();

  UnionFind sets(num_records);
  // Members of each set, kept at its representative; small sets are moved
  // into large ones so the total copying is O(n log n).
  std::vector<std::vector<uint32_t>> members(num_records);
  for (uint32_t r = 0; r < num_records; ++r) members[r] = {r};

  for (const Link& link : links) {
    uint32_t root_a = sets.Find(link.a);
    uint32_t root_b = sets.Find(link.b);
    if (root_a == root_b) continue;
    const size_t merged_size = members[root_a].size() + members[root_b].size();
    if ((options.max_entity_size != 0 &&
         merged_size > options.max_entity_size) ||
        (guard && !guard(members[root_a], members[root_b]))) {
      ++local_report.merges_refused;
      continue;
    }
    sets.Union(root_a, root_b);
    const uint32_t root = sets.Find(root_a);
    const uint32_t other = root == root_a ? root_b : root_a;
    members[root].insert(members[root].end(), members[other].begin(),
                         members[other].end());
    members[other].clear();
    members[other].shrink_to_fit();
    ++local_report.merges;
  }

  // Number entities in order of their lowest record.
  std::vector<uint32_t> entity_of_root(num_records, UINT32_MAX);
  std::vector<uint32_t> entity(num_records);
  std::vector<uint64_t> sizes;
  for (uint32_t r = 0; r < num_records; ++r) {
    const uint32_t root = sets.Find(r);
    if (entity_of_root[root] == UINT32_MAX) {
      entity_of_root[root] = static_cast<uint32_t>(sizes.size());
      sizes.push_back(0);
    }
    entity[r] = entity_of_root[root];
    ++sizes[entity[r]];
  }
  local_report.entities = sizes.size();
  for (uint64_t size : sizes) {
    local_report.largest_entity = std::max(local_report.largest_entity, size);
  }
  if (report != nullptr) *report = local_report;
  return entity;
}

}  // namespace reckon
