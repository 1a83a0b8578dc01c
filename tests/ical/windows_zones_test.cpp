#include <gtest/gtest.h>

#include "mentorcal/zone_names.hpp"

namespace mentorcal {
namespace {

TEST(TzidZone, IanaNamesAreLookedUpInTheTzDatabase) {
  EXPECT_EQ(find_tzid_zone("Europe/Berlin")->name(), "Europe/Berlin");
}

TEST(TzidZone, WindowsNamesMapToTheCldrDefaultZone) {
  EXPECT_EQ(find_tzid_zone("W. Europe Standard Time")->name(), "Europe/Berlin");
  EXPECT_EQ(find_tzid_zone("Pacific Standard Time")->name(), "America/Los_Angeles");
  EXPECT_EQ(find_tzid_zone("India Standard Time")->name(), "Asia/Calcutta");
}

TEST(TzidZone, OldCldrAliasesResolveThroughTzDatabaseLinks) {
  // CLDR still says America/Buenos_Aires; the tz database links it to America/Argentina/...
  const auto zone = find_tzid_zone("Argentina Standard Time");
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->offset(Instant{}), Minutes{-180});
}

TEST(TzidZone, UnknownNamesAreNotGuessed) {
  EXPECT_FALSE(find_tzid_zone("Customized Time Zone"));
  EXPECT_FALSE(find_tzid_zone("w. europe standard time"));
  EXPECT_FALSE(find_tzid_zone(""));
}

}  // namespace
}  // namespace mentorcal
