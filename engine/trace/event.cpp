#include "engine/trace/event.h"

#include <array>

#include <fmt/format.h>

namespace tasklens::trace {
namespace {

// One table per enum, in enumerator order: to_string indexes it, parse searches it. The names are
// the enumerator spellings so that a trace file reads like the header.
constexpr std::array<std::string_view, kEventKindCount> kEventKindNames = {
    "Spawn",      "Exit",       "Link",         "Unlink",         "Monitor",
    "Demonitor",  "Down",       "ExitSignal",   "Send",           "Receive",
    "WaitStart",  "WaitEnd",    "Sleep",        "Reply",          "Register",
    "Unregister", "ChildStart", "ChildRestart", "ChildTerminate", "SupervisorGiveUp",
    "NodeUp",     "NodeDown",   "StateChange",  "Console",        "Log",
    "Caller",
};
constexpr std::array<std::string_view, 5> kProcessStateNames = {"Runnable", "Running", "Waiting",
                                                                "Sleeping", "Exiting"};
constexpr std::array<std::string_view, 5> kWaitKindNames = {"Receive", "TaskAwait", "TaskYield",
                                                            "Shutdown", "GenServerCall"};
constexpr std::array<std::string_view, 4> kWaitOutcomeNames = {"Message", "Timeout", "Down",
                                                               "Killed"};
constexpr std::array<std::string_view, 3> kSignalDispositionNames = {"Killed", "Trapped",
                                                                     "Ignored"};
constexpr std::array<std::string_view, 4> kExitReasonClassNames = {"Normal", "Shutdown", "Killed",
                                                                   "Crash"};
constexpr std::array<std::string_view, 5> kLogLevelNames = {"Debug", "Info", "Notice", "Warning",
                                                            "Error"};

template <typename Enum, size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, Enum value) noexcept {
    const auto index = static_cast<size_t>(value);
    return index < N ? names[index] : std::string_view{"?"};
}

template <typename Enum, size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view name) noexcept {
    for (size_t i = 0; i < N; ++i)
        if (names[i] == name) return static_cast<Enum>(i);
    return std::nullopt;
}

}  // namespace

std::string_view to_string(EventKind v) noexcept {
    return name_of(kEventKindNames, v);
}
std::string_view to_string(ProcessState v) noexcept {
    return name_of(kProcessStateNames, v);
}
std::string_view to_string(WaitKind v) noexcept {
    return name_of(kWaitKindNames, v);
}
std::string_view to_string(WaitOutcome v) noexcept {
    return name_of(kWaitOutcomeNames, v);
}
std::string_view to_string(SignalDisposition v) noexcept {
    return name_of(kSignalDispositionNames, v);
}
std::string_view to_string(ExitReasonClass v) noexcept {
    return name_of(kExitReasonClassNames, v);
}
std::string_view to_string(LogLevel v) noexcept {
    return name_of(kLogLevelNames, v);
}

std::optional<EventKind> parse_event_kind(std::string_view name) noexcept {
    return parse_name<EventKind>(kEventKindNames, name);
}
std::optional<ProcessState> parse_process_state(std::string_view name) noexcept {
    return parse_name<ProcessState>(kProcessStateNames, name);
}
std::optional<WaitKind> parse_wait_kind(std::string_view name) noexcept {
    return parse_name<WaitKind>(kWaitKindNames, name);
}
std::optional<WaitOutcome> parse_wait_outcome(std::string_view name) noexcept {
    return parse_name<WaitOutcome>(kWaitOutcomeNames, name);
}
std::optional<SignalDisposition> parse_signal_disposition(std::string_view name) noexcept {
    return parse_name<SignalDisposition>(kSignalDispositionNames, name);
}
std::optional<ExitReasonClass> parse_exit_reason_class(std::string_view name) noexcept {
    return parse_name<ExitReasonClass>(kExitReasonClassNames, name);
}
std::optional<LogLevel> parse_log_level(std::string_view name) noexcept {
    return parse_name<LogLevel>(kLogLevelNames, name);
}

std::string format_pid(Pid pid) {
    return fmt::format("#PID<{}.{}.0>", pid.node, pid.serial);
}

bool operator==(const Event& a, const Event& b) noexcept {
    return a.seq == b.seq && a.time_us == b.time_us && a.kind == b.kind && a.flags == b.flags &&
           a.detail == b.detail && a.pid == b.pid && a.peer == b.peer && a.ref == b.ref &&
           a.deadline_us == b.deadline_us && a.value == b.value && a.text == b.text;
}

}  // namespace tasklens::trace
