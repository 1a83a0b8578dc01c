#include "sessions.hpp"

#include <algorithm>

#include "secrets.hpp"

namespace mentorcal::daemon::web {

std::string WebSessions::start(SignedIn who, std::chrono::system_clock::time_point now) {
  auto id = to_base64url(random_bytes(32));
  who.csrf = to_base64url(random_bytes(32));
  who.expires = now + kLifetime;
  std::lock_guard lock(mutex_);
  if (by_hash_.size() >= kMaxSessions) {
    std::erase_if(by_hash_, [&](const auto& entry) { return entry.second.expires <= now; });
    if (by_hash_.size() >= kMaxSessions) {
      const auto oldest = std::min_element(by_hash_.begin(), by_hash_.end(), [](auto& a, auto& b) {
        return a.second.expires < b.second.expires;
      });
      by_hash_.erase(oldest);
    }
  }
  by_hash_[sha256(id)] = std::move(who);
  return id;
}

std::optional<SignedIn> WebSessions::find(std::string_view id,
                                          std::chrono::system_clock::time_point now) {
  if (id.empty()) return std::nullopt;
  const auto hash = sha256(id);
  std::lock_guard lock(mutex_);
  const auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void WebSessions::end(std::string_view id) {
  if (id.empty()) return;
  const auto hash = sha256(id);
  std::lock_guard lock(mutex_);
  by_hash_.erase(hash);
}

std::string WebSessions::cookie(std::string_view id, bool secure) {
  std::string value =
      std::string(kSessionCookie) + "=" + std::string(id) + "; Path=/; HttpOnly; SameSite=Strict";
  if (id.empty()) value += "; Max-Age=0";
  if (secure) value += "; Secure";
  return value;
}

bool WebSessions::csrf_matches(const SignedIn& who, std::string_view sent) {
  return !who.csrf.empty() && same_secret(who.csrf, sent);
}

}  // namespace mentorcal::daemon::web
