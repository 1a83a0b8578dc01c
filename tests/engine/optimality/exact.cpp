// The model. A pair's series is a rule r = (weekday, phase or monthly ordinal, start slot of the
// anchor's local day); its occurrences fall one to an ISO week of the anchor's zone. A session
// time t of a pair is an instant on the anchor's grid, on a term day, at which both parties
// could meet if nobody else had booked anything (working hours in each one's zone, busy time
// widened by each one's buffer, blackout days in each one's calendar).
//
//   x[p,r]  binary: pair p's series follows rule r            sum_r x[p,r] <= 1
//   y[p,t]  binary: pair p meets at t                         for every week w:
//                                                               sum_{t in w} y[p,t] <= sum_{r with
//                                                               an occurrence in w} x[p,r]
//   z[p,t]  binary: that meeting is held at the series time   z <= y, z <= sum_{r held at t} x
//
// So each occurrence is held (z), moved to another time of its week (y without z) or skipped
// (no y in its week): the per-occurrence states, with the occurrence named by its week. Then
//   min_held:  sum_t y[p,t] >= sum_r need(r) x[p,r]
//   overlaps:  for every person, sessions whose [start, end + buffer) intervals share a point
//              are a clique of the interval graph: at most one of them takes place
//   limits:    for every person, sum over a local day / ISO week / month of their own zone
// with pairs = sum x, skipped = sum_r n(r) x - sum_t y, moved = sum_t y - sum_t z. A rule is
// a series time only if the pair could meet at it on at least one of its dates (the product's
// rule, docs/ALGORITHM.md): a series on a day neither party works, every occurrence moved, is
// not one.
//
// Rules with the same weeks (a "shape") differ only in which occurrences can be held, so pairs
// and skips depend on the shape alone. The optimum is found in two steps per group of pairs
// that share people: first max W * pairs - skipped over shapes (x per shape, no z), which is
// small and proves the first two terms; then, with those two fixed, fewest moved over rules. In
// that step a rule whose holdable times are a subset of another's is dominated and left out.
#include "exact.hpp"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace mentorcal::optimality {
namespace {

LocalDay day_of(LocalMinute t) {
  return date::floor<date::days>(t);
}

// When one person can meet before anything is booked: their working windows as instants,
// merged where they touch, less busy time widened by the buffer and less blackout days.
class PersonTime {
 public:
  PersonTime(const Person& person, const Program& program) : person_(person), program_(program) {
    if (person.availability) {
      open_ = *person.availability;
      return;
    }
    std::vector<Interval> windows;
    for (LocalDay day = program.start - date::days{2}; day <= program.end + date::days{2};
         day += date::days{1})
      for (const auto& w : person.working_hours.on(date::weekday{day}))
        windows.push_back({person.zone.to_instant(LocalMinute{day} + w.start),
                           person.zone.to_instant(LocalMinute{day} + w.end)});
    std::sort(windows.begin(), windows.end());
    for (const auto& w : windows) {
      if (w.empty()) continue;
      if (!open_.empty() && w.start <= open_.back().end)
        open_.back().end = std::max(open_.back().end, w.end);
      else
        open_.push_back(w);
    }
  }

  bool admits(Interval session) const {
    const auto it = std::upper_bound(open_.begin(), open_.end(), session.start,
                                     [](Instant t, const Interval& i) { return t < i.start; });
    if (it == open_.begin() || !std::prev(it)->contains(session)) return false;
    const Minutes buffer{person_.limits.buffer_minutes};
    for (const auto& b : person_.busy)
      if (b.start < session.end + buffer && session.start - buffer < b.end) return false;
    for (const auto t : {session.start, session.end - Minutes{1}})
      if (std::binary_search(program_.blackouts.begin(), program_.blackouts.end(),
                             local_day(person_.zone, t)))
        return false;
    return true;
  }

 private:
  const Person& person_;
  const Program& program_;
  std::vector<Interval> open_;  // sorted, disjoint
};

struct Session {
  Interval at;
  int week = 0;  // ISO week of the anchor's local day, counted from the term's first
};

struct Rule {
  unsigned weekday = 0;  // c_encoding, Sunday = 0
  int ordinal = 0;       // monthly: the Nth weekday of the month, 1..4
  int slot = 0;
  std::vector<LocalDay> days;  // the rule's instances in the term
  std::vector<int> held;       // each instance's session at the series time, -1 if none
};

// The rules whose instances fall in the same weeks.
struct Shape {
  std::vector<int> weeks;  // of each instance, rising
  int need = 0;            // instances that must take place
  int occurrences = 0;     // skipped when not taking place: the instances and missing months
  std::vector<Rule> rules;
};

struct PairModel {
  std::vector<Session> sessions;  // sorted by start
  std::vector<Shape> shapes;
};

// The contract's occurrences of a monthly cadence: the months of which at least seven days lie
// in the term, whichever rule the series follows.
int months_of_term(const Program& program) {
  int months = 0;
  for (LocalDay first = program.start; first <= program.end;) {
    const date::year_month_day ymd{first};
    const LocalDay next{(ymd.year() / ymd.month() + date::months{1}) / 1};
    const LocalDay last = std::min(program.end, next - date::days{1});
    months += (last - first).count() + 1 >= 7;
    first = next;
  }
  return months;
}

// How many occurrences min_held is a share of, and skips are counted against, for a rule with
// `instances` in the term.
int occurrences_of(const Program& program, const Cadence& cadence, std::size_t instances) {
  const int n = static_cast<int>(instances);
  return cadence.kind == Cadence::Kind::monthly ? std::max(n, months_of_term(program)) : n;
}

int week_index(const Program& program, LocalDay day) {
  return static_cast<int>((iso_week_start(day) - iso_week_start(program.start)).count() / 7);
}

// The instance days of every rule (weekday and phase or ordinal, slot 0) of a cadence.
std::vector<Rule> rules_at_midnight(const Program& program, const Cadence& cadence) {
  std::vector<Rule> out;
  for (unsigned wd = 0; wd < 7; ++wd) {
    const date::weekday weekday{wd};
    if (cadence.kind == Cadence::Kind::monthly) {
      for (int ordinal = 1; ordinal <= 4; ++ordinal) {
        Rule r{wd, ordinal, 0, {}, {}};
        const date::year_month_day first{program.start};
        for (auto ym = first.year() / first.month();; ym += date::months{1}) {
          const LocalDay d{ym / weekday[static_cast<unsigned>(ordinal)]};
          if (d > program.end) break;
          if (d >= program.start) r.days.push_back(d);
        }
        out.push_back(std::move(r));
      }
      continue;
    }
    // The first instance lies in the first `weeks` weeks from the term's first day.
    const LocalDay first = program.start + (weekday - date::weekday{program.start});
    for (int phase = 0; phase < cadence.weeks; ++phase) {
      Rule r{wd, 0, 0, {}, {}};
      for (LocalDay d = first + date::weeks{phase}; d <= program.end;
           d += date::weeks{cadence.weeks})
        r.days.push_back(d);
      out.push_back(std::move(r));
    }
  }
  return out;
}

bool dominates(const Rule& a, const Rule& b) {
  for (std::size_t k = 0; k < b.held.size(); ++k)
    if (b.held[k] != -1 && b.held[k] != a.held[k]) return false;
  return true;
}

// Keeps one rule of each set of rules that hold at the same times, and none whose holdable
// times are a subset of another's.
std::vector<Rule> undominated(const std::vector<Rule>& rules) {
  std::vector<Rule> out;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < rules.size() && !dominated; ++j)
      dominated =
          j != i && dominates(rules[j], rules[i]) && (j < i || !dominates(rules[i], rules[j]));
    if (!dominated) out.push_back(rules[i]);
  }
  return out;
}

PairModel model_pair(const Program& program, const Pair& pair, const Zone& zone,
                     const PersonTime& anchor, const PersonTime& other) {
  PairModel m;
  const auto g = program.granularity;
  const int slots = static_cast<int>(date::days{1} / g);
  const auto session_at = [&](LocalDay day, int slot) {
    const auto start = zone.to_instant(LocalMinute{day} + slot * g);
    return Interval{start, start + pair.duration};
  };
  for (LocalDay day = program.start; day <= program.end; day += date::days{1}) {
    for (int slot = 0; slot < slots; ++slot) {
      const auto at = session_at(day, slot);
      if (!anchor.admits(at) || !other.admits(at)) continue;
      // Where the clock shows it: on a term day and on the grid, also next to a DST change.
      const auto reading = zone.to_local(at.start);
      const auto reading_day = day_of(reading);
      if (reading_day < program.start || reading_day > program.end ||
          (reading - LocalMinute{reading_day}) % g != Minutes{0})
        continue;
      m.sessions.push_back({at, week_index(program, reading_day)});
    }
  }
  std::sort(m.sessions.begin(), m.sessions.end(),
            [](const Session& a, const Session& b) { return a.at.start < b.at.start; });
  m.sessions.erase(std::unique(m.sessions.begin(), m.sessions.end(),
                               [](const Session& a, const Session& b) { return a.at == b.at; }),
                   m.sessions.end());
  std::map<Instant, int> by_start;
  std::map<int, int> sessions_in_week;
  for (std::size_t i = 0; i < m.sessions.size(); ++i) {
    by_start[m.sessions[i].at.start] = static_cast<int>(i);
    ++sessions_in_week[m.sessions[i].week];
  }

  std::map<std::vector<int>, std::vector<Rule>> by_weeks;
  for (const auto& midnight : rules_at_midnight(program, pair.cadence)) {
    if (midnight.days.empty()) continue;
    std::vector<int> weeks;
    for (const auto d : midnight.days) weeks.push_back(week_index(program, d));
    if (std::adjacent_find(weeks.begin(), weeks.end(), std::greater_equal<>()) != weeks.end())
      throw std::logic_error("two instances of one rule in one ISO week");
    auto& rules = by_weeks[weeks];
    for (int slot = 0; slot < slots; ++slot) {
      Rule r = midnight;
      r.slot = slot;
      for (const auto d : r.days) {
        const auto it = by_start.find(session_at(d, slot).start);
        r.held.push_back(it == by_start.end() ? -1 : it->second);
      }
      // A series time at which the pair could meet on none of its dates is no series.
      if (std::any_of(r.held.begin(), r.held.end(), [](int t) { return t != -1; }))
        rules.push_back(std::move(r));
    }
  }
  for (auto& [weeks, rules] : by_weeks) {
    if (rules.empty()) continue;
    const int occurrences = occurrences_of(program, pair.cadence, weeks.size());
    const int share_of = pair.cadence.kind == Cadence::Kind::monthly
                             ? months_of_term(program)
                             : static_cast<int>(weeks.size());
    const double share = pair.min_held * static_cast<double>(share_of) - 1e-9;
    const int need = std::max(0, static_cast<int>(std::ceil(share)));
    const auto possible = std::count_if(weeks.begin(), weeks.end(),
                                        [&](int w) { return sessions_in_week.contains(w); });
    if (possible >= need) m.shapes.push_back({weeks, need, occurrences, undominated(rules)});
  }
  return m;
}

// A GLPK problem built row by row.
class Mip {
 public:
  using Terms = std::vector<std::pair<int, double>>;

  Mip() : lp_(glp_create_prob(), glp_delete_prob) { glp_set_obj_dir(lp_.get(), GLP_MAX); }

  int binary() {
    const int j = glp_add_cols(lp_.get(), 1);
    glp_set_col_kind(lp_.get(), j, GLP_BV);
    return j;
  }
  // Adds weight * terms to the objective.
  void maximize(const Terms& terms, double weight) {
    for (const auto& [column, coefficient] : terms)
      glp_set_obj_coef(lp_.get(), column,
                       glp_get_obj_coef(lp_.get(), column) + weight * coefficient);
  }
  void at_most(const Terms& terms, double bound) { add(terms, GLP_UP, 0, bound); }
  void at_least(const Terms& terms, double bound) { add(terms, GLP_LO, bound, 0); }

  struct Outcome {
    bool proven = false;  // optimal
    bool solved = false;  // some integer solution known
  };
  // Branch and bound stops after `node_limit` subproblems, so that whether a model is solved
  // does not depend on the machine's speed or load.
  Outcome solve(int node_limit) {
    glp_load_matrix(lp_.get(), static_cast<int>(ia_.size()) - 1, ia_.data(), ja_.data(),
                    ar_.data());
    glp_term_out(GLP_OFF);
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    parm.gmi_cuts = GLP_ON;  // halves the time of the hardest groups
    struct Budget {
      int limit;
      int used;
    } budget{node_limit, 0};
    parm.cb_func = [](glp_tree* tree, void* info) {
      if (glp_ios_reason(tree) != GLP_ISELECT) return;
      int active = 0;
      int current = 0;
      auto& b = *static_cast<Budget*>(info);
      glp_ios_tree_size(tree, &active, &current, &b.used);
      if (b.used > b.limit) glp_ios_terminate(tree);
    };
    parm.cb_info = &budget;
    const int rc = glp_intopt(lp_.get(), &parm);
    const int status = glp_mip_status(lp_.get());
    return {rc == 0 && status == GLP_OPT, status == GLP_OPT || status == GLP_FEAS};
  }

  bool value(int column) const { return glp_mip_col_val(lp_.get(), column) > 0.5; }
  double value(const Terms& terms) const {
    double sum = 0;
    for (const auto& [column, coefficient] : terms)
      sum += coefficient * glp_mip_col_val(lp_.get(), column);
    return sum;
  }

 private:
  void add(const Terms& terms, int type, double lo, double hi) {
    const int i = glp_add_rows(lp_.get(), 1);
    glp_set_row_bnds(lp_.get(), i, type, lo, hi);
    for (const auto& [column, coefficient] : terms) {
      ia_.push_back(i);
      ja_.push_back(column);
      ar_.push_back(coefficient);
    }
  }

  std::unique_ptr<glp_prob, void (*)(glp_prob*)> lp_;
  std::vector<int> ia_{0};  // GLPK counts from 1
  std::vector<int> ja_{0};
  std::vector<double> ar_{0};
};

// One person's possible sessions, for the overlap and limit rows.
struct Booking {
  Interval at;
  int column;
};

void person_rows(Mip& mip, const Person& person, std::vector<Booking> bookings) {
  const Minutes buffer{person.limits.buffer_minutes};
  std::sort(bookings.begin(), bookings.end(),
            [](const Booking& a, const Booking& b) { return a.at.start < b.at.start; });
  // The cliques of the interval graph of [start, end + buffer): the intervals holding each
  // start point, kept when the next start point does not hold them all.
  for (std::size_t i = 0; i < bookings.size(); ++i) {
    const auto point = bookings[i].at.start;
    if (i + 1 < bookings.size() && bookings[i + 1].at.start == point) continue;
    Mip::Terms clique;
    Instant earliest_end = Instant::max();
    for (std::size_t k = 0; k <= i; ++k) {
      if (bookings[k].at.end + buffer <= point) continue;
      clique.push_back({bookings[k].column, 1.0});
      earliest_end = std::min(earliest_end, bookings[k].at.end + buffer);
    }
    const bool grows = i + 1 < bookings.size() && bookings[i + 1].at.start < earliest_end;
    if (clique.size() >= 2 && !grows) mip.at_most(clique, 1);
  }

  const auto& limits = person.limits;
  std::map<LocalDay, Mip::Terms> days;
  std::map<LocalDay, Mip::Terms> weeks;
  std::map<LocalDay, Mip::Terms> months;
  for (const auto& b : bookings) {
    const auto day = local_day(person.zone, b.at.start);
    const auto minutes = static_cast<double>(b.at.length().count());
    days[day].push_back({b.column, minutes});
    weeks[iso_week_start(day)].push_back({b.column, minutes});
    months[month_start(day)].push_back({b.column, minutes});
  }
  const auto sessions = [](Mip::Terms terms) {
    for (auto& t : terms) t.second = 1;
    return terms;
  };
  for (const auto& [day, terms] : days)
    if (limits.max_sessions_per_day) mip.at_most(sessions(terms), *limits.max_sessions_per_day);
  for (const auto& [week, terms] : weeks) {
    if (limits.max_sessions_per_week) mip.at_most(sessions(terms), *limits.max_sessions_per_week);
    if (limits.max_minutes_per_week) mip.at_most(terms, *limits.max_minutes_per_week);
  }
  for (const auto& [month, terms] : months)
    if (limits.max_minutes_per_month) mip.at_most(terms, *limits.max_minutes_per_month);
}

// The model of one group of pairs, which share no person with any other pair. Without
// `rules`, a pair chooses a shape only; with them, a rule of a shape, and held meetings count.
struct GroupModel {
  Mip mip;
  std::map<std::size_t, std::vector<std::vector<int>>> x;  // pair, shape: one column per rule,
                                                           // or one for the shape
  std::map<std::size_t, std::vector<int>> y;               // pair, session
  Mip::Terms pairs;
  Mip::Terms skipped;
  Mip::Terms moved;

  GroupModel(const Program& program, const std::vector<PairModel>& models,
             const std::vector<std::size_t>& group, bool rules) {
    std::map<std::size_t, std::vector<Booking>> bookings;
    for (const auto p : group) {
      const auto& m = models[p];
      auto& xs = x[p];
      auto& ys = y[p];
      Mip::Terms one_rule;
      Mip::Terms min_held;
      std::map<int, Mip::Terms> per_week;
      std::map<int, Mip::Terms> held_at;
      for (const auto& shape : m.shapes) {
        auto& columns = xs.emplace_back();
        for (std::size_t r = 0; r < (rules ? shape.rules.size() : 1); ++r) {
          const int column = mip.binary();
          columns.push_back(column);
          one_rule.push_back({column, 1});
          pairs.push_back({column, 1});
          skipped.push_back({column, static_cast<double>(shape.occurrences)});
          min_held.push_back({column, -shape.need});
          for (std::size_t k = 0; k < shape.weeks.size(); ++k) {
            per_week[shape.weeks[k]].push_back({column, -1});
            if (rules && shape.rules[r].held[k] != -1)
              held_at[shape.rules[r].held[k]].push_back({column, -1});
          }
        }
      }
      for (std::size_t t = 0; t < m.sessions.size(); ++t) {
        const int column = mip.binary();
        ys.push_back(column);
        per_week[m.sessions[t].week].push_back({column, 1});
        min_held.push_back({column, 1});
        skipped.push_back({column, -1});
        moved.push_back({column, 1});
        for (const auto person : {program.pairs[p].mentor, program.pairs[p].mentee})
          bookings[person].push_back({m.sessions[t].at, column});
      }
      mip.at_most(one_rule, 1);
      mip.at_least(min_held, 0);
      for (const auto& [week, terms] : per_week) mip.at_most(terms, 0);
      for (auto& [t, terms] : held_at) {
        const int z = mip.binary();
        moved.push_back({z, -1});
        terms.push_back({z, 1});
        mip.at_most(terms, 0);
        mip.at_most({{z, 1}, {ys[static_cast<std::size_t>(t)], -1}}, 0);
      }
    }
    for (auto& [person, list] : bookings) person_rows(mip, program.people[person], std::move(list));
  }

  // The chosen shape and, with rules, the chosen rule of pair p.
  std::optional<std::pair<std::size_t, std::size_t>> choice(std::size_t p) const {
    for (std::size_t s = 0; s < x.at(p).size(); ++s)
      for (std::size_t r = 0; r < x.at(p)[s].size(); ++r)
        if (mip.value(x.at(p)[s][r])) return std::pair{s, r};
    return std::nullopt;
  }
  std::vector<bool> meetings(std::size_t p) const {
    std::vector<bool> out;
    for (const auto column : y.at(p)) out.push_back(mip.value(column));
    return out;
  }
};

// The series of a rule with the meetings chosen: each instance held when its week's meeting is
// at the series time, moved when it is elsewhere, skipped when its week has none.
Series series_of(const Program& program, const Pair& pair, const PairModel& m, const Shape& shape,
                 const Rule& r, const std::vector<bool>& meets) {
  const auto& anchor = program.anchor_of(pair);
  Series s;
  s.uid = program.id + "-" + program.mentor_of(pair).id + "-" + program.mentee_of(pair).id;
  s.mentor_id = program.mentor_of(pair).id;
  s.mentee_id = program.mentee_of(pair).id;
  s.zone = anchor.zone.name();
  s.cadence = pair.cadence;
  s.weekday = date::weekday{r.weekday};
  s.monthly_ordinal = r.ordinal;
  s.first = LocalMinute{r.days.front()} + r.slot * program.granularity;
  s.duration = pair.duration;
  for (std::size_t k = 0; k < r.days.size(); ++k) {
    Occurrence o;
    o.nominal = LocalMinute{r.days[k]} + r.slot * program.granularity;
    const auto start = anchor.zone.to_instant(o.nominal);
    o.at = {start, start + pair.duration};
    o.state = OccurrenceState::skipped;
    for (std::size_t t = 0; t < m.sessions.size(); ++t) {
      if (!meets[t] || m.sessions[t].week != shape.weeks[k]) continue;
      o.state = static_cast<int>(t) == r.held[k] ? OccurrenceState::held : OccurrenceState::moved;
      o.at = m.sessions[t].at;
    }
    s.occurrences.push_back(o);
  }
  return s;
}

// The rule of `shape` that holds the most of `meets` at its series time.
const Rule& best_rule(const Shape& shape, const std::vector<bool>& meets) {
  const auto held = [&](const Rule& r) {
    return std::count_if(r.held.begin(), r.held.end(),
                         [&](int t) { return t != -1 && meets[static_cast<std::size_t>(t)]; });
  };
  return *std::max_element(shape.rules.begin(), shape.rules.end(),
                           [&](const Rule& a, const Rule& b) { return held(a) < held(b); });
}

bool moves_in(const std::vector<std::size_t>& group, const Schedule& schedule) {
  return std::any_of(group.begin(), group.end(), [&](std::size_t p) {
    const auto& series = schedule.pairs[p].series;
    return series &&
           std::any_of(series->occurrences.begin(), series->occurrences.end(),
                       [](const Occurrence& o) { return o.state == OccurrenceState::moved; });
  });
}

// Solves the pairs of `group` and writes their series into `out`.
void solve_group(const Program& program, const std::vector<PairModel>& models,
                 const std::vector<std::size_t>& group, const ExactLimits& limits, Optimum& out) {
  // Step one: most pairs, then fewest skipped, over shapes.
  GroupModel shapes(program, models, group, false);
  double most_occurrences = 0;
  for (const auto p : group) {
    std::size_t n = 0;
    for (const auto& shape : models[p].shapes) n = std::max(n, shape.weeks.size());
    most_occurrences += static_cast<double>(n);
  }
  shapes.mip.maximize(shapes.pairs, most_occurrences + 1);
  shapes.mip.maximize(shapes.skipped, -1);
  const auto first = shapes.mip.solve(limits.pairs_and_skips_nodes);
  out.proven = out.proven && first.proven;
  if (!first.solved) return;
  for (const auto p : group) {
    const auto choice = shapes.choice(p);
    if (!choice) continue;
    const auto& shape = models[p].shapes[choice->first];
    const auto meets = shapes.meetings(p);
    out.schedule.pairs[p].series =
        series_of(program, program.pairs[p], models[p], shape, best_rule(shape, meets), meets);
  }
  if (!first.proven) {
    out.moves_proven = false;
    return;
  }
  if (!moves_in(group, out.schedule)) return;  // nothing to improve

  // Step two: those counts kept, fewest moved over rules.
  GroupModel rules(program, models, group, true);
  rules.mip.at_least(rules.pairs, std::round(shapes.mip.value(shapes.pairs)));
  rules.mip.at_most(rules.skipped, std::round(shapes.mip.value(shapes.skipped)));
  rules.mip.maximize(rules.moved, -1);
  const auto second = rules.mip.solve(limits.moves_nodes);
  if (second.solved) {
    for (const auto p : group) {
      const auto choice = rules.choice(p);
      out.schedule.pairs[p].series.reset();
      if (!choice) continue;
      const auto& shape = models[p].shapes[choice->first];
      out.schedule.pairs[p].series = series_of(program, program.pairs[p], models[p], shape,
                                               shape.rules[choice->second], rules.meetings(p));
    }
  }
  out.moves_proven = out.moves_proven && (second.proven || !moves_in(group, out.schedule));
}

// The pairs linked, transitively, by a person they share.
std::vector<std::vector<std::size_t>> groups_of(const Program& program) {
  std::vector<std::size_t> root(program.people.size());
  for (std::size_t i = 0; i < root.size(); ++i) root[i] = i;
  const auto find = [&](std::size_t i) {
    while (root[i] != i) i = root[i];
    return i;
  };
  for (const auto& pair : program.pairs) root[find(pair.mentor)] = find(pair.mentee);
  std::map<std::size_t, std::vector<std::size_t>> groups;
  for (std::size_t p = 0; p < program.pairs.size(); ++p)
    groups[find(program.pairs[p].mentor)].push_back(p);
  std::vector<std::vector<std::size_t>> out;
  for (auto& [person, group] : groups) out.push_back(std::move(group));
  return out;
}

}  // namespace

Counts counts_of(const Program& program, const Schedule& schedule) {
  Counts c;
  for (const auto& r : schedule.pairs) {
    if (!r.series) continue;
    ++c.pairs;
    const auto& occurrences = r.series->occurrences;
    c.skipped += occurrences_of(program, r.series->cadence, occurrences.size()) -
                 static_cast<int>(occurrences.size());
    for (const auto& o : r.series->occurrences) {
      c.skipped += o.state == OccurrenceState::skipped;
      c.moved += o.state == OccurrenceState::moved;
    }
  }
  return c;
}

std::ostream& operator<<(std::ostream& out, const Counts& c) {
  return out << c.pairs << " pairs, " << c.skipped << " skipped, " << c.moved << " moved";
}

Optimum exact_optimum(const Program& program, const ExactLimits& limits) {
  std::vector<PersonTime> people;
  people.reserve(program.people.size());
  for (const auto& p : program.people) people.emplace_back(p, program);

  Optimum out;
  out.schedule.program_id = program.id;
  std::vector<PairModel> models;
  for (const auto& pair : program.pairs) {
    const bool mentor_anchors = program.anchor == Anchor::mentor;
    const auto a = mentor_anchors ? pair.mentor : pair.mentee;
    const auto b = mentor_anchors ? pair.mentee : pair.mentor;
    models.push_back(model_pair(program, pair, program.people[a].zone, people[a], people[b]));
    PairResult result;
    result.mentor_id = program.mentor_of(pair).id;
    result.mentee_id = program.mentee_of(pair).id;
    result.mentor_email = program.mentor_of(pair).email;
    result.mentee_email = program.mentee_of(pair).email;
    out.schedule.pairs.push_back(std::move(result));
  }
  for (const auto& group : groups_of(program)) solve_group(program, models, group, limits, out);
  out.counts = counts_of(program, out.schedule);
  return out;
}

}  // namespace mentorcal::optimality
