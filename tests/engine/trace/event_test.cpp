#include "engine/trace/event.h"

#include <gtest/gtest.h>

namespace tasklens::trace {
namespace {

TEST(EventNames, EveryKindRoundTripsThroughItsName) {
    for (int i = 0; i < kEventKindCount; ++i) {
        const auto kind = static_cast<EventKind>(i);
        const auto name = to_string(kind);
        EXPECT_NE(name, "?");
        EXPECT_EQ(parse_event_kind(name), kind) << name;
    }
    EXPECT_EQ(to_string(EventKind::Caller), "Caller");
    EXPECT_EQ(parse_event_kind("Spwan"), std::nullopt);
    EXPECT_EQ(parse_event_kind("spawn"), std::nullopt);  // names are case-sensitive
}

TEST(EventNames, EveryDetailEnumRoundTrips) {
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(parse_process_state(to_string(static_cast<ProcessState>(i))),
                  static_cast<ProcessState>(i));
        EXPECT_EQ(parse_wait_kind(to_string(static_cast<WaitKind>(i))), static_cast<WaitKind>(i));
        EXPECT_EQ(parse_log_level(to_string(static_cast<LogLevel>(i))), static_cast<LogLevel>(i));
    }
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(parse_wait_outcome(to_string(static_cast<WaitOutcome>(i))),
                  static_cast<WaitOutcome>(i));
        EXPECT_EQ(parse_exit_reason_class(to_string(static_cast<ExitReasonClass>(i))),
                  static_cast<ExitReasonClass>(i));
    }
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(parse_signal_disposition(to_string(static_cast<SignalDisposition>(i))),
                  static_cast<SignalDisposition>(i));
    EXPECT_EQ(to_string(static_cast<ProcessState>(200)), "?");
    EXPECT_EQ(parse_wait_kind(""), std::nullopt);
}

TEST(EventNames, PidsPrintLikeElixir) {
    EXPECT_EQ(format_pid(Pid{0, 42}), "#PID<0.42.0>");
}

}  // namespace
}  // namespace tasklens::trace
