#include "engine/trace/trace_compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/engine/trace/trace_fixture.h"

namespace tasklens::trace {
namespace {

using ::testing::HasSubstr;
using testing::TraceBuilder;

/// A script that starts a task under a supervisor, awaits it and prints the result; `base` shifts
/// every pid, `dt` stretches time, as two recorders of one program would differ.
TraceBuilder supervised_await(uint32_t base, int64_t dt, std::string reply = ":done",
                              WaitOutcome outcome = WaitOutcome::Message) {
    TraceBuilder run;
    const uint32_t script = base, sup = base + 1, task = base + 2;
    run.spawn(0, script, 0, "script.exs")
        .spawn(1 * dt, sup, script, "Task.Supervisor")
        .spawn(2 * dt, task, sup, "Task")
        .caller(2 * dt, task, script)
        .wait_start(3 * dt, script, WaitKind::TaskAwait, 5000, task)
        .send(4 * dt, task, script, "{#Reference<0." + std::to_string(base) + ".1>, " + reply + "}")
        .send(4 * dt, task, script, "{:progress, #PID<0." + std::to_string(task) + ".0>}")
        .exit(5 * dt, task, ":normal")
        .wait_end(6 * dt, script, outcome)
        .console(7 * dt, script, reply + "\n")
        .exit(8 * dt, script, ":normal");
    return run;
}

TEST(TraceCompare, EqualDespitePidsRefsAndTimes) {
    const CompareResult r =
        compare_traces(supervised_await(1, 10).events(), supervised_await(96, 1234).events());
    EXPECT_TRUE(r.equal) << (r.differences.empty() ? "" : r.differences.front());
    EXPECT_EQ(r.processes_matched, 3u);
}

TEST(TraceCompare, DifferentWaitOutcomeIsReportedWithContext) {
    const CompareResult r =
        compare_traces(supervised_await(1, 10).events(),
                       supervised_await(96, 10, ":done", WaitOutcome::Timeout).events());
    ASSERT_FALSE(r.equal);
    EXPECT_THAT(r.differences.front(),
                HasSubstr("0 waits without their reply (TaskAwait -> Timeout) vs 1"));
    EXPECT_THAT(r.context_a, ::testing::Contains(HasSubstr("> 0 t=0us Spawn")));
    EXPECT_THAT(r.context_b, ::testing::Contains(HasSubstr("> 8 t=60us WaitEnd")));
}

TEST(TraceCompare, WaitsThatGotTheirReplyAreScheduling) {
    // On the BEAM an await blocks when the task has not run yet; in the engine it may not have
    // to. Only waits that ended without their reply are semantics.
    TraceBuilder a, b;
    a.spawn(0, 1, 0, "s")
        .wait_start(1, 1, WaitKind::TaskAwait, 5000)
        .wait_end(2, 1, WaitOutcome::Message);
    b.spawn(0, 1, 0, "s");
    EXPECT_TRUE(compare_traces(a.events(), b.events()).equal);
    a.wait_start(3, 1, WaitKind::TaskYield, 10).wait_end(13, 1, WaitOutcome::Timeout);
    const CompareResult r = compare_traces(a.events(), b.events());
    ASSERT_FALSE(r.equal);
    EXPECT_THAT(r.differences.front(),
                HasSubstr("1 waits without their reply (TaskYield -> Timeout) vs 0"));
}

TEST(TraceCompare, SameCountOfFailedWaitsButDifferentOutcome) {
    TraceBuilder a, b;
    a.spawn(0, 1, 0, "s")
        .wait_start(1, 1, WaitKind::TaskAwait, 5)
        .wait_end(5, 1, WaitOutcome::Timeout);
    b.spawn(0, 1, 0, "s")
        .wait_start(1, 1, WaitKind::TaskAwait, 5)
        .wait_end(3, 1, WaitOutcome::Down);
    const CompareResult r = compare_traces(a.events(), b.events());
    ASSERT_FALSE(r.equal);
    EXPECT_THAT(r.differences.front(),
                HasSubstr("wait 1 TaskAwait -> Timeout vs TaskAwait -> Down"));
}

TEST(TraceCompare, DifferentOutputAndMessageAreReported) {
    const CompareResult r = compare_traces(supervised_await(1, 10).events(),
                                           supervised_await(96, 10, ":other").events());
    ASSERT_FALSE(r.equal);
    EXPECT_THAT(r.differences,
                ::testing::Contains(HasSubstr("printed output differs from byte 1")));
}

TEST(TraceCompare, MissingChildAndExitReason) {
    TraceBuilder a = supervised_await(1, 10);
    TraceBuilder b;
    b.spawn(0, 1, 0, "script.exs")
        .spawn(10, 2, 1, "Task.Supervisor")
        .exit(20, 1, "{:timeout, 5000}", ExitReasonClass::Crash);
    const CompareResult r = compare_traces(a.events(), b.events());
    ASSERT_FALSE(r.equal);
    EXPECT_THAT(r.differences,
                ::testing::Contains(HasSubstr(
                    "process script\u203a1 (Task.Supervisor): spawned 1 processes vs 0")));
    EXPECT_THAT(r.differences,
                ::testing::Contains(
                    HasSubstr("process script: exit Normal :normal vs Crash {:timeout, 5000}")));
}

TEST(TraceCompare, ExitStacktracesAreNotCompared) {
    TraceBuilder a, b;
    a.spawn(0, 1, 0, "s")
        .exit(1, 1, "{%RuntimeError{message: \"x\"}, [{:elixir_compiler_0, :f, 0, []}]}",
              ExitReasonClass::Crash);
    b.spawn(0, 1, 0, "s")
        .exit(1, 1, "{%RuntimeError{message: \"x\"}, [{:elixir_compiler_1, :g, 0, [file: 'a']}]}",
              ExitReasonClass::Crash);
    EXPECT_TRUE(compare_traces(a.events(), b.events()).equal);
    TraceBuilder c;
    c.spawn(0, 1, 0, "s")
        .exit(1, 1, "{%RuntimeError{message: \"y\"}, [{:m, :f, 0, []}]}", ExitReasonClass::Crash);
    EXPECT_FALSE(compare_traces(a.events(), c.events()).equal);
}

TEST(TraceCompare, CallerMustBeTheMatchingProcess) {
    TraceBuilder a, b;
    a.spawn(0, 1, 0, "s").spawn(1, 2, 1, "sup").spawn(2, 3, 2, "Task").caller(2, 3, 1);
    b.spawn(0, 1, 0, "s").spawn(1, 2, 1, "sup").spawn(2, 3, 2, "Task").caller(2, 3, 2);
    const CompareResult r = compare_traces(a.events(), b.events());
    ASSERT_FALSE(r.equal);
    EXPECT_THAT(r.differences.front(), HasSubstr("$callers starts with a different process"));
}

TEST(TraceCompare, ExitAfterTheScriptEndedIsNoDifference) {
    // The engine stops with the script; the BEAM recording sees the supervisor go down after it.
    TraceBuilder engine, beam;
    engine.spawn(0, 1, 0, "s").spawn(1, 2, 1, "sup").exit(5, 1, ":normal");
    beam.spawn(0, 1, 0, "s").spawn(1, 2, 1, "sup").exit(5, 1, ":normal").exit(6, 2, ":normal");
    EXPECT_TRUE(compare_traces(engine.events(), beam.events()).equal);
    // ...but a process that died while the script still ran must die in both.
    TraceBuilder early;
    early.spawn(0, 1, 0, "s").spawn(1, 2, 1, "sup").exit(3, 2, ":normal").exit(5, 1, ":normal");
    EXPECT_FALSE(compare_traces(engine.events(), early.events()).equal);
}

TEST(TraceCompare, CutTextsCompareAsFarAsBothGo) {
    TraceBuilder a, b;
    a.spawn(0, 1, 0, "s").send(1, 1, 1, "{:big, #PID<0.1.0>, [1, 2, 3, 4, 5, 6, 7, 8, 9]}...");
    b.spawn(0, 1, 0, "s").send(1, 1, 1, "{:big, #PID<0.96.0>, [1, 2, 3, 4, 5,...");
    EXPECT_TRUE(compare_traces(a.events(), b.events()).equal);
    TraceBuilder c;
    c.spawn(0, 1, 0, "s").send(1, 1, 1, "{:big, #PID<0.96.0>, [1, 2, 9,...");
    EXPECT_FALSE(compare_traces(a.events(), c.events()).equal);
}

TEST(TraceCompare, NormalizeIdentities) {
    EXPECT_EQ(normalize_identities("{#PID<0.93.0>, #Reference<0.1.2.3>, #Port<0.5>}"),
              "{#PID<_>, #Reference<_>, #Port<_>}");
    EXPECT_EQ(normalize_identities("{[:alias | #Reference<0.1.2.3>], :ok}"),
              "{#Reference<_>, :ok}");
    EXPECT_EQ(normalize_identities("# not <an identity>"), "# not <an identity>");
    EXPECT_EQ(normalize_identities("#PID<0.1"), "#PID<0.1");
}

TEST(TraceCompare, KnownDifferencesDoNotCountButAreListed) {
    const auto engine = supervised_await(1, 10);
    const auto beam = supervised_await(96, 10, ":done", WaitOutcome::Timeout);
    CompareOptions options;
    options.known_differences = {"waits without their reply (TaskAwait -> Timeout)",
                                 "spawned 7 processes"};
    const CompareResult r = compare_traces(engine.events(), beam.events(), options);
    EXPECT_TRUE(r.equal) << (r.differences.empty() ? "" : r.differences.front());
    ASSERT_EQ(r.known.size(), 1u);
    EXPECT_THAT(r.known.front(), HasSubstr("TaskAwait -> Timeout"));
    // The entry that matched nothing is named, so a stale line can be found.
    EXPECT_THAT(r.known_unused, ::testing::ElementsAre("spawned 7 processes"));
    // A known difference hides only itself: another one still counts.
    const auto other = supervised_await(96, 10, ":other", WaitOutcome::Timeout);
    const CompareResult r2 = compare_traces(engine.events(), other.events(), options);
    EXPECT_FALSE(r2.equal);
    EXPECT_THAT(r2.differences.front(), HasSubstr("printed output differs"));
    // "*" hides every difference of the scenario.
    options.known_differences = {"*"};
    EXPECT_TRUE(compare_traces(engine.events(), other.events(), options).equal);
}

TEST(TraceCompare, KnownDifferencesFile) {
    const KnownDifferencesFile file = parse_known_differences(
        "# comment\n\n"
        "task_42_shutdown | $callers empty vs set | queued vs taken\n"
        "  * | (Task.shutdown enforcer) | timing  \n"
        "other.exs | message 1 sent | order\n");
    ASSERT_TRUE(file.error.empty()) << file.error;
    ASSERT_EQ(file.entries.size(), 3u);
    EXPECT_EQ(file.entries[0].scenario, "task_42_shutdown");
    EXPECT_EQ(file.entries[0].difference, "$callers empty vs set");
    EXPECT_EQ(file.entries[1].reason, "timing");
    EXPECT_THAT(known_differences_for(file.entries, "task_42_shutdown.exs"),
                ::testing::ElementsAre("$callers empty vs set", "(Task.shutdown enforcer)"));
    EXPECT_THAT(known_differences_for(file.entries, "other"),
                ::testing::ElementsAre("(Task.shutdown enforcer)", "message 1 sent"));
    EXPECT_EQ(parse_known_differences("a | b\n").error,
              "line 1: expected SCENARIO | DIFFERENCE TEXT | REASON");
    EXPECT_EQ(parse_known_differences("# x\na |  | why\n").error,
              "line 2: the scenario, the difference text and the reason must not be empty");
}

}  // namespace
}  // namespace tasklens::trace
