// Problems found in user input, each tied to the place it was found.
//
//   Diagnostics d;
//   d.error("acme/people.csv", 7, "timezone 'Europe/Berln' is not a known IANA zone");
//   std::cerr << d.front().to_string();  // "acme/people.csv:7: timezone 'Europe/Berln' ..."
#pragma once

#include <string>
#include <vector>

namespace mentorcal {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;  // as the user named it; empty for problems with no file
  int line = 0;      // 1-based; 0 when the problem is about the file as a whole
  std::string message;

  // "file:line: message", with "warning: " before the message for warnings.
  std::string to_string() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// Collects every problem of a run so that all of them are reported at once.
class Diagnostics {
 public:
  void error(std::string file, int line, std::string message);
  void warning(std::string file, int line, std::string message);

  bool has_errors() const { return errors_ > 0; }
  const std::vector<Diagnostic>& all() const { return items_; }
  const Diagnostic& front() const { return items_.front(); }
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
  int errors_ = 0;
};

}  // namespace mentorcal
