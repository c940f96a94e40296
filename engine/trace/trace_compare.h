#pragma once
// Structural comparison of two traces of the same program: one run by the engine, one recorded on
// the real BEAM (resources/tracer). Timings differ by nature, and so do pids and references, so
// this compares structure and order: who spawned whom (and in which order), exit reasons,
// `$callers`, supervisor restarts, the outcomes of awaits, yields and calls, what each process
// printed, and the order of the messages each process received from the program's processes.
// See docs/real-beam.md for what a real trace can and cannot know.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/trace/event.h"

namespace tasklens::trace {

struct CompareOptions {
    /// Compare the texts of received messages in order (pids and references normalised). Off,
    /// the comparison keeps to the tree, exits, callers, waits, restarts and console output.
    bool messages = true;
    /// How many lines of each trace to show around a divergence.
    int context = 3;
    /// Differences that are known and explained (tests/beam/known-differences.txt): a difference
    /// whose text contains one of these (or any difference, for "*") does not make the traces
    /// differ; it is listed in CompareResult::known instead.
    std::vector<std::string> known_differences;
};

struct CompareResult {
    bool equal = true;
    /// What differs, first divergence first: "process 3 (Task fn under #PID<0.2.0>): exit
    /// reason :normal vs {:timeout, …}".
    std::vector<std::string> differences;
    /// Differences matched by CompareOptions::known_differences, in the order found.
    std::vector<std::string> known;
    /// The entries of CompareOptions::known_differences that matched no difference.
    std::vector<std::string> known_unused;
    /// The neighbourhood of the first divergence in each trace, as "seq t kind pid text" lines.
    std::vector<std::string> context_a;
    std::vector<std::string> context_b;
    size_t processes_a = 0;
    size_t processes_b = 0;
    size_t processes_matched = 0;
};

/// Compares trace `a` with trace `b` (each the events of one trace file, in order).
CompareResult compare_traces(std::span<const Event> a, std::span<const Event> b,
                             const CompareOptions& options = {});

/// One line of a known-differences file: `SCENARIO | DIFFERENCE TEXT | REASON`. SCENARIO is a
/// scenario's file name without `.exs` (or `*` for every scenario); DIFFERENCE TEXT is a part of
/// the difference as `compare` words it (or `*` for any difference of that scenario); REASON says
/// why it is no engine bug.
struct KnownDifference {
    std::string scenario;
    std::string difference;
    std::string reason;
};

/// Parses a known-differences file: blank lines and lines starting with `#` are skipped. A line
/// that is not three `|`-separated non-empty fields is an error naming its line number.
struct KnownDifferencesFile {
    std::vector<KnownDifference> entries;
    std::string error;  ///< empty if the text was read
};
KnownDifferencesFile parse_known_differences(std::string_view text);

/// The difference texts of `entries` that apply to `scenario` (a name with or without `.exs`).
std::vector<std::string> known_differences_for(std::span<const KnownDifference> entries,
                                               std::string_view scenario);

/// `#PID<0.93.0>` and `<0.93.0>` become `#PID<_>`, `#Reference<…>` becomes `#Reference<_>`, and
/// so on for ports and funs: texts that differ only in identities compare equal.
std::string normalize_identities(std::string_view text);

}  // namespace tasklens::trace
