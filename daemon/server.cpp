#include "server.hpp"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/fields.hpp"
#include "request_reader.hpp"

namespace mentorcal::daemon {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
// Each I/O thread runs an io_context of its own, and a connection stays on the one it was given:
// its handlers never run concurrently, so it needs no strand, and a concrete executor type spares
// the type-erased executor's copies on every operation.
using Executor = net::io_context::executor_type;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;

class Session;

// What every session shares: the service, the limits, the worker pool and the registry that
// draining walks.
struct Shared {
  Service& service;
  const ServerConfig& config;
  const std::function<void(const std::string&)>& log;
  net::thread_pool workers;
  std::atomic<bool> draining{false};
  std::mutex sessions_mutex;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  std::mutex addresses_mutex;
  std::unordered_map<std::string, std::size_t> connections_by_address;

  // Counts a connection from `address`; false (and nothing counted) when that address has
  // max_connections_per_address open already.
  bool take_place(const std::string& address) {
    std::lock_guard lock(addresses_mutex);
    auto& open = connections_by_address[address];
    if (config.max_connections_per_address != 0 && open >= config.max_connections_per_address) {
      if (open == 0) connections_by_address.erase(address);
      return false;
    }
    ++open;
    return true;
  }
  void give_place_back(const std::string& address) {
    std::lock_guard lock(addresses_mutex);
    if (const auto it = connections_by_address.find(address);
        it != connections_by_address.end() && --it->second == 0)
      connections_by_address.erase(it);
  }

  Shared(Service& s, const ServerConfig& c, const std::function<void(const std::string&)>& l)
      : service(s), config(c), log(l), workers(static_cast<std::size_t>(c.workers)) {}
};

// The Date header, formatted once a second per thread rather than once a response.
const std::string& http_date_now() {
  thread_local std::time_t second = 0;
  thread_local std::string text;
  const auto now = std::time(nullptr);
  if (now != second) {
    second = now;
    text = http_date(now);
  }
  return text;
}

void append_number(std::string& out, std::size_t n) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `address` has been counted by Shared::take_place.
  Session(Stream::socket_type&& socket, Shared& shared, std::string address)
      : stream_(std::move(socket)),
        shared_(shared),
        address_(std::move(address)),
        reader_(shared.service, shared.config.limits) {
    ++shared_.service.metrics().open_connections;
  }
  ~Session() {
    --shared_.service.metrics().open_connections;
    shared_.give_place_back(address_);
    std::lock_guard lock(shared_.sessions_mutex);
    shared_.sessions.erase(this);
  }

  void run() {
    {
      std::lock_guard lock(shared_.sessions_mutex);
      shared_.sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read_request, shared_from_this()));
  }

  // Finishes the requests received whole (their answers go with Connection: close) and cuts
  // the connection now when it has none: idle, or in the middle of sending one.
  void drain() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if ((self->reading_ && self->queue_.empty()) || self->lingering_) self->cut();
    });
  }

 private:
  // An answer as it goes on the wire: the status line and headers, then the body's bytes, sent
  // with one gather write. The head is written by hand rather than by Beast's serializer: for a
  // feed it is the only per-request work left, and this is several times cheaper.
  struct Outgoing {
    Response source;  // owns the body bytes
    std::string head;
    bool close = false;
  };

  const ServerConfig& config() const { return shared_.config; }

  void read_request() {
    auto& parser = reader_.start();
    reading_ = true;
    // A connection that has not yet sent one whole header gets a short deadline for it, so that
    // silent connections give their place back soon.
    stream_.expires_after(had_header_
                              ? config().read_timeout
                              : std::min(config().first_header_timeout, config().read_timeout));
    http::async_read_header(stream_, buffer_, parser,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    had_header_ = true;
    auto next = reader_.on_header();
    const auto& header = reader_.parser().get();
    if (next.answer) {
      reading_ = false;
      unread_body_ = next.close && !reader_.parser().is_done();
      enqueue(std::move(*next.answer), header.keep_alive() && !next.close, header.version());
      return;
    }
    if (next.send_continue) {
      static const std::string continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(continue_line),
                       [self = shared_from_this()](beast::error_code write_error, std::size_t) {
                         if (write_error) return;
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(config().read_timeout);
    http::async_read(stream_, buffer_, reader_.parser(),
                     beast::bind_front_handler(&Session::on_request, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    reading_ = false;
    // A timeout has closed the socket already; end of stream and aborts need no answer.
    if (ec == http::error::end_of_stream) return close();
    if (auto answer = reader_.on_error(ec)) {
      unread_body_ = true;
      enqueue(std::move(*answer), false, 11);
    }
  }

  void on_request(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    reading_ = false;
    const auto& message = reader_.parser().get();
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();
    auto& request = reader_.request();
    if (!Service::takes_long(request)) {
      enqueue(shared_.service.handle(request, reader_.admission()), keep_alive, version);
      return;
    }
    // The next request is read only once this one is answered, so responses stay in order.
    net::post(shared_.workers, [self = shared_from_this(), request = std::move(request),
                                admission = reader_.admission(), keep_alive, version]() mutable {
      auto response = self->shared_.service.handle(request, admission);
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response), keep_alive, version]() mutable {
                  self->enqueue(std::move(response), keep_alive, version);
                });
    });
  }

  void enqueue(Response response, bool keep_alive, unsigned version) {
    std::unique_ptr<Outgoing> out;
    if (spare_.empty()) {
      out = std::make_unique<Outgoing>();
    } else {
      out = std::move(spare_.back());
      spare_.pop_back();
    }
    out->close = !keep_alive || shared_.draining;
    out->source = std::move(response);
    const int status = out->source.status;
    auto& head = out->head;
    head.clear();
    head.reserve(400);
    head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_number(head, static_cast<unsigned>(status));
    head += ' ';
    const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
    head.append(reason.data(), reason.size());
    head += "\r\nServer: mentorcald/" MENTORCAL_VERSION "\r\nDate: ";
    head += http_date_now();
    head += "\r\n";
    if (out->source.formatted_headers) head += *out->source.formatted_headers;
    for (const auto& [name, value] : out->source.headers) {
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    }
    if (status != 304 && status >= 200 && status != 204) {
      head += "Content-Length: ";
      append_number(head, out->source.body->size());
      head += "\r\n";
    }
    if (out->close)
      head += "Connection: close\r\n";
    else if (version == 10)
      head += "Connection: keep-alive\r\n";
    head += "\r\n";
    closing_ = closing_ || out->close;

    queue_.push_back(std::move(out));
    if (queue_.size() == 1) write_front();
    if (!closing_ && queue_.size() < config().pipeline_limit) read_request();
  }

  void write_front() {
    stream_.expires_after(config().read_timeout);
    const auto& out = *queue_.front();
    const std::array<net::const_buffer, 2> buffers = {
        net::buffer(out.head),
        out.source.omit_body ? net::const_buffer() : net::buffer(*out.source.body)};
    net::async_write(stream_, buffers,
                     beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return;
    const bool was_full = queue_.size() >= config().pipeline_limit;
    if (queue_.front()->close) return unread_body_ ? linger() : close();
    // Kept for the next answer, with its head's capacity; its body is let go now.
    queue_.front()->source = Response();
    spare_.push_back(std::move(queue_.front()));
    queue_.pop_front();
    if (!queue_.empty())
      write_front();
    else if (shared_.draining && reading_)
      return cut();  // what was received whole is answered; the next request is not awaited
    if (was_full && !reading_ && !closing_) read_request();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  void cut() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  // Closes after an answer sent before the body it refused: the bytes the client still sends are
  // read and dropped for a moment (at most kLingerBytes, for kLinger), since closing a socket
  // with unread bytes sends a reset, which can make the client lose the answer. Nothing is kept.
  void linger() {
    close();
    lingering_ = true;
    stream_.expires_after(kLinger);
    discard(0);
  }

  void discard(std::size_t so_far) {
    thread_local std::array<char, 16 * 1024> dropped;
    stream_.async_read_some(net::buffer(dropped), [self = shared_from_this(), so_far](
                                                      beast::error_code ec, std::size_t n) {
      if (!ec && so_far + n < kLingerBytes) return self->discard(so_far + n);
      self->cut();
    });
  }

  static constexpr std::chrono::seconds kLinger{2};
  static constexpr std::size_t kLingerBytes = 1024 * 1024;

  Stream stream_;
  Shared& shared_;
  std::string address_;  // the client's, for the cap per address
  beast::flat_buffer buffer_;
  RequestReader reader_;
  std::deque<std::unique_ptr<Outgoing>> queue_;
  std::vector<std::unique_ptr<Outgoing>> spare_;  // answers sent, to be reused
  bool reading_ = false;                          // a read of a request is in flight
  bool closing_ = false;                          // a response with Connection: close is queued
  bool had_header_ = false;                       // a whole request header has come
  bool unread_body_ = false;  // the closing answer was sent before a body that is not read
  bool lingering_ = false;    // see linger()
};

// Accepts on the first I/O thread's io_context and hands connections to the threads in turn.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(std::vector<std::unique_ptr<net::io_context>>& contexts, Shared& shared)
      : contexts_(contexts), acceptor_(*contexts.front()), shared_(shared) {}

  bool open(const tcp::endpoint& endpoint, beast::error_code& ec) {
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    return !ec;
  }
  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void accept() {
    auto& next = *contexts_[next_++ % contexts_.size()];
    acceptor_.async_accept(next,
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->acceptor_.close(ignored);
    });
  }

 private:
  void on_accept(beast::error_code ec, Stream::socket_type socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      auto& metrics = shared_.service.metrics();
      beast::error_code peer_error;
      auto address = socket.remote_endpoint(peer_error).address().to_string();
      // At a cap: a short answer without blocking, then close, so that a flood costs one accept
      // each and the connections already open keep their service. The cap per address keeps
      // one address from taking every place under the global one.
      if (peer_error ||
          metrics.open_connections.load() >=
              static_cast<std::int64_t>(shared_.config.max_connections) ||
          !shared_.take_place(address)) {
        ++metrics.refused_connections;
        static const std::string busy =
            "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        beast::error_code ignored;
        socket.non_blocking(true, ignored);
        socket.write_some(net::buffer(busy), ignored);
        socket.close(ignored);
      } else {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), shared_, std::move(address))->run();
      }
    }
    accept();
  }

  std::vector<std::unique_ptr<net::io_context>>& contexts_;
  net::basic_socket_acceptor<tcp, Executor> acceptor_;
  Shared& shared_;
  std::size_t next_ = 0;
};

}  // namespace

int serve(Service& service, const ServerConfig& config,
          const std::function<void(const std::string&)>& log) {
  // Sessions refer to `shared` until the io_context that holds them is destroyed: it goes first.
  Shared shared(service, config, log);
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (int i = 0; i < std::max(config.io_threads, 1); ++i)
    contexts.push_back(std::make_unique<net::io_context>(1));
  auto& ioc = *contexts.front();
  // The other threads have nothing to do until a connection comes: keep them running until the
  // drain is over.
  std::vector<net::executor_work_guard<Executor>> idle;
  for (std::size_t i = 1; i < contexts.size(); ++i)
    idle.push_back(net::make_work_guard(*contexts[i]));
  const auto stop_all = [&] {
    for (auto& c : contexts) c->stop();
  };

  beast::error_code ec;
  const auto address = net::ip::make_address(config.address, ec);
  auto listener = std::make_shared<Listener>(contexts, shared);
  if (ec || !listener->open({address, config.port}, ec)) {
    log("cannot listen on " + config.address + ":" + std::to_string(config.port) + ": " +
        ec.message());
    return 1;
  }
  const auto bound = listener->local_endpoint();
  log("listening on " + bound.address().to_string() + ":" + std::to_string(bound.port()));
  listener->accept();

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  net::steady_timer drain_deadline(ioc);
  std::atomic<bool> drain_timed_out{false};
  net::steady_timer drain_check(ioc);
  std::function<void()> check_drained = [&] {
    drain_check.expires_after(std::chrono::milliseconds(20));
    drain_check.async_wait([&](beast::error_code wait_error) {
      if (wait_error) return;
      std::lock_guard lock(shared.sessions_mutex);
      if (shared.sessions.empty()) {
        drain_deadline.cancel();
        for (auto& guard : idle) guard.reset();
        return;
      }
      check_drained();
    });
  };
  signals.async_wait([&](beast::error_code wait_error, int signal) {
    if (wait_error) return;
    log(std::string("received ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") +
        ": draining, no new connections");
    shared.draining = true;
    service.finish_passes_early();
    listener->stop();
    std::vector<std::shared_ptr<Session>> open;
    {
      std::lock_guard lock(shared.sessions_mutex);
      for (const auto& [key, session] : shared.sessions)
        if (auto s = session.lock()) open.push_back(std::move(s));
    }
    for (const auto& s : open) s->drain();
    drain_deadline.expires_after(config.drain_timeout);
    drain_deadline.async_wait([&](beast::error_code deadline_error) {
      if (deadline_error) return;
      log("drain timeout: closing the connections still open");
      drain_timed_out = true;
      stop_all();
    });
    check_drained();
  });

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts.size(); ++i)
    threads.emplace_back([&context = *contexts[i]] { context.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  if (drain_timed_out) {
    // A worker may still be rendering a large pass's feeds, which nothing can interrupt. Its
    // transaction is not committed, so it was never acknowledged: leave without waiting.
    log("stopped, abandoning work still running");
    std::_Exit(0);
  }
  shared.workers.join();
  log("stopped");
  return 0;
}

}  // namespace mentorcal::daemon
