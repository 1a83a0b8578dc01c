#include "secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sys/random.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace mentorcal::daemon {

std::string random_bytes(std::size_t n) {
  std::string bytes(n, '\0');
  std::size_t done = 0;
  while (done < n) {
    const auto got = ::getrandom(bytes.data() + done, n - done, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      std::perror("mentorcald: getrandom");
      std::abort();
    }
    done += static_cast<std::size_t>(got);
  }
  return bytes;
}

std::string sha256(std::string_view bytes) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  ::SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
           reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  ::HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
         reinterpret_cast<unsigned char*>(digest.data()), &length);
  digest.resize(length);
  return digest;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const unsigned char c : bytes) {
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  return hex;
}

std::string to_base64url(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text += alphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) text += alphabet[(buffer << (6 - bits)) & 63];
  return text;
}

std::string feed_token(std::string_view feed_key, std::string_view salt) {
  return to_base64url(hmac_sha256(feed_key, salt).substr(0, 24));
}

std::string personal_secret(std::string_view feed_key, std::string_view salt) {
  return to_base64url(hmac_sha256(feed_key, "personal link" + std::string(salt)).substr(0, 16));
}

std::string new_admin_token() {
  return to_base64url(random_bytes(32));
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string token_log_id(std::string_view token) {
  return to_hex(sha256(token)).substr(0, 8);
}

std::string gzip(std::string_view bytes) {
  z_stream stream{};
  // windowBits 15 + 16 asks zlib for a gzip wrapper rather than a zlib one.
  if (::deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    std::abort();
  std::string out(::deflateBound(&stream, bytes.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = ::deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  ::deflateEnd(&stream);
  if (status != Z_STREAM_END) std::abort();
  return out;
}

}  // namespace mentorcal::daemon
