// Who may call what, as a table: every caller against every audience.
#include "access.hpp"

#include <gtest/gtest.h>

namespace mentorcal::daemon {
namespace {

const Caller kAnyone{};
const Caller kCoordinator{Caller::Kind::coordinator, "", "", "1234abcd"};
const Caller kM01{Caller::Kind::person, "acme-2027", "m-01", "5678abcd"};
const Caller kM01FeedToken{Caller::Kind::feed_reader, "acme-2027", "m-01", "9abcdef0"};
const Caller kM01WithoutCsrf{Caller::Kind::person, "acme-2027", "m-01", "session", true};
const Caller kCoordinatorWithoutCsrf{Caller::Kind::coordinator, "", "", "session", true};

TEST(Authorise, AnyoneMayCallWhatIsForAnyone) {
  EXPECT_EQ(authorise(kAnyone, Audience::anyone, "", ""), Verdict::allowed);
  EXPECT_EQ(authorise(kM01, Audience::anyone, "", ""), Verdict::allowed);
}

TEST(Authorise, WithoutCredentialsEverythingElseIsUnauthenticated) {
  EXPECT_EQ(authorise(kAnyone, Audience::person, "acme-2027", "m-01"), Verdict::unauthenticated);
  EXPECT_EQ(authorise(kAnyone, Audience::coordinator, "acme-2027", ""), Verdict::unauthenticated);
}

TEST(Authorise, ThePersonActsForThemselvesOnly) {
  EXPECT_EQ(authorise(kM01, Audience::person, "acme-2027", "m-01"), Verdict::allowed);
  EXPECT_EQ(authorise(kM01, Audience::person, "acme-2027", "m-02"), Verdict::forbidden);
  EXPECT_EQ(authorise(kM01, Audience::person, "other-2027", "m-01"), Verdict::forbidden);
  EXPECT_EQ(authorise(kM01, Audience::person, "acme-2027", ""), Verdict::forbidden);
  EXPECT_EQ(authorise(kM01, Audience::coordinator, "acme-2027", ""), Verdict::forbidden);
}

TEST(Authorise, TheCoordinatorMayDoEverything) {
  EXPECT_EQ(authorise(kCoordinator, Audience::person, "acme-2027", "m-02"), Verdict::allowed);
  EXPECT_EQ(authorise(kCoordinator, Audience::coordinator, "acme-2027", ""), Verdict::allowed);
}

TEST(Authorise, AFeedTokenOnlyReadsItsFeed) {
  EXPECT_EQ(authorise(kM01FeedToken, Audience::anyone, "", ""), Verdict::allowed);
  EXPECT_EQ(authorise(kM01FeedToken, Audience::person, "acme-2027", "m-01"), Verdict::feed_token);
  EXPECT_EQ(authorise(kM01FeedToken, Audience::coordinator, "acme-2027", ""), Verdict::feed_token);
  EXPECT_EQ(authorise(kM01FeedToken, Audience::signed_in, "", ""), Verdict::feed_token);
}

TEST(Authorise, ASessionThatWritesWithoutItsCsrfTokenIsRefusedWhoeverItIs) {
  EXPECT_EQ(authorise(kM01WithoutCsrf, Audience::person, "acme-2027", "m-01"),
            Verdict::no_csrf_token);
  EXPECT_EQ(authorise(kCoordinatorWithoutCsrf, Audience::coordinator, "acme-2027", ""),
            Verdict::no_csrf_token);
  EXPECT_EQ(authorise(kCoordinatorWithoutCsrf, Audience::anyone, "", ""), Verdict::allowed);
}

TEST(Authorise, APageFormIsForAnyoneSignedIn) {
  EXPECT_EQ(authorise(kAnyone, Audience::signed_in, "", ""), Verdict::unauthenticated);
  EXPECT_EQ(authorise(kM01, Audience::signed_in, "acme-2027", "m-02"), Verdict::allowed);
  EXPECT_EQ(authorise(kCoordinator, Audience::signed_in, "", ""), Verdict::allowed);
}

TEST(BearerToken, IsTheValueAfterTheSchemeInAnyCase) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bEaReR  abc \t"), "abc");
  EXPECT_FALSE(bearer_token("Basic YWxhZGRpbjpvcGVuc2VzYW1l"));
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer "));
  EXPECT_FALSE(bearer_token("Bearerabc"));
  EXPECT_FALSE(bearer_token(""));
}

}  // namespace
}  // namespace mentorcal::daemon
