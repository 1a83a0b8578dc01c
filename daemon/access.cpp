#include "access.hpp"

#include "http/fields.hpp"

namespace mentorcal::daemon {

Verdict authorise(const Caller& caller, Audience audience, std::string_view program,
                  std::string_view person) {
  if (audience == Audience::anyone) return Verdict::allowed;
  if (caller.kind == Caller::Kind::anyone) return Verdict::unauthenticated;
  if (caller.without_csrf) return Verdict::no_csrf_token;
  if (caller.kind == Caller::Kind::coordinator) return Verdict::allowed;
  if (caller.kind == Caller::Kind::feed_reader) return Verdict::feed_token;
  if (audience == Audience::signed_in) return Verdict::allowed;
  if (audience == Audience::person && !person.empty() && caller.program_id == program &&
      caller.person_id == person)
    return Verdict::allowed;
  return Verdict::forbidden;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  static constexpr std::string_view kScheme = "bearer";
  const auto space = authorization.find(' ');
  if (space != kScheme.size() || !iequals(authorization.substr(0, space), kScheme))
    return std::nullopt;
  auto token = authorization.substr(space + 1);
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace mentorcal::daemon
