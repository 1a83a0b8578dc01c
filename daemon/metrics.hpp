// mentorcald's counters, in Prometheus text exposition format (version 0.0.4) at GET /metrics.
//
//   metrics.record_request("/feeds/{token}.ics", 200, elapsed);
//   std::string text = metrics.render();
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace mentorcal::daemon {

class Metrics {
 public:
  // `route` is the route's pattern, never the path itself: a path holds tokens.
  void record_request(std::string_view route, int status, std::chrono::nanoseconds latency);
  void record_feed(bool gzip, bool not_modified);
  void record_pass(std::chrono::nanoseconds duration, bool published);
  void record_block(std::string_view action);  // "created" or "deleted"
  // Kept by the server: connections open now, and those turned away at a cap (global or per
  // client address).
  std::atomic<std::int64_t> open_connections{0};
  std::atomic<std::uint64_t> refused_connections{0};

  std::string render() const;

 private:
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120};
  static constexpr std::array<double, 10> kPassBuckets = {0.1, 0.5, 1,   5,   10,
                                                          30,  60,  120, 300, 600};
  template <std::size_t N>
  struct Histogram {
    std::array<std::uint64_t, N> below{};  // cumulative counts are summed when rendered
    std::uint64_t count = 0;
    double sum = 0;
    void observe(const std::array<double, N>& bounds, double value);
  };

  // Per route: answers by status, and their latency. Looked up by the route's pattern without
  // building a string, since every feed request passes here.
  struct RouteCounters {
    std::map<int, std::uint64_t> by_status;
    Histogram<kLatencyBuckets.size()> latency;
  };

  // What every request counts, kept per thread and summed when rendered, so that the threads
  // serving feeds never wait for each other here. A thread keeps to one shard; threads beyond
  // kShards share them.
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    std::map<std::string, RouteCounters, std::less<>> routes;
    std::array<std::uint64_t, 4> feeds{};  // by gzip * 2 + not modified
  };
  static constexpr std::size_t kShards = 8;
  Shard& my_shard();
  std::array<Shard, kShards> shards_;

  mutable std::mutex mutex_;              // the rest: passes and blocks are rare
  std::map<bool, std::uint64_t> passes_;  // by published
  Histogram<kPassBuckets.size()> pass_duration_;
  std::map<std::string, std::uint64_t, std::less<>> blocks_;
};

}  // namespace mentorcal::daemon
