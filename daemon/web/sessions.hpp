// Signed-in browsers: a person who opened their personal link, or the coordinator who signed in
// with their token. The cookie holds a 256-bit random id; the daemon keeps its SHA-256, who it
// is for, the credential it was opened with (so that rotating that credential ends the session)
// and the session's CSRF token, which every form it posts must carry.
//
// Sessions live in memory: a restart signs everyone out, and the personal link signs them in.
//
//   auto id = sessions.start({.kind = SignedIn::Kind::person, ...}, now);
//   response.headers.emplace_back("Set-Cookie", sessions.cookie(id, secure));
//   if (auto who = sessions.find(web::cookie(request.header("cookie"), kSessionCookie), now)) ...
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mentorcal::daemon::web {

inline constexpr std::string_view kSessionCookie = "mentorcal_session";

struct SignedIn {
  enum class Kind { person, coordinator } kind = Kind::person;
  std::string program_id;  // a person's: their program and id
  std::string person_id;
  std::string credential_hash;  // SHA-256 of the personal secret or coordinator token used
  std::string csrf;             // 256 random bits, base64url: the forms' hidden `csrf` field
  std::chrono::system_clock::time_point expires;
};

class WebSessions {
 public:
  static constexpr std::chrono::hours kLifetime{12};
  static constexpr std::size_t kMaxSessions = 100'000;

  // Starts a session (its CSRF token drawn here) and returns its id, the cookie's value. When
  // kMaxSessions are open, the expired ones are dropped, then the oldest.
  std::string start(SignedIn who, std::chrono::system_clock::time_point now);
  // The session of cookie value `id`, unless unknown or expired.
  std::optional<SignedIn> find(std::string_view id, std::chrono::system_clock::time_point now);
  void end(std::string_view id);

  // The Set-Cookie value that carries `id` (HttpOnly, SameSite=Strict, Path=/, and Secure when
  // the daemon is reached over https); with an empty id, the one that clears it.
  static std::string cookie(std::string_view id, bool secure);

  // Whether `sent` is `who`'s CSRF token, in constant time.
  static bool csrf_matches(const SignedIn& who, std::string_view sent);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, SignedIn> by_hash_;
};

}  // namespace mentorcal::daemon::web
