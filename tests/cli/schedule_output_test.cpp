// `mentorcal schedule` writing its output directory, run as a process on the sample: what a
// second pass into the same OUT_DIR leaves there.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Every regular file under `dir`, by its path relative to `dir`, with its bytes.
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file())
      out[fs::relative(entry.path(), dir).generic_string()] = read(entry.path());
  return out;
}

ino_t inode(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

class ScheduleOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("mentorcal-cli-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Runs a pass over `program` (the sample by default) into `out`, with the arguments `extra`;
  // returns the exit status.
  int schedule(const fs::path& out, const std::string& extra = "",
               const fs::path& program = fs::path(MENTORCAL_SOURCE_DIR) / "samples/acme-2027") {
    const std::string command = std::string(MENTORCAL_PATH) + " schedule " + program.string() +
                                " --out " + out.string() + " " + extra + " > " +
                                (root_ / "stdout.txt").string() + " 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path root_;
};

TEST_F(ScheduleOutput, ASecondPassReplacesTheEarlierOutputWithoutWritingIntoItsFiles) {
  const auto out = root_ / "out";
  ASSERT_EQ(schedule(out), 0) << read(root_ / "stdout.txt");
  const auto first = tree(out);
  ASSERT_TRUE(first.contains("schedule.json"));
  ASSERT_TRUE(first.contains("feeds/program.ics"));
  const auto person = std::next(first.begin())->first;  // the first feed of a person
  ASSERT_TRUE(person.starts_with("feeds/") && person != "feeds/program.ics") << person;
  const auto unchanged_inode = inode(out / "schedule.json");

  // The earlier output as someone may have left it: a feed changed through a second name, a feed
  // that is a symbolic link to the right bytes elsewhere, and a file no pass writes.
  fs::create_hard_link(out / "feeds/program.ics", root_ / "second-name.ics");
  write(root_ / "second-name.ics", "changed\n");
  write(root_ / "elsewhere.ics", first.at(person));
  fs::remove(out / person);
  fs::create_symlink(root_ / "elsewhere.ics", out / person);
  write(out / "stray.txt", "not written by a pass\n");

  ASSERT_EQ(schedule(out), 0) << read(root_ / "stdout.txt");
  EXPECT_EQ(tree(out), first);  // same files, same bytes, the stray one gone
  EXPECT_FALSE(fs::is_symlink(out / person));
  // The changed file was replaced, not written in place; the link's target was not touched.
  EXPECT_EQ(read(root_ / "second-name.ics"), "changed\n");
  EXPECT_EQ(read(root_ / "elsewhere.ics"), first.at(person));
  // A file with the same bytes is the same file: a web server keeps its ETag.
  EXPECT_EQ(inode(out / "schedule.json"), unchanged_inode);
  for (const auto& entry : fs::directory_iterator(root_))
    EXPECT_FALSE(entry.path().filename().string().starts_with(".out.new-")) << entry.path();
}

// A --previous that is another program's output would cancel that program's series in this
// one's feeds; one that cannot be read would cancel nothing and keep nothing. Both stop the pass.
TEST_F(ScheduleOutput, APreviousPassOfAnotherProgramOrUnreadableIsInvalidInput) {
  const auto sample_out = root_ / "sample-out";
  ASSERT_EQ(schedule(sample_out), 0) << read(root_ / "stdout.txt");
  const auto other = root_ / "other";
  fs::copy(fs::path(MENTORCAL_SOURCE_DIR) / "samples/acme-2027", other,
           fs::copy_options::recursive);
  auto toml = read(other / "program.toml");
  const auto at = toml.find("id = \"acme-2027\"");
  ASSERT_NE(at, std::string::npos);
  toml.replace(at, 16, "id = \"other-2027\"");
  write(other / "program.toml", toml);

  const auto out = root_ / "out";
  EXPECT_EQ(schedule(out, "--previous " + sample_out.string(), other), 2);
  const auto said = read(root_ / "stdout.txt");
  EXPECT_NE(said.find("is a schedule of program 'acme-2027', not of 'other-2027'"),
            std::string::npos)
      << said;
  EXPECT_FALSE(fs::exists(out));

  EXPECT_EQ(schedule(out, "--previous " + (root_ / "nowhere").string()), 2);
  EXPECT_NE(read(root_ / "stdout.txt").find("cannot be read; nothing was written"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(out));
}

// Every problem of a run at once: a calendar's errors are reported with those of people.csv.
TEST_F(ScheduleOutput, ReportsACalendarsProblemsInTheSameRunAsPeopleCsvs) {
  const auto program = root_ / "program";
  fs::copy(fs::path(MENTORCAL_SOURCE_DIR) / "samples/acme-2027", program,
           fs::copy_options::recursive);
  auto people = read(program / "people.csv");
  const auto at =
      people.find("m-02,Oliver Bennett-Hughes,oliver.bennett-hughes@acme.example,mentor");
  ASSERT_NE(at, std::string::npos);
  people.replace(people.find(",mentor,", at), 8, ",mentro,");
  write(program / "people.csv", people);
  write(program / "calendars/m-01.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        "DTSTAMP:20270101T000000Z\r\nDTSTART;TZID=Mars/Olympus:20270301T090000\r\n"
        "DTEND;TZID=Mars/Olympus:20270301T100000\r\nSUMMARY:Caf\xE9\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n");
  const std::string command = std::string(MENTORCAL_PATH) + " validate " + program.string() +
                              " > " + (root_ / "stdout.txt").string() + " 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const auto said = read(root_ / "stdout.txt");
  EXPECT_NE(said.find("people.csv:3: role 'mentro' must be mentor or mentee"), std::string::npos)
      << said;
  EXPECT_NE(said.find("calendars/m-01.ics:9: invalid UTF-8"), std::string::npos) << said;
  EXPECT_NE(said.find("calendars/m-01.ics:7: TZID 'Mars/Olympus' is neither"), std::string::npos)
      << said;
}

}  // namespace
