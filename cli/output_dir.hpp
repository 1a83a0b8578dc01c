// Writing a command's whole output at once: either every file lands, or OUT_DIR stays as it was.
//
//   std::string error;
//   auto out = StagedOutput::open("out", &error);  // a fresh directory beside "out"
//   out->write("feeds/m-01.ics", text);             // from any thread, as each file is made
//   error = out->commit();                          // swapped into place; or dropped: removed
#pragma once

#include <memory>
#include <string>

namespace mentorcal::cli {

class StagedOutput {
 public:
  // Makes the fresh directory beside `out_dir` (and `out_dir`'s parents). Null, with `error`
  // set to a sentence, when that cannot be done.
  static std::unique_ptr<StagedOutput> open(const std::string& out_dir, std::string* error);
  // Removes the fresh directory unless commit() succeeded.
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // Writes `text` as `name` ("feeds/m-01.ics": folders are made as needed), or hard-links the
  // earlier output's file when it holds exactly `text`: a re-pass changes few feeds, and linking
  // spares writing them and freeing their blocks when the earlier tree is removed. Safe to call
  // from several threads at once; after the first failure, writes do nothing.
  void write(const std::string& name, const std::string& text);

  // Swaps the fresh directory into place in one rename (renameat2 RENAME_EXCHANGE when
  // `out_dir` exists), so that a reader never sees a mixture, and removes the earlier tree.
  // Returns the first failure of write() or of the swap as a sentence, or empty on success; on
  // failure `out_dir` is as it was. Nothing is flushed to disk: a pass can be run again, and
  // thousands of fsyncs would cost more than the pass.
  std::string commit();

 private:
  struct State;
  explicit StagedOutput(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace mentorcal::cli
