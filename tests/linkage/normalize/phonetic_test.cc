#include "linkage/normalize/phonetic.h"

#include "gtest/gtest.h"

namespace reckon {
namespace {

// Codes worked out by hand from the class table in phonetic.h.
TEST(PhoneticCodeTest, MergesTransliterationsOfOneName) {
  EXPECT_EQ(PhoneticCode("mammadov"), "MAMTF");
  EXPECT_EQ(PhoneticCode("mamedov"), "MAMTF");
  EXPECT_EQ(PhoneticCode("memmedov"), "MAMTF");
  EXPECT_EQ(PhoneticCode("guseynov"), "KUSNF");
  EXPECT_EQ(PhoneticCode("huseynov"), "KUSNF");
  EXPECT_EQ(PhoneticCode("jafarov"), "JAFRF");
  EXPECT_EQ(PhoneticCode("dzhafarov"), "JAFRF");
  EXPECT_EQ(PhoneticCode("cafarov"), "JAFRF");
}

TEST(PhoneticCodeTest, KeepsDifferentNamesApart) {
  EXPECT_EQ(PhoneticCode("mahmudov"), "MAKMTF");
  EXPECT_EQ(PhoneticCode("hasanov"), "KASNF");
  EXPECT_EQ(PhoneticCode("aliyev"), "ALF");
  EXPECT_EQ(PhoneticCode("alizade"), "ALST");
}

TEST(PhoneticCodeTest, GlidesAndSilentLetters) {
  EXPECT_EQ(PhoneticCode("yusif"), "USF");
  EXPECT_EQ(PhoneticCode("iusif"), "USF");
  EXPECT_EQ(PhoneticCode("gyunel"), "KUNL");
  EXPECT_EQ(PhoneticCode("zadeh"), "SAT");
  EXPECT_EQ(PhoneticCode("minh"), "MIN");
  EXPECT_EQ(PhoneticCode("singh"), "SIN");
  EXPECT_EQ(PhoneticCode("chowdhury"), "JUTR");
  EXPECT_EQ(PhoneticCode("orazow"), "URSF");
}

TEST(PhoneticCodeTest, RegisterHabitsMeet) {
  // Doubled consonants count once: j, s -> JS would split them.
  EXPECT_EQ(PhoneticCode("tssiklauri"), "JIKLR");
  EXPECT_EQ(PhoneticCode("tsiklauri"), "JIKLR");
  // w closing a diphthong, and v after o there: ch-o-(v)-dh-u-r-y; after
  // another vowel v stays (s-e-v-d-a: S A F T).
  EXPECT_EQ(PhoneticCode("chovdhury"), "JUTR");
  EXPECT_EQ(PhoneticCode("tawfiq"), "TAFK");
  EXPECT_EQ(PhoneticCode("sevda"), "SAFT");
  EXPECT_EQ(PhoneticCode("seda"), "SAT");
  // Final h, and kh or x in a word of two syllables, after a vowel.
  EXPECT_EQ(PhoneticCode("fatikh"), "FAT");
  EXPECT_EQ(PhoneticCode("fatih"), "FAT");
  EXPECT_EQ(PhoneticCode("farrux"), "FAR");
  EXPECT_EQ(PhoneticCode("farrukh"), "FAR");
  EXPECT_EQ(PhoneticCode("sheikh"), "SAK");
  EXPECT_EQ(PhoneticCode("shah"), "SA");
  // tc is one affricate; c before r, l, t is k.
  EXPECT_EQ(PhoneticCode("ciftci"), "JIFJ");
  EXPECT_EQ(PhoneticCode("chiftchi"), "JIFJ");
  EXPECT_EQ(PhoneticCode("victor"), "FIKTR");
  EXPECT_EQ(PhoneticCode("viktor"), "FIKTR");
  EXPECT_EQ(PhoneticCode("cruz"), "KRUS");
  // A doubled y is not collapsed: n, y (vowel I), y (glide), a, z, o, v.
  EXPECT_EQ(PhoneticCode("nyyazov"), "NISF");
  EXPECT_EQ(PhoneticCode("niyazov"), "NISF");
}

TEST(PhoneticCodeTest, TotalOnAnyInput) {
  EXPECT_EQ(PhoneticCode(""), "");
  EXPECT_EQ(PhoneticCode("123-!"), "");
  EXPECT_EQ(PhoneticCode("a"), "A");
  EXPECT_EQ(PhoneticCode("Ab9c"), "PJ");  // only a-z count: b -> P, c -> J
}

TEST(ConsonantSkeletonTest, DropsTheVowel) {
  EXPECT_EQ(ConsonantSkeleton("mohammad"), "mkmt");
  EXPECT_EQ(ConsonantSkeleton("mhmd"), "mkmt");
  EXPECT_EQ(ConsonantSkeleton("mahammad"), "mkmt");
  EXPECT_EQ(ConsonantSkeleton("ia"), "a");
  EXPECT_EQ(ConsonantSkeleton(""), "");
}

}  // namespace
}  // namespace reckon
