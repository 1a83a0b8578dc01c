// The route table (routes.hpp): which target is which route, what its parts name, and which
// methods it takes.
#include "routes.hpp"

#include <gtest/gtest.h>

namespace mentorcal::daemon {
namespace {

TEST(Routes, NameTheProgramPersonAndItemOfATarget) {
  const auto block = route_of("/api/programs/acme-2027/people/m-01/blocks/17?x=1");
  EXPECT_STREQ(block.pattern, "/api/programs/{id}/people/{person}/blocks/{block}");
  EXPECT_EQ(block.program, "acme-2027");
  EXPECT_EQ(block.person, "m-01");
  EXPECT_EQ(block.item, "17");

  const auto feed = route_of("/feeds/abc.ics");
  EXPECT_STREQ(feed.pattern, "/feeds/{token}.ics");
  EXPECT_EQ(feed.item, "abc");
  EXPECT_TRUE(feed.program.empty());

  const auto report = route_of("/programs/acme-2027/sessions.csv");
  EXPECT_STREQ(report.pattern, "/programs/{id}/{report}");
  EXPECT_EQ(report.item, "sessions.csv");
  EXPECT_STREQ(route_of("/programs/acme-2027/other.csv").pattern, "other");

  EXPECT_STREQ(route_of("/").pattern, "/");
  EXPECT_STREQ(route_of("/me/blocks").pattern, "/me/blocks");  // before /me/{secret}
  EXPECT_STREQ(route_of("/me/s3cret").pattern, "/me/{secret}");
}

TEST(Routes, TakeAnEmptyIdOnlyWhereThePageAnswersIt) {
  EXPECT_STREQ(route_of("/api/programs/").pattern, "other");
  EXPECT_STREQ(route_of("/api/programs//passes").pattern, "other");
  EXPECT_STREQ(route_of("/api/programs/acme/people//blocks").pattern, "other");
  EXPECT_STREQ(route_of("/me/").pattern, "other");
  EXPECT_STREQ(route_of("/programs/").pattern, "other");
  // The console's forms answer an empty id with their own 404 page.
  EXPECT_STREQ(route_of("/programs//passes").pattern, "/programs/{id}/passes");
  // Items may be empty: their handlers answer 404 for them.
  EXPECT_STREQ(route_of("/api/programs/acme/passes/").pattern, "/api/programs/{id}/passes/{pass}");
  EXPECT_STREQ(route_of("/feeds/.ics").pattern, "/feeds/{token}.ics");
}

TEST(Routes, MatchNothingElse) {
  for (const auto* target : {"", "healthz", "/healthz/", "/feeds/abc", "/api/programs/acme/unknown",
                             "/api/programs/acme/people/m-01", "/a/b/c/d/e/f/g/h/i",
                             "/api/programs/a/people/b/blocks/c/d"}) {
    const auto route = route_of(target);
    EXPECT_EQ(route.entry, nullptr) << target;
    EXPECT_STREQ(route.pattern, "other") << target;
    EXPECT_EQ(route.method("GET"), nullptr) << target;
  }
}

TEST(Routes, TakeTheirMethodsAndHeadAsGet) {
  const auto program = route_of("/api/programs/acme");
  ASSERT_NE(program.method("GET"), nullptr);
  EXPECT_EQ(program.method("HEAD"), program.method("GET"));
  ASSERT_NE(program.method("PUT"), nullptr);
  EXPECT_EQ(program.method("PUT")->body_limit, Admission::BodyLimit::program);
  EXPECT_EQ(program.method("GET")->body_limit, Admission::BodyLimit::small);
  EXPECT_EQ(program.method("POST"), nullptr);
  EXPECT_EQ(program.method(""), nullptr);
  EXPECT_EQ(program.entry->audience, Audience::coordinator);
  EXPECT_EQ(route_of("/api/programs/acme/people/m-01/token").entry->audience, Audience::person);
  EXPECT_EQ(route_of("/me/blocks").entry->audience, Audience::signed_in);
  EXPECT_FALSE(route_of("/feeds/abc.ics").entry->logged);
  EXPECT_TRUE(route_of("/api/programs/acme").entry->logged);
}

}  // namespace
}  // namespace mentorcal::daemon
