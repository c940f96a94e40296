#pragma once
// Run limits: ceilings on a whole run (virtual time, wall time, reductions, memory) and a stop
// flag a signal handler may set. The scheduler checks them at every slice boundary; a run*() call
// that meets one returns RunResult::Reason::Stopped, and run_limit_state() says why. The process
// limit is RuntimeOptions::process_limit (spawn raises system_limit, as the BEAM's +P does).
//
// Kept out of runtime.h on purpose: the state lives in a runtime extension, so adding limits did
// not change the header every engine file includes.
#include <atomic>
#include <cstdint>
#include <string_view>

#include "engine/runtime/atom.h"

namespace tasklens {

class Runtime;

/// 0 = no ceiling.
struct RunLimits {
    int64_t max_virtual_us = 0;     ///< virtual time
    int64_t max_wall_ms = 0;        ///< wall-clock time since the runtime was created
    uint64_t max_reductions = 0;    ///< reductions of all processes together
    uint64_t max_memory_bytes = 0;  ///< resident memory of the host process (polled every ~10 ms)
};

enum class LimitKind : uint8_t {
    None,
    VirtualTime,
    WallTime,
    Reductions,
    Memory,  ///< the resident set passed max_memory_bytes, or an allocation failed (bad_alloc)
};

/// A runtime's limits and what the scheduler found.
struct RunLimitState {
    RunLimits limits;
    /// Non-zero (a signal number) makes run*() return Stopped at the next slice boundary. A plain
    /// atomic store is async-signal-safe, unlike Runtime::request_stop().
    const std::atomic<int>* stop_flag = nullptr;
    LimitKind exceeded = LimitKind::None;
    uint64_t exceeded_memory = 0;   ///< Memory: the resident bytes seen (0: an allocation failed)
    uint64_t total_reductions = 0;  ///< of all processes, when the run stopped
    int halt_status = -1;           ///< System.halt/:erlang.halt ended the run with this status
};

/// Interns an atom a scenario makes from data (String.to_atom/1, :erlang.binary_to_atom/2,
/// List.to_atom/1, :erlang.list_to_atom/1): past the BEAM's 1,048,576 atoms a new one raises
/// ErlangException :system_limit (SystemLimitError).
Atom intern_scenario_atom(std::string_view name);

/// Sets the limits before running (they apply from the next slice on).
void set_run_limits(Runtime& runtime, const RunLimits& limits,
                    const std::atomic<int>* stop_flag = nullptr);
const RunLimitState& run_limit_state(Runtime& runtime);

}  // namespace tasklens
