// Writing a command's whole output at once: either every file lands, or OUT_DIR stays as it was.
#pragma once

#include <map>
#include <string>

namespace mentorcal::cli {

// Relative path inside the output directory -> contents.
using OutputFiles = std::map<std::string, std::string>;

// Writes `files` into a fresh directory beside `out_dir`, then swaps it into place in one
// rename (renameat2 RENAME_EXCHANGE when `out_dir` exists), so that a reader never sees a
// mixture and a failure leaves `out_dir` as it was. It does not flush to disk: a pass can be
// run again, and thousands of fsyncs would cost more than the pass. Returns an error sentence,
// or empty on success.
std::string write_output_dir(const std::string& out_dir, const OutputFiles& files);

}  // namespace mentorcal::cli
