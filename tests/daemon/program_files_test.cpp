#include "mentorcal/program_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "mentorcal/ical.hpp"

namespace mentorcal {
namespace {

namespace fs = std::filesystem;

TEST(ProgramFiles, RoundTripThroughJson) {
  const ProgramFiles files = {{"program.toml", "id = \"x\"\n"},
                              {"calendars/m~1.ics", "BEGIN:VCALENDAR\r\n"},
                              {"people.csv", "\xEF\xBB\xBFid,name\r\n\"a, b\",c\r\n"}};
  ProgramFilesProblem problem;
  const auto again = program_files_from_json(program_files_to_json(files), &problem);
  ASSERT_TRUE(again) << problem.message;
  EXPECT_EQ(*again, files);
}

TEST(ProgramFiles, NamesTheFieldOfEachProblem) {
  ProgramFilesProblem problem;
  EXPECT_FALSE(program_files_from_json("{", &problem));
  EXPECT_EQ(problem.field, "");
  EXPECT_FALSE(program_files_from_json(R"({"files": []})", &problem));
  EXPECT_EQ(problem.field, "/files");
  for (const auto* name : {"/abs.ics", "a/../../b", "a//b", "a\\\\b", "./a", ""}) {
    EXPECT_FALSE(
        program_files_from_json(std::string(R"({"files": {")") + name + R"(": ""}})", &problem))
        << name;
    EXPECT_TRUE(problem.field.starts_with("/files/")) << problem.field;
  }
  EXPECT_FALSE(program_files_from_json(R"({"files": {"a~b/c": null}})", &problem));
  EXPECT_EQ(problem.field, "/files/a~0b~1c");
}

TEST(ProgramFiles, SourcesReadLikeTheDirectory) {
  std::string error;
  const auto files = read_program_files(MENTORCAL_SOURCE_DIR "/samples/acme-2027", &error);
  ASSERT_TRUE(files) << error;
  const auto from_json = load_program(sources_of(*files, "samples/acme-2027/"));
  const auto from_dir = load_program_dir(MENTORCAL_SOURCE_DIR "/samples/acme-2027");
  ASSERT_TRUE(from_json.program && from_dir.program);
  EXPECT_EQ(from_json.program->people.size(), from_dir.program->people.size());
  for (std::size_t i = 0; i < from_dir.program->people.size(); ++i)
    EXPECT_EQ(from_json.program->people[i].calendar_text,
              from_dir.program->people[i].calendar_text);
}

TEST(ProgramFiles, ReadsCalendarsTheCalendarColumnNamesOutsideCalendarsDir) {
  const auto dir =
      fs::temp_directory_path() / ("mentorcal-files-" + std::to_string(std::random_device{}()));
  fs::copy(MENTORCAL_SOURCE_DIR "/samples/acme-2027", dir, fs::copy_options::recursive);
  fs::create_directories(dir / "exports");
  fs::rename(dir / "calendars/e-22.ics", dir / "exports/lucia.ics");
  {
    std::ifstream in(dir / "people.csv", std::ios::binary);
    std::string people((std::istreambuf_iterator<char>(in)), {});
    people.replace(people.find("calendars/e-22.ics"), 18, "exports/lucia.ics");
    std::ofstream(dir / "people.csv", std::ios::binary) << people;
  }
  std::ofstream(dir / "notes.txt") << "not part of the program";
  std::string error;
  const auto files = read_program_files(dir, &error);
  fs::remove_all(dir);
  ASSERT_TRUE(files) << error;
  EXPECT_TRUE(files->contains("exports/lucia.ics"));
  EXPECT_TRUE(files->contains("calendars/m-01.ics"));
  EXPECT_FALSE(files->contains("notes.txt"));
}

TEST(ProgramFiles, ReadingAMissingDirectoryFails) {
  std::string error;
  EXPECT_FALSE(read_program_files("/nonexistent/program", &error));
  EXPECT_NE(error.find("/nonexistent/program"), std::string::npos);
}

}  // namespace
}  // namespace mentorcal
