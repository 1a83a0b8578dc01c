#include "assignment.hpp"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cassert>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <utility>

namespace mentorcal::matching {
namespace {

constexpr long long kUnreached = std::numeric_limits<long long>::max();

// Nodes: mentees [0, n), mentors [n, n + m), the sink n + m. Costs are max_score - score for a
// pair and `unmatched` for a mentee left out (an arc straight to the sink), so that every cost is
// non-negative and one more mentee matched outweighs any sum of scores.
struct Network {
  std::size_t n = 0;
  std::size_t m = 0;
  std::size_t sink = 0;
  long long unmatched = 0;
  // Candidates of each mentee, contiguous: mentor, cost.
  std::vector<std::size_t> first;
  std::vector<std::pair<std::uint32_t, long long>> out;
  // The same candidates by mentor: mentee, cost.
  std::vector<std::size_t> first_in;
  std::vector<std::pair<std::uint32_t, long long>> in;

  explicit Network(const AssignmentProblem& problem)
      : n(problem.mentees),
        m(problem.places.size()),
        sink(n + m),
        unmatched((static_cast<long long>(problem.max_score) + 1) *
                  (static_cast<long long>(n) + 1)),
        first(n + 1, 0),
        out(problem.edges.size()),
        first_in(m + 1, 0),
        in(problem.edges.size()) {
    for (const auto& e : problem.edges) {
      if (e.score < 0 || e.score > problem.max_score)
        throw std::invalid_argument("assign: a score out of [0, max_score]");
      ++first[e.mentee + 1];
      ++first_in[e.mentor + 1];
    }
    for (std::size_t i = 0; i < n; ++i) first[i + 1] += first[i];
    for (std::size_t k = 0; k < m; ++k) first_in[k + 1] += first_in[k];
    auto next = first;
    auto next_in = first_in;
    for (const auto& e : problem.edges) {
      const long long cost = problem.max_score - e.score;
      out[next[e.mentee]++] = {e.mentor, cost};
      in[next_in[e.mentor]++] = {e.mentee, cost};
    }
  }
};

// The potentials the proof prices left-out pairs with: pi(v) = the cheapest residual path into
// v, or 0 when none costs less. They keep every residual arc's reduced cost
// cost + pi(u) - pi(v) >= 0. Computed by one Dijkstra over the residual graph on the reduced
// costs of `dual`, optimal potentials under which no residual arc costs less than zero.
std::vector<long long> cheapest_entries(const Network& net, const std::vector<int>& mentor_of,
                                        const std::vector<int>& load,
                                        const std::vector<int>& places,
                                        const std::vector<long long>& dual) {
  const auto nodes = net.sink + 1;
  const long long highest = *std::max_element(dual.begin(), dual.end());
  std::vector<long long> reduced(nodes, kUnreached);
  std::vector<char> done(nodes, 0);
  using Entry = std::pair<long long, std::size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  for (std::size_t v = 0; v < nodes; ++v) {
    reduced[v] = highest - dual[v];  // the empty path into v
    queue.push({reduced[v], v});
  }
  // Relax the residual arc u -> v of cost `cost`, u settled.
  const auto relax = [&](std::size_t u, std::size_t v, long long cost) {
    const long long rc = cost + dual[u] - dual[v];
    assert(rc >= 0 && "the potentials leave a residual arc below zero");
    if (!done[v] && reduced[u] + rc < reduced[v]) {
      reduced[v] = reduced[u] + rc;
      queue.push({reduced[v], v});
    }
  };
  while (!queue.empty()) {
    const auto [d, u] = queue.top();
    queue.pop();
    if (done[u] || d != reduced[u]) continue;
    done[u] = 1;
    if (u < net.n) {
      // Out of a mentee: to each candidate mentor not theirs, to the sink when matched.
      for (auto k = net.first[u]; k < net.first[u + 1]; ++k)
        if (static_cast<int>(net.out[k].first) != mentor_of[u])
          relax(u, net.n + net.out[k].first, net.out[k].second);
      if (mentor_of[u] >= 0) relax(u, net.sink, net.unmatched);
    } else if (u < net.sink) {
      // Out of a mentor: to each of their mentees (the pair undone), to the sink with a place.
      const auto mentor = u - net.n;
      for (auto k = net.first_in[mentor]; k < net.first_in[mentor + 1]; ++k)
        if (mentor_of[net.in[k].first] == static_cast<int>(mentor))
          relax(u, net.in[k].first, -net.in[k].second);
      if (load[mentor] < places[mentor]) relax(u, net.sink, 0);
    } else {
      // Out of the sink: to each mentor with a mentee, to each mentee left out.
      for (std::size_t mentor = 0; mentor < net.m; ++mentor)
        if (load[mentor] > 0) relax(u, net.n + mentor, 0);
      for (std::size_t e = 0; e < net.n; ++e)
        if (mentor_of[e] < 0) relax(u, e, -net.unmatched);
    }
  }
  std::vector<long long> potential(nodes);
  for (std::size_t v = 0; v < nodes; ++v) potential[v] = reduced[v] - highest + dual[v];
  return potential;
}

using Simplex = lemon::NetworkSimplex<lemon::SmartDigraph, int, long long>;

// The network as LEMON's graph. Arc ids: the candidates in the order of net.out, then each
// mentee's arc to the sink, then each mentor's.
struct FlowGraph {
  lemon::SmartDigraph graph;
  lemon::SmartDigraph::ArcMap<int> capacity{graph};
  lemon::SmartDigraph::ArcMap<long long> cost{graph};
  lemon::SmartDigraph::NodeMap<int> supply{graph};

  FlowGraph(const Network& net, const AssignmentProblem& problem) {
    graph.reserveNode(static_cast<int>(net.sink + 1));
    graph.reserveArc(static_cast<int>(problem.edges.size() + net.n + net.m));
    for (std::size_t v = 0; v <= net.sink; ++v) supply[graph.addNode()] = 0;
    for (std::size_t e = 0; e < net.n; ++e)
      for (auto k = net.first[e]; k < net.first[e + 1]; ++k)
        add(e, net.n + net.out[k].first, 1, net.out[k].second);
    for (std::size_t e = 0; e < net.n; ++e) {
      add(e, net.sink, 1, net.unmatched);
      supply[node(e)] = 1;
    }
    for (std::size_t k = 0; k < net.m; ++k) add(net.n + k, net.sink, problem.places[k], 0);
    supply[node(net.sink)] = -static_cast<int>(net.n);
  }

  lemon::SmartDigraph::Node node(std::size_t v) const {
    return lemon::SmartDigraph::nodeFromId(static_cast<int>(v));
  }

 private:
  void add(std::size_t from, std::size_t to, int upper, long long price) {
    const auto arc = graph.addArc(node(from), node(to));
    capacity[arc] = upper;
    cost[arc] = price;
  }
};

// The assignment a solved flow carries, with potentials that prove it (`cheapest_entries`)
// from the optimal duals `dual` of the same network.
Assignment assignment_of(const Network& net, const AssignmentProblem& problem,
                         const Simplex& solved, std::vector<long long> dual) {
  std::vector<int> mentor_of(net.n, -1);
  std::vector<int> load(net.m, 0);
  for (std::size_t e = 0; e < net.n; ++e)
    for (auto k = net.first[e]; k < net.first[e + 1]; ++k)
      if (solved.flow(lemon::SmartDigraph::arcFromId(static_cast<int>(k))) > 0) {
        mentor_of[e] = static_cast<int>(net.out[k].first);
        ++load[net.out[k].first];
      }
  const auto potential = cheapest_entries(net, mentor_of, load, problem.places, dual);

  Assignment result;
  result.mentor_of = std::move(mentor_of);
  result.max_score = problem.max_score;
  result.mentee_potential.assign(potential.begin(), potential.begin() + static_cast<long>(net.n));
  result.mentor_potential.assign(potential.begin() + static_cast<long>(net.n),
                                 potential.begin() + static_cast<long>(net.sink));
  result.flow_dual = std::move(dual);
  return result;
}

// Ties, among all optima: the flows the optimal duals price at zero are exactly the optimal
// ones (complementary slackness), so a second flow over them alone settles ties, favouring
// mentees earlier in the problem: mentee i's cost, max_score - score for a pair or
// max_score + 1 for being left out, weighs n - i there.
Assignment settled(const Network& net, const AssignmentProblem& problem, FlowGraph& flow,
                   const Assignment& optimum) {
  const auto& dual = optimum.flow_dual;
  if (dual.size() != net.sink + 1)
    throw std::invalid_argument("settle_ties: the optimum is of another problem");
  auto& graph = flow.graph;
  lemon::SmartDigraph::ArcMap<int> lower(graph, 0);
  lemon::SmartDigraph::ArcMap<long long> tie(graph, 0);
  for (lemon::SmartDigraph::ArcIt arc(graph); arc != lemon::INVALID; ++arc) {
    const auto from = static_cast<std::size_t>(graph.id(graph.source(arc)));
    const auto to = static_cast<std::size_t>(graph.id(graph.target(arc)));
    const auto reduced = flow.cost[arc] + dual[from] - dual[to];
    if (reduced < 0) lower[arc] = flow.capacity[arc];
    if (reduced > 0) flow.capacity[arc] = 0;
    if (from < net.n) {
      const auto weight = static_cast<long long>(net.n - from);
      tie[arc] = weight * (to == net.sink ? problem.max_score + 1 : flow.cost[arc]);
    }
  }
  Simplex tied(graph);
  tied.lowerMap(lower).upperMap(flow.capacity).costMap(tie).supplyMap(flow.supply);
  if (tied.run() != Simplex::OPTIMAL)
    throw std::logic_error("assign: the optimal flows admit no flow");
  return assignment_of(net, problem, tied, dual);
}

}  // namespace

// A min-cost flow solved by LEMON's network simplex (COIN-OR LEMON, Debian liblemon-dev): every
// mentee supplies one unit, which reaches the sink through a mentor (at most their places) or
// straight (left out). Its optimum is the most mentees matched, then the highest total score.
Assignment assign(const AssignmentProblem& problem, Ties ties) {
  const Network net(problem);
  FlowGraph flow(net, problem);
  Simplex simplex(flow.graph);
  simplex.upperMap(flow.capacity).costMap(flow.cost).supplyMap(flow.supply);
  if (simplex.run() != Simplex::OPTIMAL)
    throw std::logic_error("assign: the network simplex found no optimum");
  std::vector<long long> dual(net.sink + 1);
  for (std::size_t v = 0; v <= net.sink; ++v) dual[v] = simplex.potential(flow.node(v));
  auto optimum = assignment_of(net, problem, simplex, std::move(dual));
  return ties == Ties::settled ? settled(net, problem, flow, optimum) : optimum;
}

Assignment settle_ties(const AssignmentProblem& problem, const Assignment& optimum) {
  const Network net(problem);
  FlowGraph flow(net, problem);
  return settled(net, problem, flow, optimum);
}

}  // namespace mentorcal::matching
