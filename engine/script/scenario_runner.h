#pragma once
// `tasklens run scenario.exs`: compile a scenario, run it on a fresh runtime, print what
// `elixir scenario.exs` prints, and return its exit status.
#include <atomic>
#include <functional>
#include <iosfwd>
#include <string>
#include <utility>

#include "engine/runtime/run_limits.h"
#include "engine/runtime/runtime.h"

namespace tasklens::script {

/// Exit statuses besides elixir's 0 (ok) and 1 (the script raised, did not compile, or ran
/// out of memory, which the BEAM reports with `eheap_alloc: Cannot allocate ...` and status 1).
inline constexpr int kExitRunLimit = 3;  ///< --max-time, --max-wall or --max-reductions stopped it
/// A run stopped by a signal (SIGINT, SIGTERM) exits with 128 + the signal number, as a shell does.
inline constexpr int kExitSignalBase = 128;

/// The limits a run gets unless told otherwise (docs/robustness.md): 1 hour of virtual time, no
/// wall-clock limit (a GUI run paced in real time takes the time it shows), no reduction limit,
/// half of the machine's memory. `tasklens run` adds kDefaultCliMaxWallMs. The process limit is
/// the BEAM's +P default (262,144).
RunLimits default_run_limits();
/// `tasklens run`'s wall-clock limit unless --max-wall says otherwise: 5 minutes.
inline constexpr int64_t kDefaultCliMaxWallMs = 5 * 60 * 1000;
inline constexpr uint32_t kDefaultMaxProcesses = 262'144;

struct ScenarioOptions {
    int schedulers = 0;  ///< 0 = the host's core count (like the BEAM)
    RunLimits limits = default_run_limits();
    uint32_t max_processes = kDefaultMaxProcesses;  ///< spawn beyond it raises system_limit
    uint64_t seed = 0;  ///< where unseeded :rand sequences start (stdlib::set_run_seed)
    /// Set (to a signal number) from a signal handler: the run stops at the next slice boundary
    /// and run_scenario returns kExitSignalBase + that number.
    const std::atomic<int>* stop_flag = nullptr;
    trace::EventSink* events = nullptr;  ///< nullptr = event recording off
    /// Number pids as `elixir x.exs` does: the script is #PID<0.96.0> and later pids skip the
    /// serials Elixir's own processes take (RuntimeOptions::first_pid_serial, reserve_pids).
    /// `tasklens run` sets it; off, the script is #PID<0.1.0> and serials run on from there.
    bool elixir_pids = false;
    /// Print Elixir's compile-time warnings on err before running (`tasklens run` sets it).
    bool compile_warnings = false;
    std::ostream* out = nullptr;  ///< stdout (nullptr = std::cout)
    std::ostream* err = nullptr;  ///< stderr (nullptr = std::cerr)
    /// Called once the runtime exists (OTP natives registered, program loaded), before the
    /// scenario runs: e.g. to attach a GUI pacing driver.
    std::function<void(Runtime&)> setup;
    /// Runs the script's process `main` to its exit; default runtime.run_until_exit(main). The
    /// GUI's run controller paces it with run_until/step instead. A result other than
    /// TargetExited ends the run: Stopped with status 1 and no message (the user stopped it),
    /// Idle with the "blocked forever" message.
    std::function<RunResult(Runtime&, Pid main)> drive;
};

/// Compiles and runs `path`. Exit status as elixir's: 0, or 1 when compilation fails (the
/// diagnostics on err, nothing run) or the script's process dies (the `** (...)` banner and
/// stacktrace on err). The run ends when the script's process ends; other processes are dropped.
/// A run limit or a stop signal ends it early with the statuses above and a message on err.
int run_scenario(const std::string& path, const ScenarioOptions& options = {});
/// The message a run stopped by a limit prints on stderr, and its exit status.
std::pair<std::string, int> limit_message(const RunLimitState& state, int64_t now_us);
/// The same for source text already in memory (`path` names it in diagnostics).
int run_scenario_source(const std::string& path, const std::string& text,
                        const ScenarioOptions& options = {});

}  // namespace tasklens::script
