// Work spread over the machine's hardware threads, for loops whose iterations touch disjoint
// data: the search's independent groups of pairs, the people whose calendars are read, the
// sessions and feeds that are rendered. Each caller writes each result to a slot of its own, so
// that what it produces does not depend on how the threads were scheduled.
//
//   for_each_index_in_parallel(people.size(), [&](std::size_t i) { read(people[i]); });
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mentorcal {

// Calls work(i) once for every i in [0, count), handing the indices out in increasing order to
// one new thread per hardware thread (never more threads than indices), and returns when every
// call has returned. The calls run on new threads even on a single core, so that each thread's
// allocations come from a malloc arena of its own rather than from the caller's, which loading a
// large program has usually fragmented. The first exception thrown by `work` stops the handing
// out and is rethrown here once all threads have stopped. `work` must be safe to call at once
// for different indices.
template <typename Work>
void for_each_index_in_parallel(std::size_t count, const Work& work) {
  if (count == 0) return;
  const std::size_t threads =
      std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, count);
  std::atomic<std::size_t> next{0};
  std::mutex failure_lock;
  std::exception_ptr failure;
  const auto run = [&] {
    try {
      for (auto i = next.fetch_add(1); i < count; i = next.fetch_add(1)) work(i);
    } catch (...) {
      next = count;
      const std::lock_guard lock(failure_lock);
      if (!failure) failure = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> workers;
    workers.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) workers.emplace_back(run);
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace mentorcal
