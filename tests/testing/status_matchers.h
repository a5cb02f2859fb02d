// GoogleTest matchers for absl::Status and absl::StatusOr<T>, since Abseil
// 20220623 ships none. Namespace reckon_testing so the names cannot shadow
// ::testing.
//
//   EXPECT_THAT(Parse("x"), StatusIs(absl::StatusCode::kInvalidArgument,
//                                    HasSubstr("line 3")));
//   EXPECT_THAT(Parse("1"), IsOkAndHolds(1));
#ifndef RECKON_TESTS_TESTING_STATUS_MATCHERS_H_
#define RECKON_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace reckon_testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(message_matcher,
                                       std::string(status.message()),
                                       result_listener);
}

}  // namespace reckon_testing

#define RECKON_ASSERT_OK(expr) ASSERT_THAT((expr), ::reckon_testing::IsOk())
#define RECKON_EXPECT_OK(expr) EXPECT_THAT((expr), ::reckon_testing::IsOk())

#endif  // RECKON_TESTS_TESTING_STATUS_MATCHERS_H_
