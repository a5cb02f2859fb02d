#include "linkage/cluster/union_find.h"

#include "gtest/gtest.h"

namespace reckon {
namespace {

TEST(UnionFindTest, MergesTransitivelyAndCountsSizes) {
  UnionFind sets(6);
  EXPECT_TRUE(sets.Union(0, 1));
  EXPECT_TRUE(sets.Union(2, 3));
  EXPECT_TRUE(sets.Union(1, 3));
  EXPECT_FALSE(sets.Union(0, 2));  // already one set via 1-3
  EXPECT_EQ(sets.Find(0), sets.Find(3));
  EXPECT_NE(sets.Find(0), sets.Find(4));
  EXPECT_EQ(sets.SetSize(2), 4u);
  EXPECT_EQ(sets.SetSize(5), 1u);
}

}  // namespace
}  // namespace reckon
