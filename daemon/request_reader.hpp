// One HTTP/1.1 request on its way in, from bytes to what Service::handle takes: Beast's parser,
// the framing rules of RFC 9112 that the parser leaves to its user, and the service's admission
// before a byte of the body is read. No socket: server.cpp's sessions feed it from the network,
// fuzz/http_fuzzer.cpp from memory.
//
//   RequestReader reader(service, limits);
//   reader.start();                       // then read into reader.parser() until the header is in
//   auto next = reader.on_header();       // answer now, or read the body (100 Continue first?)
//   ...                                   // read the rest into reader.parser()
//   Response r = service.handle(reader.request(), reader.admission());
#pragma once

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <optional>

#include "service.hpp"

namespace mentorcal::daemon {

struct HttpLimits {
  std::uint32_t header = 16 * 1024;
  std::uint64_t body = 64 * 1024;                     // every body but a program's
  std::uint64_t program_body = 512ull * 1024 * 1024;  // PUT /api/programs/{id}
};

class RequestReader {
 public:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  RequestReader(Service& service, const HttpLimits& limits) : service_(service), limits_(limits) {}

  // Starts on the next request of the connection: a fresh parser, with the header limit and room
  // for the largest body until the route is known.
  Parser& start();
  Parser& parser() { return *parser_; }

  // What to do once the header is in (parser().is_header_done()).
  struct AfterHeader {
    std::optional<Response> answer;  // answer this now, without reading a body...
    bool close = false;              // ...and close the connection after it
    bool send_continue = false;      // the client waits for "100 Continue" to send its body
  };
  // Framing (RFC 9112 §6.1, §6.3: 400 and close), then Service::admit (its refusal is answered
  // at once; when a body was announced, the connection is closed after it), then the route's
  // body limit (413 and close).
  AfterHeader on_header();

  // The answer to a read that failed with `ec`: 400 for a malformed message, 413 and 431 for
  // limits; none when the connection just ended or timed out. The connection closes after it.
  std::optional<Response> on_error(boost::beast::error_code ec);

  // Once the whole request is in: the request, its body moved out of the parser. Its strings
  // are kept from one request to the next, so that a keep-alive connection allocates nothing
  // for them after its first request.
  Request& request();
  const Admission& admission() const { return admission_; }

 private:
  Response malformed(int status, const std::string& message);

  Service& service_;
  HttpLimits limits_;
  std::optional<Parser> parser_;
  Request request_;
  Admission admission_;
};

}  // namespace mentorcal::daemon
