#include "metrics.hpp"

#include <atomic>
#include <sstream>

#include "mentorcal/time.hpp"

namespace mentorcal::daemon {
namespace {

double seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

template <std::size_t N>
void render_histogram(std::ostringstream& out, std::string_view name, std::string_view labels,
                      const std::array<double, N>& bounds,
                      const std::array<std::uint64_t, N>& below, std::uint64_t count, double sum) {
  const std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < N; ++i) {
    cumulative += below[i];
    out << name << "_bucket{" << prefix << "le=\"" << bounds[i] << "\"} " << cumulative << '\n';
  }
  out << name << "_bucket{" << prefix << "le=\"+Inf\"} " << count << '\n';
  const std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
  out << name << "_sum" << braces << ' ' << sum << '\n';
  out << name << "_count" << braces << ' ' << count << '\n';
}

}  // namespace

template <std::size_t N>
void Metrics::Histogram<N>::observe(const std::array<double, N>& bounds, double value) {
  for (std::size_t i = 0; i < N; ++i)
    if (value <= bounds[i]) {
      ++below[i];
      break;
    }
  ++count;
  sum += value;
}

Metrics::Shard& Metrics::my_shard() {
  static std::atomic<std::size_t> threads{0};
  thread_local const std::size_t mine = threads++ % kShards;
  return shards_[mine];
}

void Metrics::record_request(std::string_view route, int status, std::chrono::nanoseconds latency) {
  auto& shard = my_shard();
  std::lock_guard lock(shard.mutex);
  auto it = shard.routes.find(route);
  if (it == shard.routes.end())
    it = shard.routes.emplace(std::string(route), RouteCounters{}).first;
  ++it->second.by_status[status];
  it->second.latency.observe(kLatencyBuckets, seconds(latency));
}

void Metrics::record_feed(bool gzip, bool not_modified) {
  auto& shard = my_shard();
  std::lock_guard lock(shard.mutex);
  ++shard.feeds[gzip * 2 + not_modified];
}

void Metrics::record_pass(std::chrono::nanoseconds duration, bool published) {
  std::lock_guard lock(mutex_);
  ++passes_[published];
  pass_duration_.observe(kPassBuckets, seconds(duration));
}

void Metrics::record_block(std::string_view action) {
  std::lock_guard lock(mutex_);
  ++blocks_[std::string(action)];
}

std::string Metrics::render() const {
  std::map<std::string, RouteCounters, std::less<>> routes;
  std::map<std::pair<bool, bool>, std::uint64_t> feeds;  // (gzip, not modified)
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [route, counters] : shard.routes) {
      auto& sum = routes[route];
      for (const auto& [status, count] : counters.by_status) sum.by_status[status] += count;
      for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
        sum.latency.below[i] += counters.latency.below[i];
      sum.latency.count += counters.latency.count;
      sum.latency.sum += counters.latency.sum;
    }
    for (std::size_t i = 0; i < shard.feeds.size(); ++i)
      if (shard.feeds[i] != 0) feeds[{i / 2 == 1, i % 2 == 1}] += shard.feeds[i];
  }
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  // The version is read from a file: escaped as the text format asks of a label value.
  std::string version;
  for (const char c : tz_database_version()) {
    if (c == '\\' || c == '"' || c == '\n') version += '\\';
    version += c == '\n' ? 'n' : c;
  }
  out << "# HELP mentorcal_tzdata_info The tz database release in use.\n"
         "# TYPE mentorcal_tzdata_info gauge\n"
         "mentorcal_tzdata_info{version=\""
      << version << "\"} 1\n";
  out << "# HELP mentorcal_http_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE mentorcal_http_requests_total counter\n";
  for (const auto& [route, counters] : routes)
    for (const auto& [status, count] : counters.by_status)
      out << "mentorcal_http_requests_total{route=\"" << route << "\",status=\"" << status << "\"} "
          << count << '\n';
  out << "# HELP mentorcal_http_request_duration_seconds Time to answer a request, by route.\n"
         "# TYPE mentorcal_http_request_duration_seconds histogram\n";
  for (const auto& [route, counters] : routes) {
    const auto& h = counters.latency;
    render_histogram(out, "mentorcal_http_request_duration_seconds", "route=\"" + route + "\"",
                     kLatencyBuckets, h.below, h.count, h.sum);
  }
  out << "# HELP mentorcal_feeds_served_total Feeds answered, by encoding and whether the client's "
         "copy was current (304).\n"
         "# TYPE mentorcal_feeds_served_total counter\n";
  for (const auto& [key, count] : feeds)
    out << "mentorcal_feeds_served_total{encoding=\"" << (key.first ? "gzip" : "identity")
        << "\",not_modified=\"" << (key.second ? "true" : "false") << "\"} " << count << '\n';
  out << "# HELP mentorcal_passes_total Schedule passes run, by whether they were published.\n"
         "# TYPE mentorcal_passes_total counter\n";
  for (const auto& [published, count] : passes_)
    out << "mentorcal_passes_total{published=\"" << (published ? "true" : "false") << "\"} "
        << count << '\n';
  out << "# HELP mentorcal_pass_duration_seconds Time a pass took, rendering its feeds included.\n"
         "# TYPE mentorcal_pass_duration_seconds histogram\n";
  render_histogram(out, "mentorcal_pass_duration_seconds", "", kPassBuckets, pass_duration_.below,
                   pass_duration_.count, pass_duration_.sum);
  out << "# HELP mentorcal_blocks_total Blocks created and deleted.\n"
         "# TYPE mentorcal_blocks_total counter\n";
  for (const auto& [action, count] : blocks_)
    out << "mentorcal_blocks_total{action=\"" << action << "\"} " << count << '\n';
  out << "# HELP mentorcal_open_connections HTTP connections open now.\n"
         "# TYPE mentorcal_open_connections gauge\n"
         "mentorcal_open_connections "
      << open_connections.load() << '\n';
  out << "# HELP mentorcal_refused_connections_total Connections closed at once because the "
         "connection cap, or the cap per client address, was reached.\n"
         "# TYPE mentorcal_refused_connections_total counter\n"
         "mentorcal_refused_connections_total "
      << refused_connections.load() << '\n';
  return std::move(out).str();
}

}  // namespace mentorcal::daemon
