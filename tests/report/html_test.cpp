#include <gtest/gtest.h>

#include "mentorcal/report.hpp"
#include "report_fixture.hpp"

namespace mentorcal {
namespace {

using namespace testing;

class ReportHtml : public ::testing::Test {
 protected:
  ReportHtml() {
    schedule.pairs.push_back({"m",
                              "t",
                              "",
                              "",
                              std::nullopt,
                              {"<b>bold</b> reason & more"},
                              "mentee t's working hours \"Mon-Sun\"",
                              {}});
    schedule.pairs.push_back(
        scheduled("m", "l", {occurrence(OccurrenceState::held, utc(date::March / 1 / 2027, 0h))}));
  }
  // The page, with the changes the engine listed against a previous pass, when it had one.
  std::string page() {
    const auto changes = schedule.changes.value_or(std::vector<SeriesChange>{});
    return report_html(program, schedule, summarize(program, schedule), tally(program, schedule),
                       changes, schedule.changes.has_value());
  }

  Program program = report_program();
  Schedule schedule;
};

TEST_F(ReportHtml, EscapesEveryTextFromTheProgram) {
  const auto html = page();
  EXPECT_EQ(html.find("<Tokyo>"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_NE(html.find("Taro &lt;Tokyo&gt; &amp; Co"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;bold&lt;/b&gt; reason &amp; more"), std::string::npos);
  EXPECT_NE(html.find("Ng, &quot;Ana&quot;"), std::string::npos);
  EXPECT_NE(html.find("&quot;Mon-Sun&quot;"), std::string::npos);
  EXPECT_EQ(html_escape("<a href='x'>&</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
}

TEST_F(ReportHtml, NeedsNothingOutsideItselfAndNoScript) {
  const auto html = page();
  for (const char* outside : {"http:", "https:", "src=", "<script", "<link", "@import", "url("})
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
}

TEST_F(ReportHtml, ShowsNamesBesideIdsForUnplacedPairsAndHoursHeld) {
  const auto html = page();
  EXPECT_NE(html.find("Taro &lt;Tokyo&gt; &amp; Co <span class=id>t</span>"), std::string::npos);
  EXPECT_NE(html.find("Ng, &quot;Ana&quot; (m)</text>"), std::string::npos);
  EXPECT_NE(html.find(">45 min, 1 session</text>"), std::string::npos);
}

TEST_F(ReportHtml, SaysWhatChangedSinceThePreviousPass) {
  EXPECT_NE(page().find("not given a previous one"), std::string::npos);
  schedule.changes = std::vector<SeriesChange>{
      {SeriesChange::Kind::retimed, "m", "l", "uid", "weekly, Mon 09:00-09:45 UTC",
       "weekly, Mon 10:00-10:45 UTC", "its time held <2 of 8>"}};
  const auto html = page();
  EXPECT_NE(html.find("0 series kept as they were, 0 with exceptions planned again, 1 re-timed, "
                      "0 new, 0 cancelled"),
            std::string::npos);
  EXPECT_NE(html.find("<td>" + std::string(change_kind_name(SeriesChange::Kind::retimed)) + "<td>"),
            std::string::npos);
  EXPECT_NE(html.find("weekly, Mon 10:00-10:45 UTC<td>its time held &lt;2 of 8&gt;"),
            std::string::npos);
}

}  // namespace
}  // namespace mentorcal
