#include "secrets.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mentorcal::daemon {
namespace {

TEST(Secrets, Sha256MatchesTheStandardVector) {
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Secrets, HmacMatchesRfc4231TestCase2) {
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Secrets, Base64UrlHasNoPaddingAndNoUnsafeCharacters) {
  EXPECT_EQ(to_base64url("\xfb\xff"), "-_8");
  EXPECT_EQ(to_base64url("foobar"), "Zm9vYmFy");
}

TEST(Secrets, FeedTokensCarry192BitsAndDependOnKeyAndSalt) {
  const auto salt = random_bytes(16);
  const auto token = feed_token("key", salt);
  EXPECT_EQ(token.size(), 32u);
  EXPECT_EQ(token, feed_token("key", salt));
  EXPECT_NE(token, feed_token("other key", salt));
  EXPECT_NE(token, feed_token("key", random_bytes(16)));
}

TEST(Secrets, PersonalSecretsCarry128BitsAndDifferFromTheFeedTokenOfTheSameSalt) {
  const auto salt = random_bytes(16);
  const auto secret = personal_secret("key", salt);
  EXPECT_EQ(secret.size(), 22u);
  EXPECT_EQ(secret, personal_secret("key", salt));
  EXPECT_NE(secret, personal_secret("other key", salt));
  EXPECT_NE(secret, feed_token("key", salt).substr(0, 22));
}

TEST(Secrets, RandomBytesDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(random_bytes(16)).second);
  EXPECT_EQ(new_admin_token().size(), 43u);
}

TEST(Secrets, SameSecretComparesWholeValues) {
  EXPECT_TRUE(same_secret("abc", "abc"));
  EXPECT_FALSE(same_secret("abc", "abd"));
  EXPECT_FALSE(same_secret("abc", "abcd"));
}

TEST(Secrets, LogIdIsAShortHashPrefix) {
  EXPECT_EQ(token_log_id("abc"), "ba7816bf");
}

TEST(Secrets, GzipWritesTheGzipHeader) {
  const auto zipped = gzip(std::string(10000, 'a'));
  ASSERT_GT(zipped.size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>(zipped[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(zipped[1]), 0x8b);
  EXPECT_LT(zipped.size(), 200u);
}

}  // namespace
}  // namespace mentorcal::daemon
