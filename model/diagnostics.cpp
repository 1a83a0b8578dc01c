#include "mentorcal/diagnostics.hpp"

namespace mentorcal {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) out += ':' + std::to_string(line);
  if (!out.empty()) out += ": ";
  if (severity == Severity::warning) out += "warning: ";
  return out + message;
}

void Diagnostics::error(std::string file, int line, std::string message) {
  items_.push_back({Severity::error, std::move(file), line, std::move(message)});
  ++errors_;
}

void Diagnostics::warning(std::string file, int line, std::string message) {
  items_.push_back({Severity::warning, std::move(file), line, std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  errors_ += other.errors_;
}

}  // namespace mentorcal
