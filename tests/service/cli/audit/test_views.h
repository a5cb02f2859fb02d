// Hand-made link results for the audit tests: LinkViews built from CSV text
// the way the CLI builds them from files.
#ifndef RECKON_TESTS_SERVICE_CLI_AUDIT_TEST_VIEWS_H_
#define RECKON_TESTS_SERVICE_CLI_AUDIT_TEST_VIEWS_H_

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "linkage/estimate/linked_records.h"
#include "service/cli/audit/link_view.h"

namespace reckon_testing {

// `entities` and `pairs` are the text of entities.csv and pairs.csv (pairs
// may be empty: no pairs.csv).
inline reckon::service::audit::LinkView MakeView(
    const std::vector<std::string>& sources, const std::string& entities,
    const std::string& pairs, std::optional<double> threshold) {
  reckon::LinkedRecords link;
  link.sources = sources;
  std::istringstream entities_in(entities);
  EXPECT_TRUE(reckon::ReadEntitiesCsv(entities_in, "entities.csv", &link).ok());
  if (!pairs.empty()) {
    std::istringstream pairs_in(pairs);
    EXPECT_TRUE(reckon::ReadPairsCsv(pairs_in, "pairs.csv", &link).ok());
  }
  return reckon::service::audit::MakeLinkView(std::move(link), !pairs.empty(),
                                              threshold);
}

}  // namespace reckon_testing

#endif  // RECKON_TESTS_SERVICE_CLI_AUDIT_TEST_VIEWS_H_
