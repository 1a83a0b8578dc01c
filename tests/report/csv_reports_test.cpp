#include <gtest/gtest.h>

#include "mentorcal/csv.hpp"
#include "mentorcal/report.hpp"
#include "report_fixture.hpp"

namespace mentorcal {
namespace {

using namespace testing;

// The CSV as a reader sees it, through the project's strict RFC 4180 reader.
CsvTable read_back(const std::string& text) {
  Diagnostics diagnostics;
  auto table = read_csv(text, "out.csv", diagnostics);
  for (const auto& d : diagnostics.all()) ADD_FAILURE() << d.to_string();
  return table.value_or(CsvTable{});
}

std::string cell(const CsvTable& table, std::size_t row, std::string_view column) {
  return table.rows.at(row).fields.at(table.column(column).value());
}

TEST(SessionsCsv, HasOneRowPerOccurrenceWithEachPartysLocalDateAndTime) {
  const Program program = report_program();
  Schedule schedule;
  schedule.pairs.push_back(
      scheduled("m", "t",
                {occurrence(OccurrenceState::held, utc(date::March / 1 / 2027, 0h)),
                 occurrence(OccurrenceState::skipped, utc(date::March / 8 / 2027, 1h), 45min,
                            "m is busy, then \"out\"")}));
  schedule.pairs.push_back({"m", "l", "", "", std::nullopt, {"share no hour"}, "", {}});
  const std::string text = sessions_csv(program, schedule);
  EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1) << "CRLF line ends";

  const auto table = read_back(text);
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(cell(table, 0, "mentor_name"), "Ng, \"Ana\"");
  EXPECT_EQ(cell(table, 0, "mentee_name"), "Taro <Tokyo> & Co");
  EXPECT_EQ(cell(table, 0, "state"), "held");
  EXPECT_EQ(cell(table, 0, "start_utc"), "2027-03-01T00:00:00Z");
  EXPECT_EQ(cell(table, 0, "end_utc"), "2027-03-01T00:45:00Z");
  EXPECT_EQ(cell(table, 0, "minutes"), "45");
  EXPECT_EQ(cell(table, 0, "mentor_date"), "2027-02-28");
  EXPECT_EQ(cell(table, 0, "mentor_time"), "19:00");
  EXPECT_EQ(cell(table, 0, "mentee_zone"), "Asia/Tokyo");
  EXPECT_EQ(cell(table, 0, "mentee_date"), "2027-03-01");
  EXPECT_EQ(cell(table, 0, "mentee_time"), "09:00");
  EXPECT_EQ(cell(table, 1, "state"), "skipped");
  EXPECT_EQ(cell(table, 1, "reason"), "m is busy, then \"out\"");
}

TEST(SessionsCsv, AFieldASpreadsheetWouldRunAsAFormulaIsWrittenAsText) {
  Program program = report_program();
  const std::vector<std::string> names = {
      "=HYPERLINK(\"http://x.example\",\"a\")", "+1", "-x", "@SUM(A1)", "\tTab", "\rReturn"};
  Schedule schedule;
  schedule.pairs.push_back(
      scheduled("m", "t", {occurrence(OccurrenceState::held, utc(date::March / 1 / 2027, 0h))}));
  schedule.pairs.push_back({"m", "l", "", "", std::nullopt, {"share no hour"}, "", {}});
  for (const auto& name : names) {
    program.people[0].name = name;
    const auto table = read_back(sessions_csv(program, schedule));
    ASSERT_EQ(table.rows.size(), 1u);
    EXPECT_EQ(cell(table, 0, "mentor_name"), "'" + name) << name;
    const auto load = read_back(load_csv(tally(program, schedule)));
    EXPECT_EQ(load.rows.at(0).fields.at(1), "'" + name) << name;
  }
  program.people[0].name = "Ana = Ng";
  EXPECT_EQ(cell(read_back(sessions_csv(program, schedule)), 0, "mentor_name"), "Ana = Ng");
}

TEST(LoadCsv, HasOneRowPerPersonAndIsoWeekOfTheirZoneWithTheirWeeklyLimits) {
  const Program program = report_program();
  Schedule schedule;
  // 2027-01-03 19:00 New York is Sunday of ISO week 2026-W53; 09:00 Monday 2027-W01 in Tokyo.
  schedule.pairs.push_back(
      scheduled("m", "t",
                {occurrence(OccurrenceState::held, utc(date::January / 4 / 2027, 0h)),
                 occurrence(OccurrenceState::moved, utc(date::January / 4 / 2027, 2h), 30min)}));
  schedule.pairs.push_back({"m", "l", "", "", std::nullopt, {"share no hour"}, "", {}});
  const auto table = read_back(load_csv(tally(program, schedule)));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].fields,
            (std::vector<std::string>{"m", "Ng, \"Ana\"", "mentor", "America/New_York", "2026-W53",
                                      "2026-12-28", "2", "75", "2", "90"}));
  EXPECT_EQ(table.rows[1].fields,
            (std::vector<std::string>{"t", "Taro <Tokyo> & Co", "mentee", "Asia/Tokyo", "2027-W01",
                                      "2027-01-04", "2", "75", "", ""}));
}

}  // namespace
}  // namespace mentorcal
