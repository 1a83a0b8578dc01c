// mentorcal push: a program directory to mentorcald, a pass, and the feed URLs.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mentorcal/ical.hpp"
#include "mentorcal/program_files.hpp"

namespace mentorcal::cli {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

struct ServerUrl {
  std::string host;
  std::string port = "80";
  std::string base;  // path prefix without a trailing slash
};

// "http://HOST[:PORT][/PREFIX]". mentorcald speaks plain HTTP; TLS is a proxy's job.
std::optional<ServerUrl> parse_server(const std::string& url, std::string* error) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) {
    *error = "--server must be an http:// URL (mentorcald serves plain HTTP), not " + url;
    return std::nullopt;
  }
  const auto rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  ServerUrl server;
  if (slash != std::string::npos) server.base = rest.substr(slash);
  while (!server.base.empty() && server.base.back() == '/') server.base.pop_back();
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    server.port = authority.substr(colon + 1);
    authority.resize(colon);
  }
  if (authority.size() > 2 && authority.front() == '[')
    authority = authority.substr(1, authority.size() - 2);
  server.host = authority;
  if (server.host.empty() || server.port.empty()) {
    *error = "--server " + url + " names no host";
    return std::nullopt;
  }
  return server;
}

// One keep-alive connection to the server, one request at a time.
class Client {
 public:
  Client(ServerUrl server, std::string token)
      : server_(std::move(server)), token_(std::move(token)) {}

  // The status and body, or status 0 with the body saying what failed on the way.
  std::pair<int, std::string> send(http::verb method, const std::string& path, std::string body) {
    beast::error_code ec;
    if (!connected_) {
      tcp::resolver resolver(ioc_);
      const auto endpoints = resolver.resolve(server_.host, server_.port, ec);
      if (!ec) stream_.connect(endpoints, ec);
      if (ec)
        return {0, "cannot connect to " + server_.host + ":" + server_.port + ": " + ec.message()};
      connected_ = true;
    }
    http::request<http::string_body> request{method, server_.base + path, 11};
    request.set(http::field::host, server_.host + ":" + server_.port);
    request.set(http::field::user_agent, "mentorcal/" MENTORCAL_VERSION);
    request.set(http::field::authorization, "Bearer " + token_);
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
    request.prepare_payload();
    http::write(stream_, request, ec);
    if (ec) return {0, "cannot send to the server: " + ec.message()};
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);  // a feed list of a large program is megabytes
    http::read(stream_, buffer, parser, ec);
    if (ec) return {0, "no answer from the server: " + ec.message()};
    if (!parser.get().keep_alive()) {
      stream_.socket().close(ec);
      connected_ = false;
    }
    return {static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
  }

 private:
  ServerUrl server_;
  std::string token_;
  net::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  bool connected_ = false;
};

// The server's words for a failed request: "message (field)", or the problems of a 422.
int report_failure(int status, const std::string& body, const std::string& label) {
  const auto answer = json::parse(body, nullptr, false);
  if (status == 0 || answer.is_discarded() || !answer.is_object()) {
    std::cerr << "mentorcal push: " << (status ? "HTTP " + std::to_string(status) + ": " : "")
              << body << '\n';
    return 1;
  }
  if (answer.contains("problems")) {
    // The server names files as "files/<path>": print them as the CLI does, under the directory.
    for (const auto* key : {"problems", "warnings"})
      for (const auto& p : answer.value(key, json::array())) {
        auto file = p.value("field", std::string());
        if (file.starts_with("files/")) file = label + file.substr(6);
        std::cerr << file << ':' << p.value("line", 0) << ": "
                  << (std::string_view(key) == "warnings" ? "warning: " : "")
                  << p.value("message", std::string()) << '\n';
      }
    return 2;
  }
  std::cerr << "mentorcal push: " << answer.value("error", std::string("HTTP error"));
  if (answer.contains("field")) std::cerr << " (" << answer["field"].get<std::string>() << ')';
  std::cerr << " [HTTP " << status << "]\n";
  return status == 422 || status == 400 ? 2 : 1;
}

}  // namespace

int run_push(const PushOptions& options) {
  std::string token = options.token.value_or("");
  if (token.empty())
    if (const char* env = std::getenv("MENTORCAL_ADMIN_TOKEN")) token = env;
  if (token.empty()) {
    std::cerr
        << "mentorcal push: no coordinator token: pass --token or set MENTORCAL_ADMIN_TOKEN\n";
    return 2;
  }
  std::string error;
  const auto server = parse_server(options.server, &error);
  if (!server) {
    std::cerr << "mentorcal push: " << error << '\n';
    return 2;
  }
  auto files = read_program_files(options.program_dir, &error);
  if (!files) {
    std::cerr << "mentorcal push: " << error << '\n';
    return 2;
  }
  auto label = std::filesystem::path(options.program_dir).generic_string();
  if (!label.empty() && label.back() != '/') label += '/';

  // The id names the program on the server; a program that does not load locally is reported
  // here, with the same messages the server would give.
  const auto loaded = load_program(sources_of(*files, label));
  if (!loaded.program) {
    for (const auto& d : loaded.diagnostics.all()) std::cerr << d.to_string() << '\n';
    return 2;
  }
  const auto& id = loaded.program->id;

  Client client(*server, token);
  const auto [put_status, put_body] =
      client.send(http::verb::put, "/api/programs/" + id, program_files_to_json(*files));
  if (put_status < 200 || put_status > 299) return report_failure(put_status, put_body, label);
  const auto [pass_status, pass_body] =
      client.send(http::verb::post, "/api/programs/" + id + "/passes",
                  json{{"publish", !options.no_publish}}.dump());
  if (pass_status < 200 || pass_status > 299) return report_failure(pass_status, pass_body, label);
  const auto [feeds_status, feeds_body] =
      client.send(http::verb::get, "/api/programs/" + id + "/feeds", "");
  if (feeds_status != 200) return report_failure(feeds_status, feeds_body, label);

  const auto imported = json::parse(put_body);
  const auto pass = json::parse(pass_body);
  const auto feeds = json::parse(feeds_body);
  if (options.json) {
    std::cout << json{{"program", imported}, {"pass", pass}, {"feeds", feeds["feeds"]}}.dump(2)
              << '\n';
    return 0;
  }
  const auto& summary = pass["summary"];
  std::cout << "pushed " << id << " to " << options.server << ": " << imported["people"]
            << " people, " << imported["pairs"] << " pairs\n"
            << "pass " << pass["pass"] << ": scheduled " << summary["scheduled"] << " of "
            << summary["pairs"] << " pairs; " << summary["held"] << " held, " << summary["moved"]
            << " moved, " << summary["skipped"] << " skipped"
            << (pass["outcome"] == "time_limit" ? " (stopped by the time limit)" : "") << '\n';
  for (const auto& r : pass["unscheduled"])
    std::cout << "  not scheduled: " << r["mentor"].get<std::string>() << " / "
              << r["mentee"].get<std::string>() << ": "
              << (r["reasons"].empty() ? "" : r["reasons"][0].get<std::string>()) << '\n';
  std::cout << (options.no_publish ? "not published (--no-publish); the feeds still show the "
                                     "previous pass:\n"
                                   : "published; feeds:\n");
  for (const auto& f : feeds["feeds"])
    std::cout << "  " << f["person"].get<std::string>() << '\t' << f["name"].get<std::string>()
              << '\t' << f["url"].get<std::string>() << '\n';
  return 0;
}

}  // namespace mentorcal::cli
