#include "engine/trace/exporters.h"

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/engine/trace/trace_fixture.h"

namespace tasklens::trace {
namespace {

using ::testing::HasSubstr;
using testing::TraceBuilder;
using Json = nlohmann::json;

/// A supervisor with a registered name, a worker that crashes and is restarted, a task awaited by
/// main (reply), and a monitor that fires (DOWN).
TraceModel observed_run() {
    TraceBuilder run;
    run.state(0, 1, ProcessState::Running)
        .spawn(0, 2, 1, "Supervisor.start_link/2", FlagLinked)
        .register_name(0, 2, "MyApp.Supervisor")
        .spawn(1, 3, 2, "Worker.start_link/1", FlagLinked)
        .child_start(1, 2, 3, "worker")
        .state(1, 3, ProcessState::Running)
        .spawn(2, 4, 1, "Task.async/1", FlagLinked | FlagMonitored, 9)
        .caller(2, 4, 1)
        .state(2, 4, ProcessState::Running)
        .wait_start(2, 1, WaitKind::TaskAwait, 5002, 4, 9)
        .state(2, 1, ProcessState::Waiting)
        .reply(6, 4, 1, 9)
        .state(6, 4, ProcessState::Exiting)
        .exit(6, 4, ":normal")
        .wait_end(6, 1, WaitOutcome::Message)
        .state(6, 1, ProcessState::Running)
        .monitor(7, 1, 3, 11)
        .exit(10, 3, "{%RuntimeError{message: \"boom\"}, []}", ExitReasonClass::Crash)
        .down(10, 1, 3, 11, "{%RuntimeError{message: \"boom\"}, []}")
        .exit_signal(10, 2, 3, SignalDisposition::Trapped, "boom")
        .spawn(11, 5, 2, "Worker.start_link/1", FlagLinked)
        .child_restart(11, 2, 5, "worker", 1)
        .state(11, 5, ProcessState::Waiting)
        .monitor(12, 1, 5, 13)
        .console(20, 1, "done");
    RunInfo info;
    info.scenario = "observed.exs";
    info.schedulers = 2;
    return TraceModel(run.events(), info);
}

TEST(ChromeTraceExport, IsValidTraceEventJsonWithATrackPerProcess) {
    const TraceModel model = observed_run();
    std::stringstream out;
    write_chrome_trace(out, model);
    const Json doc = Json::parse(out.str());  // throws (fails the test) if not valid JSON
    ASSERT_TRUE(doc.contains("traceEvents"));
    const Json& events = doc["traceEvents"];
    ASSERT_TRUE(events.is_array());

    std::map<int64_t, std::string> thread_names;
    std::map<uint64_t, std::vector<Json>> flows;
    std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>> state_slices;
    std::set<std::pair<int64_t, int64_t>> markers;  // (tid, ts) of zero-length marker slices
    int exits = 0;
    int64_t previous_ts = std::numeric_limits<int64_t>::min();
    for (const Json& e : events) {
        ASSERT_TRUE(e.contains("ph") && e["ph"].is_string()) << e.dump();
        ASSERT_TRUE(e.contains("pid")) << e.dump();
        const std::string ph = e["ph"];
        if (ph == "M") {
            if (e["name"] == "thread_name") thread_names[e["tid"]] = e["args"]["name"];
            continue;
        }
        ASSERT_TRUE(e["ts"].is_number_integer()) << e.dump();
        const int64_t ts = e["ts"];
        EXPECT_GE(ts, previous_ts) << "timed events are sorted";
        previous_ts = ts;
        if (ph == "X") {
            ASSERT_TRUE(e["dur"].is_number_integer());
            EXPECT_GE(e["dur"].get<int64_t>(), 0);
            if (e["cat"] == "state")
                state_slices[e["tid"]].emplace_back(ts, ts + e["dur"].get<int64_t>());
            else
                markers.emplace(e["tid"], ts);
        } else if (ph == "s" || ph == "f") {
            flows[e["id"]].push_back(e);
        } else if (ph == "i") {
            EXPECT_EQ(e["s"], "t");
            EXPECT_EQ(e["name"], "exit");
            ++exits;
        } else {
            EXPECT_EQ(ph, "C") << e.dump();
        }
    }

    // A named track per process.
    ASSERT_EQ(thread_names.size(), model.process_count());
    EXPECT_EQ(thread_names[2], "MyApp.Supervisor #PID<0.2.0>");
    EXPECT_EQ(thread_names[4], "Task.async/1 #PID<0.4.0>");
    // State slices on a track never overlap (Perfetto drops partially overlapping slices).
    for (auto& [tid, slices] : state_slices) {
        std::sort(slices.begin(), slices.end());
        for (size_t i = 1; i < slices.size(); ++i)
            EXPECT_LE(slices[i - 1].second, slices[i].first) << "tid " << tid;
    }
    // Each flow is one "s" and one "f" (bound to the enclosing slice), with the same name and
    // category, each on a marker slice.
    ASSERT_EQ(flows.size(), 2u);  // the reply and the DOWN
    std::set<std::string> flow_names;
    for (const auto& [id, pair] : flows) {
        ASSERT_EQ(pair.size(), 2u);
        EXPECT_EQ(pair[0]["ph"], "s");
        EXPECT_EQ(pair[1]["ph"], "f");
        EXPECT_EQ(pair[1]["bp"], "e");
        EXPECT_EQ(pair[0]["name"], pair[1]["name"]);
        EXPECT_EQ(pair[0]["cat"], pair[1]["cat"]);
        EXPECT_LE(pair[0]["ts"].get<int64_t>(), pair[1]["ts"].get<int64_t>());
        for (const Json& end : pair)
            EXPECT_TRUE(markers.contains({end["tid"].get<int64_t>(), end["ts"].get<int64_t>()}));
        flow_names.insert(pair[0]["name"]);
    }
    EXPECT_THAT(flow_names, ::testing::ElementsAre("DOWN", "reply"));
    EXPECT_EQ(exits, 2);
    EXPECT_EQ(doc["otherData"]["scenario"], "observed.exs");
}

TEST(DotExport, SupervisionTreeWithDeadChildrenLinksAndMonitors) {
    const TraceModel model = observed_run();
    std::stringstream at_10;
    write_supervision_dot(at_10, model, 10);
    const std::string dot = at_10.str();
    EXPECT_THAT(dot, ::testing::StartsWith("digraph supervision {"));
    EXPECT_THAT(dot, ::testing::EndsWith("}\n"));
    // The crashed worker is still shown, dead, under the supervisor.
    EXPECT_THAT(
        dot,
        HasSubstr("pid_0_2 [label=\"MyApp.Supervisor\\n#PID<0.2.0>\", style=\"rounded,bold\"]"));
    EXPECT_THAT(dot, HasSubstr("style=\"rounded,dashed\", color=grey, fontcolor=grey"));
    EXPECT_THAT(dot, HasSubstr("pid_0_1 -> pid_0_2;"));
    EXPECT_THAT(dot, HasSubstr("pid_0_2 -> pid_0_3 [style=dashed, color=grey];"));
    EXPECT_THAT(dot, HasSubstr("\\\"boom\\\""));  // quotes in the exit reason are escaped
    EXPECT_THAT(dot, HasSubstr("pid_0_1 -> pid_0_2 [dir=none"));  // the spawn_link

    std::stringstream at_15;
    write_supervision_dot(at_15, model, 15);
    const std::string later = at_15.str();
    EXPECT_THAT(later, HasSubstr("pid_0_2 -> pid_0_5;"));
    EXPECT_THAT(later, HasSubstr("restarts: 1"));
    EXPECT_THAT(later,
                HasSubstr("pid_0_1 -> pid_0_5 [style=dotted"));  // main monitors the new worker
    EXPECT_THAT(later, ::testing::Not(HasSubstr("pid_0_3 ")));   // the old worker was replaced

    // Every edge names declared nodes.
    const std::regex node_decl(R"(\n  (pid_\d+_\d+) \[label)");
    std::set<std::string> nodes;
    for (auto it = std::sregex_iterator(later.begin(), later.end(), node_decl);
         it != std::sregex_iterator(); ++it)
        nodes.insert((*it)[1]);
    const std::regex edge(R"(\n  (pid_\d+_\d+) -> (pid_\d+_\d+))");
    for (auto it = std::sregex_iterator(later.begin(), later.end(), edge);
         it != std::sregex_iterator(); ++it) {
        EXPECT_TRUE(nodes.contains((*it)[1])) << (*it)[1];
        EXPECT_TRUE(nodes.contains((*it)[2])) << (*it)[2];
    }
}

}  // namespace
}  // namespace tasklens::trace
