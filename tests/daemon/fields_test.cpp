// The wire's dates as mentorcald reads them (http/fields.hpp): If-Modified-Since's IMF-fixdate
// and the API's RFC 3339 times, each form it takes and each it refuses.
#include "http/fields.hpp"

#include <gtest/gtest.h>

namespace mentorcal::daemon {
namespace {

using namespace std::chrono_literals;

date::sys_seconds utc(date::year_month_day day, std::chrono::seconds time) {
  return date::sys_days{day} + time;
}

TEST(HttpDate, ReadsImfFixdate) {
  const auto t = utc(date::year{1994} / 11 / 6, 8h + 49min + 37s).time_since_epoch().count();
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), t);
  EXPECT_EQ(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT\t"), t);  // optional whitespace
  EXPECT_EQ(parse_http_date(http_date(t)), t);
}

TEST(HttpDate, ReadsALeapSecondAsTheSecondBeforeIt) {
  EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"),
            utc(date::year{2016} / 12 / 31, 23h + 59min + 59s).time_since_epoch().count());
}

TEST(HttpDate, RefusesTheObsoleteFormsAndEverythingElse) {
  for (const auto* text : {
           "Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850
           "Sun Nov  6 08:49:37 1994",        // asctime
           "yesterday",
           "",
           "Sun, 6 Nov 1994 08:49:37 GMT",   // one-digit day
           "Sun, 06 Nov 94 08:49:37 GMT",    // two-digit year
           "Sun, 06 Nov 1994 08:49:37 UTC",  // not GMT
           "Sun, 06 Nov 1994 08:49:37 GMT x",
           "Mon, 06 Nov 1994 08:49:37 GMT",  // not that date's weekday
           "Xyz, 06 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nox 1994 08:49:37 GMT",
           "Wed, 31 Feb 1994 08:49:37 GMT",  // no such day
           "Sun, 06 Nov 1994 24:00:00 GMT",
           "Sun, 06 Nov 1994 08:60:00 GMT",
           "Sun, 06 Nov 1994 08:49:61 GMT",
           "Sun, 06 Nov 1994 08-49-37 GMT",
       })
    EXPECT_EQ(parse_http_date(text), std::nullopt) << text;
}

TEST(Rfc3339, ReadsAnOffsetZAndAFraction) {
  const auto eight = utc(date::year{2027} / 3 / 8, 8h);
  EXPECT_EQ(parse_rfc3339("2027-03-08T09:00:00+01:00"), eight);
  EXPECT_EQ(parse_rfc3339("2027-03-08T03:00:00-05:00"), eight);
  EXPECT_EQ(parse_rfc3339("2027-03-08T13:30:00+05:30"), eight);
  EXPECT_EQ(parse_rfc3339("2027-03-08T08:00:00Z"), eight);
  EXPECT_EQ(parse_rfc3339("2027-03-08t08:00:00z"), eight);    // RFC 3339 §5.6 allows lower case
  EXPECT_EQ(parse_rfc3339("2027-03-08T08:00:00.5Z"), eight);  // the fraction is dropped
  EXPECT_EQ(parse_rfc3339("2027-03-08T09:00:00.123456789012+01:00"), eight);
  EXPECT_EQ(parse_rfc3339("2028-02-29T00:00:00Z"), utc(date::year{2028} / 2 / 29, 0s));
  EXPECT_EQ(parse_rfc3339("0001-01-01T00:00:00Z"), utc(date::year{1} / 1 / 1, 0s));
}

TEST(Rfc3339, ReadsALeapSecondAsTheSecondBeforeItOnlyInTheLastMinuteOfAnHour) {
  EXPECT_EQ(parse_rfc3339("2027-06-30T23:59:60Z"),
            utc(date::year{2027} / 6 / 30, 23h + 59min + 59s));
  EXPECT_EQ(parse_rfc3339("2027-03-02T09:59:60+09:00"), utc(date::year{2027} / 3 / 2, 59min + 59s));
  EXPECT_EQ(parse_rfc3339("2027-03-01T10:00:60Z"), std::nullopt);
}

TEST(Rfc3339, RefusesWhatIsNotADateTimeWithAnOffset) {
  for (const auto* text : {
           "",
           "2027-03-08T09:00:00",  // no offset
           "2027-03-08",
           "2027-3-8T09:00:00Z",  // one-digit fields
           "2027-03-08T9:00:00Z",
           "2027-03-08 09:00:00Z",      // a space for the T
           "2027-03-08T09:00:00+0100",  // no colon in the offset
           "2027-03-08T09:00:00+1:00",
           "2027-03-08T09:00:00+24:00",  // offsets out of range
           "2027-03-08T09:00:00+01:60",
           "2027-03-08T09:00:00 +01:00",
           "2027-02-29T00:00:00Z",  // no such day
           "2027-13-01T00:00:00Z",
           "2027-03-08T24:00:00Z",
           "2027-03-08T09:60:00Z",
           "2027-03-08T09:00:61Z",
           "2027-03-08T09:00:00.Z",  // a point without digits
           "2027-03-08T09:00:00Zjunk",
           "2027-03-08T09:00:00+01:00junk",
           "+2027-03-08T09:00:00Z",
       })
    EXPECT_EQ(parse_rfc3339(text), std::nullopt) << text;
}

}  // namespace
}  // namespace mentorcal::daemon
