#pragma once
// Logger for scenarios: Logger.configure/level, :logger primary filters, and the console format
// Elixir 1.14 prints ("\nHH:MM:SS.mmm [error] message\n" on stdout, virtual time).
//
// Native code (OTP crash reports) logs through log_event so that `Logger.configure(level: :none)`
// and `:logger.add_primary_filter/2` apply to it exactly as to scenario code.
#include <string>
#include <string_view>
#include <vector>

#include "engine/runtime/runtime.h"

namespace tasklens::script {

struct LoggerState {
    /// 0 = :all/:debug ... 7 = :emergency, 8 = :none.
    int level = 0;
    std::vector<std::pair<Term, Term>> primary_filters;  ///< id -> {fun, extra}
};

/// Numeric level of :debug, :info, :notice, :warning (:warn), :error, :critical, :alert,
/// :emergency; :none = 8, :all = 0. -1 if unknown.
int logger_level(std::string_view name);

/// Logs one event: runs the primary filters (scenario funs: fn %{level:, msg:, meta:}, extra ->
/// :stop | :ignore | event), then prints `formatted` unless the level is below the configured one.
/// `msg` is {:string, text} or {:report, map}; `meta` a map (e.g. %{callers: [...]}).
Co<void> log_event(ProcessContext& ctx, std::string_view level, Term msg, Term meta,
                   std::string formatted, bool print = true);

}  // namespace tasklens::script
