#include "assignment.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <queue>
#include <tuple>
#include <utility>

namespace mentorcal::matching {

// Successive shortest paths with a source per mentee. Boost.Graph's
// successive_shortest_path_nonnegative_weights augments from one source with a Dijkstra over the
// whole graph each time, and cannot stop early; here each mentee's Dijkstra stops at the first
// mentor with a free place (usually one or two steps away), which is what makes 30,000 mentees
// cheap. Costs are max_score - score for a pair and `unmatched` for a mentee left out, so that
// every cost is non-negative and one more mentee matched outweighs any sum of scores.
//
// Nodes: mentees [0, n), mentors [n, n + m), the sink n + m. Residual edges: mentee -> mentor for
// a candidate not in use; mentor -> mentee for one in use (cost negated); mentor -> sink while
// the mentor has a place; mentee -> sink (unmatched) for a mentee assigned to a mentor. A mentee
// left unmatched is never reached again: nothing leads into it.
Assignment assign(const AssignmentProblem& problem) {
  const std::size_t n = problem.mentees;
  const std::size_t m = problem.places.size();
  const std::size_t sink = n + m;
  const long long unmatched =
      (static_cast<long long>(problem.max_score) + 1) * (static_cast<long long>(n) + 1);

  // Candidates of each mentee, contiguous.
  std::vector<std::size_t> first(n + 1, 0);
  for (const auto& e : problem.edges) ++first[e.mentee + 1];
  for (std::size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<std::pair<std::uint32_t, long long>> out(problem.edges.size());  // mentor, cost
  {
    auto next = first;
    for (const auto& e : problem.edges) {
      assert(e.score >= 0 && e.score <= problem.max_score && "score out of range");
      out[next[e.mentee]++] = {e.mentor, problem.max_score - e.score};
    }
  }

  std::vector<long long> potential(sink + 1, 0);
  std::vector<int> mentor_of(n, -1);
  std::vector<long long> cost_in_use(n, 0);  // of each matched mentee's pair
  std::vector<std::vector<std::uint32_t>> assigned(m);
  std::vector<int> load(m, 0);

  constexpr long long kUnreached = std::numeric_limits<long long>::max();
  std::vector<long long> dist(sink + 1, kUnreached);
  std::vector<std::size_t> parent(sink + 1, sink);
  std::vector<int> hops(sink + 1, 0);  // edges on the path found, the tie-break after cost
  std::vector<char> done(sink + 1, 0);
  std::vector<std::size_t> touched;
  std::vector<std::size_t> settled;
  std::vector<std::size_t> path;
  // Equal costs go to the path with fewer edges, so that a mentee matched earlier keeps their
  // mentor when a later one could take them as well at no gain; then to the lower node.
  using Entry = std::tuple<long long, int, std::size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;

  for (std::size_t source = 0; source < n; ++source) {
    const auto relax = [&](std::size_t from, std::size_t to, long long cost) {
      if (done[to]) return;
      assert(cost + potential[from] - potential[to] >= 0 && "reduced cost below zero");
      const long long d = dist[from] + cost + potential[from] - potential[to];
      const int h = hops[from] + 1;
      if (d < dist[to] ||
          (d == dist[to] && (h < hops[to] || (h == hops[to] && from < parent[to])))) {
        if (dist[to] == kUnreached) touched.push_back(to);
        dist[to] = d;
        hops[to] = h;
        parent[to] = from;
        queue.push({d, h, to});
      }
    };
    dist[source] = 0;
    hops[source] = 0;
    touched.push_back(source);
    queue.push({0, 0, source});
    while (!queue.empty()) {
      const auto [d, h, u] = queue.top();
      queue.pop();
      if (done[u] || d != dist[u] || h != hops[u]) continue;
      if (u == sink) break;
      done[u] = 1;
      settled.push_back(u);
      if (u < n) {
        for (auto k = first[u]; k < first[u + 1]; ++k) {
          const auto mentor = out[k].first;
          if (static_cast<int>(mentor) != mentor_of[u]) relax(u, n + mentor, out[k].second);
        }
        // Leaving the mentee unmatched: the source, or a mentee whose flow goes through a mentor.
        if (u == source || mentor_of[u] >= 0) relax(u, sink, unmatched);
      } else {
        const auto mentor = u - n;
        if (load[mentor] < problem.places[mentor]) relax(u, sink, 0);
        for (const auto mentee : assigned[mentor]) relax(u, mentee, -cost_in_use[mentee]);
      }
    }
    while (!queue.empty()) queue.pop();
    assert(dist[sink] != kUnreached && "the source can always stay unmatched");
    const long long reach = dist[sink];
    for (const auto v : settled) potential[v] += dist[v] - reach;

    // The path source, mentor, mentee, mentor, ..., sink: flip each of its edges.
    for (std::size_t v = sink; v != source; v = parent[v]) path.push_back(v);
    path.push_back(source);
    std::reverse(path.begin(), path.end());
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      const auto u = path[k];
      const auto v = path[k + 1];
      if (u < n && v == sink) {
        mentor_of[u] = -1;  // leaves the mentor who gave them up one step before
      } else if (u < n) {
        const auto mentor = v - n;
        mentor_of[u] = static_cast<int>(mentor);
        for (auto e = first[u]; e < first[u + 1]; ++e)
          if (out[e].first == mentor) cost_in_use[u] = out[e].second;
        assigned[mentor].push_back(static_cast<std::uint32_t>(u));
        ++load[mentor];
      } else if (v < n) {
        auto& list = assigned[u - n];
        list.erase(std::find(list.begin(), list.end(), static_cast<std::uint32_t>(v)));
        --load[u - n];
      }
    }
    for (const auto t : touched) {
      dist[t] = kUnreached;
      parent[t] = sink;
      done[t] = 0;
    }
    touched.clear();
    settled.clear();
    path.clear();
  }

  Assignment result;
  result.mentor_of = std::move(mentor_of);
  result.max_score = problem.max_score;
  result.mentee_potential.assign(potential.begin(), potential.begin() + static_cast<long>(n));
  result.mentor_potential.assign(potential.begin() + static_cast<long>(n),
                                 potential.begin() + static_cast<long>(sink));
  return result;
}

}  // namespace mentorcal::matching
