#include "assignment.hpp"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cassert>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <queue>
#include <stdexcept>
#include <utility>

namespace mentorcal::matching {
namespace {

constexpr long long kUnreached = std::numeric_limits<long long>::max();

// A cost in the flow that settles ties as it goes: the assignment's own cost first, then the
// weight settling ties gives it (zero while ties are any), compared in that order. Optimality
// under this order is optimality of the first term, and among those optima of the second: the
// settled optimum, with potentials of the same two terms to prove it.
struct Cost {
  long long own = 0;
  long long tie = 0;
  friend Cost operator+(Cost a, Cost b) { return {a.own + b.own, a.tie + b.tie}; }
  friend Cost operator-(Cost a, Cost b) { return {a.own - b.own, a.tie - b.tie}; }
  friend Cost operator-(Cost a) { return {-a.own, -a.tie}; }
  friend auto operator<=>(const Cost&, const Cost&) = default;
};
constexpr Cost kFar{kUnreached, kUnreached};

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
  int max_score = 0;

  // What settling ties weighs mentee e's pair of cost `cost`, or their being left out: their
  // cost, max_score - score or max_score + 1, times n - e, so that earlier mentees weigh more.
  long long tie_of_pair(std::size_t e, long long cost) const {
    return static_cast<long long>(n - e) * cost;
  }
  long long tie_of_direct(std::size_t e) const { return tie_of_pair(e, max_score + 1LL); }

  explicit Network(const AssignmentProblem& problem)
      : n(problem.mentees),
        m(problem.places.size()),
        sink(n + m),
        unmatched((static_cast<long long>(problem.max_score) + 1) *
                  (static_cast<long long>(n) + 1)),
        first(n + 1, 0),
        out(problem.edges.size()),
        first_in(m + 1, 0),
        in(problem.edges.size()),
        max_score(problem.max_score) {
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

// The assignment `mentor_of` (-1 for left out), with potentials that prove it
// (`cheapest_entries`) from the optimal duals `dual` of the same network.
Assignment assignment_of(const Network& net, const AssignmentProblem& problem,
                         std::vector<int> mentor_of, std::vector<long long> dual) {
  std::vector<int> load(net.m, 0);
  for (const auto k : mentor_of)
    if (k >= 0) ++load[static_cast<std::size_t>(k)];
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

// The pairs of a solved flow: per mentee, their mentor or -1.
std::vector<int> pairs_of(const Network& net, const Simplex& solved) {
  std::vector<int> mentor_of(net.n, -1);
  for (std::size_t e = 0; e < net.n; ++e)
    for (auto k = net.first[e]; k < net.first[e + 1]; ++k)
      if (solved.flow(lemon::SmartDigraph::arcFromId(static_cast<int>(k))) > 0)
        mentor_of[e] = static_cast<int>(net.out[k].first);
  return mentor_of;
}

// The tie flow's potentials, as the second term of the settled optimum's duals (Repair), each
// connected part of its network shifted so that its highest is zero. The network simplex gives
// a node its artificial root's price (about half the range of a long long) when no arc links it
// to the sink; the arcs between parts are priced away from zero in the first term, so no shift
// of a part changes what its potentials prove, and shifted they differ by no more than the
// part's own paths.
std::vector<long long> tie_potentials(const lemon::SmartDigraph& graph, const Simplex& tied) {
  const auto nodes = static_cast<std::size_t>(graph.nodeNum());
  std::vector<std::size_t> parent(nodes);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  const auto root = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (lemon::SmartDigraph::ArcIt arc(graph); arc != lemon::INVALID; ++arc)
    parent[root(static_cast<std::size_t>(graph.id(graph.source(arc))))] =
        root(static_cast<std::size_t>(graph.id(graph.target(arc))));
  std::vector<long long> potential(nodes);
  std::vector<long long> highest(nodes, std::numeric_limits<long long>::min());
  for (std::size_t v = 0; v < nodes; ++v) {
    potential[v] = tied.potential(lemon::SmartDigraph::nodeFromId(static_cast<int>(v)));
    highest[root(v)] = std::max(highest[root(v)], potential[v]);
  }
  for (std::size_t v = 0; v < nodes; ++v) potential[v] -= highest[root(v)];
  return potential;
}

// Ties, among all optima: the flows the optimal duals price at zero are exactly the optimal
// ones (complementary slackness), so a second flow over them alone settles ties, favouring
// mentees earlier in the problem: mentee i's cost, max_score - score for a pair or
// max_score + 1 for being left out, weighs n - i there. That flow's network holds only the
// arcs priced at zero: an arc priced below zero is full in every optimum, so its units move
// into the supplies; one priced above zero is empty in every optimum.
Assignment settled(const Network& net, const AssignmentProblem& problem,
                   const Assignment& optimum) {
  const auto& dual = optimum.flow_dual;
  if (dual.size() != net.sink + 1)
    throw std::invalid_argument("settle_ties: the optimum is of another problem");
  lemon::SmartDigraph graph;
  graph.reserveNode(static_cast<int>(net.sink + 1));
  for (std::size_t v = 0; v <= net.sink; ++v) graph.addNode();
  const auto node = [](std::size_t v) {
    return lemon::SmartDigraph::nodeFromId(static_cast<int>(v));
  };
  lemon::SmartDigraph::NodeMap<int> supply(graph, 0);
  for (std::size_t e = 0; e < net.n; ++e) supply[node(e)] = 1;
  supply[node(net.sink)] = -static_cast<int>(net.n);
  std::vector<int> upper;
  std::vector<long long> weight;
  std::vector<std::pair<std::uint32_t, int>> pair_of;  // per arc: its mentee and mentor, or -1
  std::vector<int> mentor_of(net.n, -1);
  // The arc from -> to of `capacity` units at `cost`, weighing `tie` in this flow; true when
  // it is full in every optimum.
  const auto add = [&](std::size_t from, std::size_t to, int capacity, long long cost,
                       long long tie, int mentor) {
    const auto reduced = cost + dual[from] - dual[to];
    if (reduced > 0 || capacity == 0) return false;
    if (reduced < 0) {
      supply[node(from)] -= capacity;
      supply[node(to)] += capacity;
      return true;
    }
    graph.addArc(node(from), node(to));
    upper.push_back(capacity);
    weight.push_back(tie);
    pair_of.push_back({static_cast<std::uint32_t>(from), mentor});
    return false;
  };
  for (std::size_t e = 0; e < net.n; ++e) {
    for (auto k = net.first[e]; k < net.first[e + 1]; ++k) {
      const auto [mentor, cost] = net.out[k];
      if (add(e, net.n + mentor, 1, cost, net.tie_of_pair(e, cost), static_cast<int>(mentor)))
        mentor_of[e] = static_cast<int>(mentor);
    }
    add(e, net.sink, 1, net.unmatched, net.tie_of_direct(e), -1);
  }
  for (std::size_t k = 0; k < net.m; ++k) add(net.n + k, net.sink, problem.places[k], 0, 0, -1);

  lemon::SmartDigraph::ArcMap<int> capacity(graph);
  lemon::SmartDigraph::ArcMap<long long> tie(graph);
  for (std::size_t a = 0; a < upper.size(); ++a) {
    const auto arc = lemon::SmartDigraph::arcFromId(static_cast<int>(a));
    capacity[arc] = upper[a];
    tie[arc] = weight[a];
  }
  Simplex tied(graph);
  tied.upperMap(capacity).costMap(tie).supplyMap(supply);
  if (tied.run() != Simplex::OPTIMAL)
    throw std::logic_error("assign: the optimal flows admit no flow");
  for (std::size_t a = 0; a < pair_of.size(); ++a)
    if (pair_of[a].second >= 0 &&
        tied.flow(lemon::SmartDigraph::arcFromId(static_cast<int>(a))) > 0)
      mentor_of[pair_of[a].first] = pair_of[a].second;
  auto result = assignment_of(net, problem, std::move(mentor_of), dual);
  result.tie_dual = tie_potentials(graph, tied);
  return result;
}

// An optimum brought up to date after edges were added or places taken away, by successive
// shortest paths. The pairs the change leaves without proof (a new edge priced below zero, a
// pair whose edge is gone, a mentee over their mentor's places) are undone; every other arc keeps
// its reduced cost's sign, so the flow still satisfies the optimality conditions, only not yet
// every supply. Each undone mentee's unit is then routed to where a unit is missing (their old
// mentor, or the sink) along a cheapest residual path: one Dijkstra on reduced costs, after which
// the potentials are moved by the distances so that every residual arc stays at or above zero.
// A path is short when little changed: a new edge priced -r below zero lets the undone mentee
// go back to where they were at r, so the search looks only at what costs less than that.
// When `settle`, costs and potentials are Costs of both terms, and from a settled start the
// repaired flow is settled too: no second flow is needed, and what did not change stays put.
class Repair {
 public:
  Repair(const Network& net, const std::vector<int>& places, bool settle)
      : net_(net),
        places_(places),
        settle_(settle),
        dist_(net.sink + 1, kFar),
        pred_(net.sink + 1, 0),
        via_cost_(net.sink + 1, 0),
        done_(net.sink + 1, 0) {}

  // Takes `start`'s pairs and duals and undoes the pairs they no longer prove; false when
  // `start` is not of this network's shape or its duals do not fit its own pairs (or, when
  // settling, it has no duals for the ties).
  bool start_from(const Assignment& start) {
    const auto n = net_.n;
    if (start.mentor_of.size() != n || start.flow_dual.size() != net_.sink + 1) return false;
    if (settle_ && start.tie_dual.size() != net_.sink + 1) return false;
    potential_.resize(net_.sink + 1);
    for (std::size_t v = 0; v <= net_.sink; ++v)
      potential_[v] = {start.flow_dual[v], settle_ ? start.tie_dual[v] : 0};
    mentor_of_.assign(n, kUnrouted);
    cost_of_.assign(n, 0);
    assigned_.assign(net_.m, {});
    for (std::size_t j = 0; j < n; ++j) {
      const auto k = start.mentor_of[j];
      if (k < -1 || k >= static_cast<int>(net_.m)) return false;
      if (k == -1) {
        mentor_of_[j] = kDirect;
        continue;
      }
      for (auto a = net_.first[j]; a < net_.first[j + 1]; ++a)
        if (static_cast<int>(net_.out[a].first) == k) {
          mentor_of_[j] = k;
          cost_of_[j] = net_.out[a].second;
          assigned_[static_cast<std::size_t>(k)].push_back(static_cast<std::uint32_t>(j));
          break;
        }
    }
    for (std::size_t k = 0; k < net_.m; ++k)
      while (assigned_[k].size() > static_cast<std::size_t>(places_[k])) {
        mentor_of_[assigned_[k].back()] = kUnrouted;
        assigned_[k].pop_back();
      }
    // A mentor's arc to the sink carries their load: its reduced cost must be at or below
    // zero when it carries any, at or above when it has room. Below zero, it stays full even
    // when mentees leave (a unit is then missing at the mentor); at zero it carries what is left.
    to_sink_.assign(net_.m, 0);
    std::vector<Cost> to_sink_rc(net_.m);
    for (std::size_t k = 0; k < net_.m; ++k) {
      to_sink_rc[k] = rc(net_.n + k, net_.sink, {});
      const auto load = static_cast<int>(assigned_[k].size());
      if ((to_sink_rc[k] > Cost{} && load > 0) || (to_sink_rc[k] < Cost{} && load < places_[k]))
        return false;
    }
    for (std::size_t j = 0; j < n; ++j)
      if (mentor_of_[j] != kUnrouted && !proved(j)) undo(j);
    sink_deficit_ = static_cast<long long>(n);
    for (std::size_t k = 0; k < net_.m; ++k) {
      to_sink_[k] = to_sink_rc[k] < Cost{} ? places_[k] : static_cast<int>(assigned_[k].size());
      sink_deficit_ -= to_sink_[k];
    }
    sink_deficit_ -= std::count(mentor_of_.begin(), mentor_of_.end(), kDirect);
    return true;
  }

  std::size_t undone() const {
    return static_cast<std::size_t>(std::count(mentor_of_.begin(), mentor_of_.end(), kUnrouted));
  }

  // Routes every mentee undone, in order, and returns the pairs (-1 for left out); nullopt once
  // the searches have looked at more than `budget` nodes and arcs.
  std::optional<std::vector<int>> route(std::size_t budget) {
    budget_ = budget;
    for (std::size_t j = 0; j < net_.n; ++j)
      if (mentor_of_[j] == kUnrouted && !reroute(j)) return std::nullopt;
    std::vector<int> pairs(mentor_of_);
    std::replace(pairs.begin(), pairs.end(), kDirect, -1);
    return pairs;
  }

  // The potentials: of the assignment's own cost, and (when settling) of the ties.
  std::vector<long long> potential() const { return term(&Cost::own); }
  std::vector<long long> tie_potential() const { return term(&Cost::tie); }

 private:
  static constexpr int kDirect = -1;    // left out: the unit goes straight to the sink
  static constexpr int kUnrouted = -2;  // undone, to be routed again

  std::vector<long long> term(long long Cost::*which) const {
    std::vector<long long> out;
    out.reserve(potential_.size());
    for (const auto& p : potential_) out.push_back(p.*which);
    return out;
  }

  // Mentee j's arcs: to a mentor at `cost`, and straight to the sink.
  Cost pair_cost(std::size_t j, long long cost) const {
    return {cost, settle_ ? net_.tie_of_pair(j, cost) : 0};
  }
  Cost direct_cost(std::size_t j) const {
    return {net_.unmatched, settle_ ? net_.tie_of_direct(j) : 0};
  }

  Cost rc(std::size_t from, std::size_t to, Cost cost) const {
    return cost + potential_[from] - potential_[to];
  }

  // Whether mentee j's arcs keep their optimality conditions: the arc carrying their unit at or
  // below zero, every other at or above.
  bool proved(std::size_t j) const {
    const auto here = mentor_of_[j];
    const auto direct = rc(j, net_.sink, direct_cost(j));
    if (here == kDirect ? direct > Cost{} : direct < Cost{}) return false;
    for (auto a = net_.first[j]; a < net_.first[j + 1]; ++a) {
      const auto [k, cost] = net_.out[a];
      const auto r = rc(j, net_.n + k, pair_cost(j, cost));
      if (static_cast<int>(k) == here ? r > Cost{} : r < Cost{}) return false;
    }
    return true;
  }

  void undo(std::size_t j) {
    if (const auto k = mentor_of_[j]; k >= 0) {
      auto& list = assigned_[static_cast<std::size_t>(k)];
      list.erase(std::find(list.begin(), list.end(), static_cast<std::uint32_t>(j)));
    }
    mentor_of_[j] = kUnrouted;
  }

  // A unit is missing at the sink, or at a mentor whose arc to the sink carries more than
  // reaches them.
  bool short_of_a_unit(std::size_t v) const {
    if (v == net_.sink) return sink_deficit_ > 0;
    if (v < net_.n) return false;
    const auto k = v - net_.n;
    return to_sink_[k] > static_cast<int>(assigned_[k].size());
  }

  // `cost` is the arc's cost, its own term kept as the pair's cost when it is taken.
  void relax(std::size_t from, std::size_t to, Cost cost) {
    const auto reduced = rc(from, to, cost);
    assert(reduced >= Cost{} && "a residual arc below zero");
    ++work_;
    if (done_[to]) return;
    const auto d = dist_[from] + reduced;
    if (d >= dist_[to]) return;
    if (dist_[to] == kFar) touched_.push_back(to);
    dist_[to] = d;
    pred_[to] = static_cast<std::uint32_t>(from);
    via_cost_[to] = cost.own;
    if (reduced == Cost{} && short_of_a_unit(to)) found_ = to;  // as near as the nearest: take it
    queue_.push({d, to});
  }

  void expand(std::size_t u) {
    const auto sink = net_.sink;
    if (u < net_.n) {
      for (auto a = net_.first[u]; a < net_.first[u + 1]; ++a) {
        const auto [k, cost] = net_.out[a];
        if (static_cast<int>(k) != mentor_of_[u]) relax(u, net_.n + k, pair_cost(u, cost));
      }
      if (mentor_of_[u] != kDirect) relax(u, sink, direct_cost(u));
    } else if (u < sink) {
      const auto k = u - net_.n;
      for (const auto v : assigned_[k]) relax(u, v, -pair_cost(v, cost_of_[v]));
      if (to_sink_[k] < places_[k]) relax(u, sink, {});
    } else {
      work_ += net_.n + net_.m;
      for (std::size_t k = 0; k < net_.m; ++k)
        if (to_sink_[k] > 0) relax(u, net_.n + k, {});
      for (std::size_t v = 0; v < net_.n; ++v)
        if (mentor_of_[v] == kDirect) relax(u, v, -direct_cost(v));
    }
  }

  // Moves one unit along the residual arc from -> to.
  void push(std::size_t from, std::size_t to) {
    const auto sink = net_.sink;
    if (from < net_.n) {
      if (to == sink) {
        mentor_of_[from] = kDirect;
        --sink_deficit_;
      } else {
        mentor_of_[from] = static_cast<int>(to - net_.n);
        cost_of_[from] = via_cost_[to];
        assigned_[to - net_.n].push_back(static_cast<std::uint32_t>(from));
      }
    } else if (from < sink) {
      const auto k = from - net_.n;
      if (to == sink) {
        ++to_sink_[k];
        --sink_deficit_;
      } else {
        auto& list = assigned_[k];
        list.erase(std::find(list.begin(), list.end(), static_cast<std::uint32_t>(to)));
      }
    } else {
      // Back from the sink: a mentee left out, or a mentor's unit to the sink, undone (the
      // mentee's own next arc on the path says where their unit goes now).
      if (to >= net_.n) --to_sink_[to - net_.n];
      ++sink_deficit_;
    }
  }

  // Sends undone mentee j's unit along a cheapest residual path to where one is missing; false
  // when over the budget.
  bool reroute(std::size_t j) {
    // j carries no unit, so nothing enters it: its potential is free, and set as high as its
    // arcs allow, one of them at zero.
    auto highest = potential_[net_.sink] - direct_cost(j);
    for (auto a = net_.first[j]; a < net_.first[j + 1]; ++a)
      highest = std::max(highest,
                         potential_[net_.n + net_.out[a].first] - pair_cost(j, net_.out[a].second));
    potential_[j] = highest;

    dist_[j] = {};
    touched_.push_back(j);
    queue_.push({Cost{}, j});
    std::size_t target = net_.sink + 1;
    while (!queue_.empty()) {
      const auto [d, u] = queue_.top();
      queue_.pop();
      if (done_[u] || d != dist_[u]) continue;
      done_[u] = 1;
      settled_.push_back(u);
      if (short_of_a_unit(u)) {
        target = u;
        break;
      }
      if (work_ > budget_) return false;
      expand(u);
      if (found_ <= net_.sink) {
        done_[found_] = 1;
        settled_.push_back(found_);
        target = found_;
        break;
      }
    }
    if (target > net_.sink) throw std::logic_error("assign: a unit found nowhere to go");
    const auto reach = dist_[target];
    for (const auto v : settled_) potential_[v] = potential_[v] + dist_[v] - reach;
    for (auto v = target; v != j; v = pred_[v]) push(pred_[v], v);
    for (const auto v : touched_) {
      dist_[v] = kFar;
      done_[v] = 0;
    }
    touched_.clear();
    settled_.clear();
    found_ = net_.sink + 1;
    queue_ = {};
    return true;
  }

  const Network& net_;
  const std::vector<int>& places_;
  bool settle_;
  std::vector<Cost> potential_;                       // per node
  std::vector<int> mentor_of_;                        // per mentee: mentor, kDirect or kUnrouted
  std::vector<long long> cost_of_;                    // per mentee: the cost of their pair
  std::vector<std::vector<std::uint32_t>> assigned_;  // per mentor: their mentees
  std::vector<int> to_sink_;    // per mentor: the flow on their arc to the sink
  long long sink_deficit_ = 0;  // units the sink still misses
  // The search, reset after each path.
  std::vector<Cost> dist_;
  std::vector<std::uint32_t> pred_;
  std::vector<long long> via_cost_;  // the cost of the arc into each node
  std::vector<char> done_;
  std::vector<std::size_t> touched_;
  std::vector<std::size_t> settled_;
  std::size_t found_ = SIZE_MAX;  // a node short of a unit, reached at the least distance
  std::size_t work_ = 0;          // nodes and arcs looked at, by all searches
  std::size_t budget_ = 0;
  using Entry = std::pair<Cost, std::size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
};

}  // namespace

// A min-cost flow solved by LEMON's network simplex (COIN-OR LEMON, Debian liblemon-dev): every
// mentee supplies one unit, which reaches the sink through a mentor (at most their places) or
// straight (left out). Its optimum is the most mentees matched, then the highest total score.
// From `start`, `Repair` brings that optimum up to date instead, when little changed.
Assignment assign(const AssignmentProblem& problem, Ties ties, const Assignment* start) {
  const Network net(problem);
  // Repairing is worth it while few pairs are undone: each undone mentee's search can look at
  // much of the graph, and the network simplex solves it whole in about the time searches take
  // to look at every arc a few times. Past either bound the flow is solved from scratch.
  // From a settled start the repair settles ties as it goes (for `any` too: no optimum comes
  // quicker), and may look further: a search then reaches every node nearer in both terms than
  // where its unit goes, and the arcs priced at zero in the first are most of the network; but
  // from scratch would take two flows.
  const bool settle = start != nullptr && !start->tie_dual.empty();
  const auto few = std::max<std::size_t>(64, net.n / 16);
  const auto budget =
      std::max<std::size_t>(1 << 16, problem.edges.size() + net.n + net.m) * (settle ? 16 : 1);
  Repair repair(net, problem.places, settle);
  std::optional<std::vector<int>> pairs;
  if (start != nullptr && repair.start_from(*start) && repair.undone() <= few)
    pairs = repair.route(budget);
  std::vector<long long> dual;
  if (pairs && settle) {
    auto result = assignment_of(net, problem, std::move(*pairs), repair.potential());
    result.tie_dual = repair.tie_potential();
    return result;
  }
  if (pairs) {
    dual = repair.potential();
  } else {
    FlowGraph flow(net, problem);
    Simplex simplex(flow.graph);
    simplex.upperMap(flow.capacity).costMap(flow.cost).supplyMap(flow.supply);
    if (simplex.run() != Simplex::OPTIMAL)
      throw std::logic_error("assign: the network simplex found no optimum");
    dual.resize(net.sink + 1);
    for (std::size_t v = 0; v <= net.sink; ++v) dual[v] = simplex.potential(flow.node(v));
    pairs = pairs_of(net, simplex);
  }
  auto optimum = assignment_of(net, problem, std::move(*pairs), std::move(dual));
  return ties == Ties::settled ? settled(net, problem, optimum) : optimum;
}

Assignment settle_ties(const AssignmentProblem& problem, const Assignment& optimum) {
  return settled(Network(problem), problem, optimum);
}

}  // namespace mentorcal::matching
