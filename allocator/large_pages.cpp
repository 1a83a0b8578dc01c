// Linked into mentorcal and mentorcald when they allocate with mimalloc (CMakeLists.txt).
#include <mimalloc.h>

#include <cstdlib>

namespace {

// A pass over a 30,000-pair cohort touches nearly a gigabyte; on 4 KiB pages the page faults
// alone took a sixth of its time. mimalloc asks for transparent huge pages where the kernel
// offers them (madvise mode included). MIMALLOC_LARGE_OS_PAGES=0 in the environment turns
// this off.
[[maybe_unused]] const bool large_pages = [] {
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) mi_option_enable(mi_option_large_os_pages);
  return true;
}();

}  // namespace
