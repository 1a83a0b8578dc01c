// Both programs allocate with mimalloc (CMakeLists.txt): a build whose linker dropped the library
// would fall back to glibc's malloc without a word, and lose a sixth of L's time.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

// What `program --version` prints on standard error with mimalloc asked to be verbose.
std::string verbose_stderr(const std::string& program) {
  const std::string command = "MIMALLOC_VERBOSE=1 " + program + " --version 2>&1 >/dev/null";
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

TEST(Allocator, BothProgramsAllocateWithMimalloc) {
#ifdef MENTORCAL_SANITIZED
  GTEST_SKIP() << "the sanitizers bring their own allocator";
#endif
  for (const char* program : {MENTORCAL_PATH, MENTORCALD_PATH})
    EXPECT_NE(verbose_stderr(program).find("mimalloc: process init"), std::string::npos) << program;
}

}  // namespace
