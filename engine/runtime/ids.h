#pragma once
// Process and reference identifiers. Plain values: cheap to copy into events and across threads.
#include <compare>
#include <cstdint>
#include <functional>

namespace tasklens {

/// A process identifier: the virtual node it lives on and a serial number unique on that node.
/// Printed as `#PID<node.serial.0>` like Erlang's local pids.
struct Pid {
    uint32_t node = 0;
    uint32_t serial = 0;

    constexpr bool valid() const noexcept { return serial != 0; }
    constexpr uint64_t packed() const noexcept { return (uint64_t{node} << 32) | serial; }
    static constexpr Pid from_packed(uint64_t v) noexcept {
        return Pid{static_cast<uint32_t>(v >> 32), static_cast<uint32_t>(v)};
    }
    friend constexpr auto operator<=>(const Pid&, const Pid&) = default;
};

/// A reference (make_ref, monitor refs, Task refs). Unique per runtime.
struct Ref {
    uint64_t id = 0;
    constexpr bool valid() const noexcept { return id != 0; }
    friend constexpr auto operator<=>(const Ref&, const Ref&) = default;
};

}  // namespace tasklens

template <>
struct std::hash<tasklens::Pid> {
    size_t operator()(tasklens::Pid p) const noexcept { return std::hash<uint64_t>{}(p.packed()); }
};
template <>
struct std::hash<tasklens::Ref> {
    size_t operator()(tasklens::Ref r) const noexcept { return std::hash<uint64_t>{}(r.id); }
};
