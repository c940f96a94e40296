#pragma once
// A forward search for painters that visit pixel columns left to right: each search starts
// where the previous one ended and probes 1, 2, 4, ... elements ahead, so it costs
// O(log distance) in memory next to the last position, instead of O(log n) over the whole rest.
#include <algorithm>
#include <iterator>

namespace tasklens::ui {

/// As std::partition_point(first, last, before): the first element for which `before` is false,
/// `before` being true for a prefix of [first, last) and false after it.
template <typename It, typename Pred>
It gallopPartitionPoint(It first, It last, Pred before) {
    if (first == last || !before(*first)) return first;
    // before(*lo) holds; the answer is after lo.
    It lo = first;
    typename std::iterator_traits<It>::difference_type step = 1;
    while (true) {
        if (last - lo <= step) return std::partition_point(lo + 1, last, before);
        const It probe = lo + step;
        if (!before(*probe)) return std::partition_point(lo + 1, probe, before);
        lo = probe;
        step *= 2;
    }
}

}  // namespace tasklens::ui
