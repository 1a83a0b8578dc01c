// The secrets of mentorcald: tokens, their hashes, and the digests that name feed versions.
//
// A person's feed token is HMAC-SHA256(feed key, salt): the salt is 128 random bits from
// getrandom, kept in the database with the token's SHA-256; the feed key is 256 random bits
// kept in DATA_DIR/feed.key (0600). The database alone therefore reveals no token, while the
// daemon can still list every feed URL for the coordinator. Rotating a token draws a new salt.
// A person's personal link (the secret that writes: blocks, rotation, their page) is made the
// same way from a salt of its own, under another label, so that neither secret tells the other.
#pragma once

#include <string>
#include <string_view>

namespace mentorcal::daemon {

// `n` bytes from the kernel's CSPRNG (getrandom). Aborts if the kernel cannot supply them:
// a token from a weaker source must never be issued.
std::string random_bytes(std::size_t n);

std::string sha256(std::string_view bytes);  // 32 raw bytes
std::string hmac_sha256(std::string_view key, std::string_view message);
std::string to_hex(std::string_view bytes);
std::string to_base64url(std::string_view bytes);  // without padding

// The token a person's salt gives under the feed key: 192 bits, 32 URL-safe characters.
std::string feed_token(std::string_view feed_key, std::string_view salt);
// The secret of a person's personal link `/me/{secret}`: 128 bits of HMAC-SHA256(feed key,
// "personal link" + salt), 22 URL-safe characters.
std::string personal_secret(std::string_view feed_key, std::string_view salt);
// A fresh random token for the coordinator: 256 bits, 43 URL-safe characters.
std::string new_admin_token();

// Equal in time independent of where the bytes first differ (CRYPTO_memcmp).
bool same_secret(std::string_view a, std::string_view b);

// What a log line may say of a token: the first 8 hex digits of its SHA-256.
std::string token_log_id(std::string_view token);

// RFC 1952 gzip of `bytes` at the best compression (a feed is compressed once, served often).
std::string gzip(std::string_view bytes);

}  // namespace mentorcal::daemon
