#pragma once
// The small vocabulary of supervision: restart types, shutdown kinds and strategies, with the
// names Elixir and OTP print for them (`:permanent`, `:brutal_kill`, `:one_for_one`).
#include <cstdint>
#include <optional>
#include <string_view>

namespace tasklens::otp {

/// When a supervisor restarts a child that exited (Supervisor "Restart values").
enum class RestartType : uint8_t {
    Permanent,  ///< always restarted
    Transient,  ///< restarted only after an abnormal exit (not :normal, :shutdown, {:shutdown, _})
    Temporary,  ///< never restarted
};

/// How a supervisor stops a child (Supervisor "Shutdown values").
enum class ShutdownKind : uint8_t {
    BrutalKill,  ///< exit(child, :kill) at once
    Timeout,     ///< exit(child, :shutdown), then :kill after Shutdown::timeout_ms
    Infinity,    ///< exit(child, :shutdown) and wait for as long as it takes
};

struct Shutdown {
    ShutdownKind kind = ShutdownKind::Timeout;
    int64_t timeout_ms = 5000;
    static constexpr Shutdown brutal_kill() { return {ShutdownKind::BrutalKill, 0}; }
    static constexpr Shutdown infinity() { return {ShutdownKind::Infinity, 0}; }
    static constexpr Shutdown millis(int64_t ms) { return {ShutdownKind::Timeout, ms}; }
    friend constexpr bool operator==(const Shutdown&, const Shutdown&) = default;
};

/// Which children a static supervisor restarts when one of them exits.
enum class Strategy : uint8_t {
    OneForOne,   ///< only the child that exited
    OneForAll,   ///< all children: the others are terminated (reverse start order), then all
                 ///< restarted
    RestForOne,  ///< the child and every child started after it
};

/// Worker or supervisor (only reported by which_children/count_children).
enum class ChildType : uint8_t { Worker, Supervisor };

constexpr std::string_view to_string(RestartType r) noexcept {
    switch (r) {
        case RestartType::Permanent:
            return "permanent";
        case RestartType::Transient:
            return "transient";
        case RestartType::Temporary:
            return "temporary";
    }
    return "?";
}
constexpr std::string_view to_string(ShutdownKind s) noexcept {
    switch (s) {
        case ShutdownKind::BrutalKill:
            return "brutal_kill";
        case ShutdownKind::Timeout:
            return "timeout";
        case ShutdownKind::Infinity:
            return "infinity";
    }
    return "?";
}
constexpr std::string_view to_string(Strategy s) noexcept {
    switch (s) {
        case Strategy::OneForOne:
            return "one_for_one";
        case Strategy::OneForAll:
            return "one_for_all";
        case Strategy::RestForOne:
            return "rest_for_one";
    }
    return "?";
}
constexpr std::string_view to_string(ChildType t) noexcept {
    return t == ChildType::Worker ? "worker" : "supervisor";
}

constexpr std::optional<RestartType> restart_type_from(std::string_view name) noexcept {
    if (name == "permanent") return RestartType::Permanent;
    if (name == "transient") return RestartType::Transient;
    if (name == "temporary") return RestartType::Temporary;
    return std::nullopt;
}
constexpr std::optional<Strategy> strategy_from(std::string_view name) noexcept {
    if (name == "one_for_one") return Strategy::OneForOne;
    if (name == "one_for_all") return Strategy::OneForAll;
    if (name == "rest_for_one") return Strategy::RestForOne;
    return std::nullopt;
}

}  // namespace tasklens::otp
