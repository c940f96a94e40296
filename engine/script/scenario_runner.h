#pragma once
// `tasklens run scenario.exs`: compile a scenario, run it on a fresh runtime, print what
// `elixir scenario.exs` prints, and return its exit status.
#include <functional>
#include <iosfwd>
#include <string>

#include "engine/runtime/runtime.h"

namespace tasklens::script {

struct ScenarioOptions {
    int schedulers = 0;                  ///< 0 = the host's core count (like the BEAM)
    trace::EventSink* events = nullptr;  ///< nullptr = event recording off
    std::ostream* out = nullptr;         ///< stdout (nullptr = std::cout)
    std::ostream* err = nullptr;         ///< stderr (nullptr = std::cerr)
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
int run_scenario(const std::string& path, const ScenarioOptions& options = {});
/// The same for source text already in memory (`path` names it in diagnostics).
int run_scenario_source(const std::string& path, const std::string& text,
                        const ScenarioOptions& options = {});

}  // namespace tasklens::script
