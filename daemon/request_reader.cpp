#include "request_reader.hpp"

#include <boost/beast/core/string.hpp>
#include <string>

#include "http/responses.hpp"

namespace mentorcal::daemon {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// Why the header of a request cannot be framed without doubt, or null. Beast's parser rejects
// an invalid Content-Length, two that differ, and Content-Length with a chunked
// Transfer-Encoding; it takes a Transfer-Encoding whose last coding is not chunked as no body at
// all, and the bytes of that body as the next request. So everything that a server in front of
// mentorcald could read another way is refused here (RFC 9112 §6.1, §6.3 and §3.2), and the
// connection closed after the 400.
const char* framing_problem(const http::request_header<>& header) {
  const auto transfer_encodings = header.count(http::field::transfer_encoding);
  const auto content_lengths = header.count(http::field::content_length);
  if (transfer_encodings > 0) {
    if (header.version() < 11) return "an HTTP/1.0 request must not have a Transfer-Encoding";
    if (transfer_encodings > 1 ||
        !beast::iequals(header[http::field::transfer_encoding], "chunked"))
      return "Transfer-Encoding must be exactly \"chunked\"";
    if (content_lengths > 0)
      return "a request must not have both Transfer-Encoding and Content-Length";
  }
  if (content_lengths > 1) return "a request must have at most one Content-Length";
  if (content_lengths == 1) {
    const auto value = header[http::field::content_length];
    if (value.empty() || value.find_first_not_of("0123456789") != beast::string_view::npos)
      return "Content-Length must be a decimal number";
  }
  const auto hosts = header.count(http::field::host);
  if (hosts > 1) return "a request must have at most one Host";
  if (hosts == 0 && header.version() >= 11) return "an HTTP/1.1 request must have a Host";
  if (header.count(http::field::authorization) > 1)
    return "a request must have at most one Authorization";
  return nullptr;
}

}  // namespace

RequestReader::Parser& RequestReader::start() {
  parser_.emplace();
  parser_->header_limit(limits_.header);
  // A Content-Length is checked while the header is parsed, before the route is known: admit
  // the largest body here and hold the route to its own limit once the header is in.
  parser_->body_limit(std::max(limits_.body, limits_.program_body));
  return *parser_;
}

Response RequestReader::malformed(int status, const std::string& message) {
  service_.metrics().record_request("malformed", status, {});
  return error_response(status, message);
}

RequestReader::AfterHeader RequestReader::on_header() {
  AfterHeader next;
  const auto& header = parser_->get();
  if (const char* problem = framing_problem(header)) {
    next.answer = malformed(400, std::string("malformed HTTP request: ") + problem);
    next.close = true;
    return next;
  }
  const auto assign = [](std::string& to, beast::string_view from) {
    to.assign(from.data(), from.size());
  };
  assign(request_.method, header.method_string());
  assign(request_.target, header.target());
  std::size_t fields = 0;
  for (const auto& field : header) {
    if (fields == request_.headers.size()) request_.headers.emplace_back();
    assign(request_.headers[fields].first, field.name_string());
    assign(request_.headers[fields].second, field.value());
    ++fields;
  }
  request_.headers.resize(fields);
  request_.body.clear();

  admission_ = service_.admit(request_);
  const bool has_body = !parser_->is_done();
  if (admission_.refusal) {
    next.answer = service_.handle(request_, admission_);
    next.close = has_body;
    return next;
  }
  const auto limit =
      admission_.body_limit == Admission::BodyLimit::program ? limits_.program_body : limits_.body;
  if (parser_->content_length() && *parser_->content_length() > limit) {
    next.answer = malformed(413, "the request body is too large");
    next.close = true;
    return next;
  }
  parser_->body_limit(limit);
  next.send_continue = has_body && beast::iequals(header[http::field::expect], "100-continue");
  return next;
}

std::optional<Response> RequestReader::on_error(beast::error_code ec) {
  if (ec == http::error::header_limit)
    return malformed(
        431, "the request header is larger than " + std::to_string(limits_.header) + " bytes");
  if (ec == http::error::body_limit) return malformed(413, "the request body is too large");
  if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return malformed(400, "malformed HTTP request: " + ec.message());
  return std::nullopt;
}

Request& RequestReader::request() {
  request_.body = std::move(parser_->get().body());
  return request_;
}

}  // namespace mentorcal::daemon
