#include "linkage/base/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace reckon {
namespace {

TEST(Utf8Test, AcceptsMultiScriptText) {
  EXPECT_TRUE(IsValidUtf8("Məmmədov"));
  EXPECT_TRUE(IsValidUtf8("Мамедов"));
  EXPECT_TRUE(IsValidUtf8("王小明"));
  EXPECT_TRUE(IsValidUtf8("მამედოვი"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600, 4 bytes
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Utf8Test, FindsTheFirstBadByte) {
  EXPECT_EQ(FindInvalidUtf8("ab\xFF" "cd"), 2u);
  EXPECT_EQ(FindInvalidUtf8("ab\xC3"), 2u);            // truncated sequence
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);     // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("a\xC3\x28"), 1u);         // bad continuation
}

TEST(Utf8Test, FindsControlCharactersButAllowsTab) {
  EXPECT_EQ(FindControlCharacter("a\tb"), 3u);
  EXPECT_EQ(FindControlCharacter("a\nb"), 1u);
  EXPECT_EQ(FindControlCharacter(std::string("ab\0c", 4)), 2u);
  EXPECT_EQ(FindControlCharacter("x\xC2\x85y"), 1u);  // U+0085 NEL
  EXPECT_EQ(FindControlCharacter("\xC2\xA0"), 2u);    // U+00A0 is not one
}

}  // namespace
}  // namespace reckon
