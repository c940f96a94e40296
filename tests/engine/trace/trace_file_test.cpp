#include "engine/trace/trace_file.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/engine/trace/trace_fixture.h"

namespace tasklens::trace {
namespace {

using testing::TraceBuilder;

RunInfo sample_run() {
    RunInfo run;
    run.scenario = "await_timeout.exs";
    run.schedulers = 4;
    run.started_at = "2026-11-21T11:30:00Z";
    run.tasklens_version = "0.1.0";
    run.seed = 42;
    return run;
}

/// One event of every kind, with every field used somewhere, and awkward text.
std::vector<Event> every_kind() {
    std::vector<Event> events;
    for (int k = 0; k < kEventKindCount; ++k) {
        Event e;
        e.seq = static_cast<uint64_t>(k);
        e.time_us = 1000 * k;
        e.kind = static_cast<EventKind>(k);
        e.pid = Pid{0, static_cast<uint32_t>(k + 1)};
        if (k % 2 == 0) e.peer = Pid{1, 7};
        if (k % 3 == 0) e.ref.id = 1000000000000ull + k;
        if (k % 4 == 0) e.deadline_us = 5000 + k;
        if (k % 5 == 0) e.value = -k;
        e.flags = static_cast<uint8_t>(k % 8);
        e.detail = static_cast<uint8_t>(k % 3);
        e.text = "text " + std::to_string(k);
        events.push_back(e);
    }
    events[1].text = "{:badarith, \"quote\" \\ back\nslash\ttab \x01 ctl}";
    events[2].text = "unicode: héllo → 世界 🎉";
    events[3].text = std::string("bytes \xff\xfe not utf8 \0 nul", 24);
    events[4].text = "\xc0\xaf";  // overlong: not UTF-8
    events[5].text = "";
    events[6].detail = 200;  // out of its enum's range: kept raw
    events[7].pid = Pid{};   // no pid at all
    events[8].time_us = -5;  // times may be negative... but must not go back; fix below
    events[8].time_us = events[7].time_us;
    events[9].seq = 100;  // gaps in seq are allowed
    for (size_t i = 10; i < events.size(); ++i) events[i].seq = 100 + i;
    return events;
}

TEST(TraceFileRoundTrip, EveryFieldOfEveryKindSurvives) {
    const auto events = every_kind();
    std::stringstream file;
    write_trace(file, sample_run(), events);
    const TraceFile read = read_trace(file, "trace.jsonl");
    ASSERT_TRUE(read.ok()) << read.error->what();
    ASSERT_EQ(read.events.size(), events.size());
    for (size_t i = 0; i < events.size(); ++i)
        EXPECT_EQ(read.events[i], events[i])
            << "line " << i + 2 << ": " << format_event_line(events[i]);
    EXPECT_EQ(read.run.scenario, "await_timeout.exs");
    EXPECT_EQ(read.run.schedulers, 4);
    EXPECT_EQ(read.run.started_at, "2026-11-21T11:30:00Z");
    EXPECT_EQ(read.run.tasklens_version, "0.1.0");
    EXPECT_EQ(read.run.seed, 42);
}

TEST(TraceFileRoundTrip, LinesAreReadable) {
    TraceBuilder run;
    run.spawn(0, 2, 1, "Task.async/1", FlagLinked).state(3, 2, ProcessState::Running);
    EXPECT_EQ(
        format_event_line(run.events()[0]),
        R"({"seq":0,"t":0,"kind":"Spawn","pid":"<0.2.0>","peer":"<0.1.0>","flags":1,"text":"Task.async/1"})");
    EXPECT_EQ(format_event_line(run.events()[1]),
              R"({"seq":1,"t":3,"kind":"StateChange","pid":"<0.2.0>","state":"Running"})");
    Event bytes;
    bytes.kind = EventKind::Console;
    bytes.pid = Pid{0, 1};
    bytes.text = "\xff";
    EXPECT_THAT(format_event_line(bytes), ::testing::HasSubstr(R"("text_base64":"/w==")"));
}

TEST(TraceFileRoundTrip, TheWriterIsAnEventSink) {
    std::stringstream file;
    TraceWriter writer(file, sample_run());
    EventSink& sink = writer;
    TraceBuilder run;
    run.spawn(0, 2, 1, "Task.async/1").exit(5, 2, ":normal");
    for (const Event& e : run.events()) sink.on_event(e);
    EXPECT_EQ(writer.events_written(), 2u);
    writer.flush();  // lines are gathered in 64 KiB blocks
    const TraceFile read = read_trace(file, "trace.jsonl");
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read.events, run.events());
}

/// Reads `text` as a trace and returns the error as "file:line: message" ("" if none).
std::string error_of(const std::string& text) {
    std::istringstream in(text);
    const TraceFile read = read_trace(in, "trace.jsonl");
    return read.error ? read.error->what() : "";
}

const std::string kHeader = R"({"format":"tasklens-trace","version":1,"scenario":"x"})"
                            "\n";
const std::string kLine0 = R"({"seq":0,"t":0,"kind":"Spawn","pid":"<0.2.0>","peer":"<0.1.0>"})"
                           "\n";

TEST(TraceFileErrors, AValidFileHasNone) {
    EXPECT_EQ(error_of(kHeader + kLine0), "");
    // A last line without its newline is fine if it is complete.
    EXPECT_EQ(error_of(kHeader + kLine0.substr(0, kLine0.size() - 1)), "");
    EXPECT_EQ(error_of(kHeader), "");  // a run with no events
}

// A hand-made event text of megabytes would be laid out glyph by glyph by every view: the
// reader keeps its first 64 KiB, cut at a code point, then "…".
TEST(TraceFileErrors, AHugeTextIsCutAtACodePointAfter64KiB) {
    std::string text = "a";
    for (int i = 0; i < 40'000; ++i) text += "\xc3\xa9";  // é: byte 65,536 is inside one
    std::istringstream in(kHeader + R"({"seq":0,"t":0,"kind":"Spawn","pid":"<0.2.0>","text":")" +
                          text + "\"}\n");
    const TraceFile read = read_trace(in, "trace.jsonl");
    ASSERT_TRUE(read.ok()) << read.error->what();
    ASSERT_EQ(read.events.size(), 1u);
    EXPECT_EQ(read.events[0].text, text.substr(0, 65'535) + "\u2026");
}

TEST(TraceFileErrors, EachProblemNamesItsLine) {
    EXPECT_EQ(error_of(""), "trace.jsonl:1: empty file: expected a tasklens-trace header");
    EXPECT_EQ(error_of("{\"format\":\"chrome\",\"version\":1}\n"),
              "trace.jsonl:1: not a tasklens trace: the header's \"format\" must be "
              "\"tasklens-trace\"");
    EXPECT_EQ(error_of("{\"format\":\"tasklens-trace\",\"version\":2}\n"),
              "trace.jsonl:1: unsupported trace version 2 (this build reads version 1)");
    EXPECT_EQ(error_of("{\"format\":\"tasklens-trace\"}\n"),
              "trace.jsonl:1: the header has no integer \"version\"");
    EXPECT_THAT(error_of("[1,2]\n"), ::testing::StartsWith("trace.jsonl:1: not a tasklens trace "
                                                           "header: expected a JSON object"));

    EXPECT_EQ(error_of(kHeader + kLine0 +
                       R"({"seq":1,"t":0,"kind":"Spwan","pid":"<0.2.0>"})"
                       "\n"),
              "trace.jsonl:3: unknown event kind \"Spwan\"");
    EXPECT_THAT(error_of(kHeader + kLine0 + "{\"seq\":1,\"t\":0,\"kind\n"),
                ::testing::StartsWith("trace.jsonl:3: not valid JSON ("));
    EXPECT_EQ(error_of(kHeader + R"({"seq":0,"kind":"Spawn","pid":"<0.2.0>"})"
                                 "\n"),
              "trace.jsonl:2: missing field \"t\"");
    EXPECT_EQ(error_of(kHeader + R"({"seq":0,"t":1,"kind":"Spawn"})"
                                 "\n"),
              "trace.jsonl:2: missing field \"pid\"");
    EXPECT_EQ(error_of(kHeader + R"({"seq":0,"t":1,"kind":"StateChange","pid":"<0.2.0>"})"
                                 "\n"),
              "trace.jsonl:2: missing field \"state\"");
    EXPECT_EQ(error_of(kHeader + R"({"seq":0,"t":"soon","kind":"Spawn","pid":"<0.2.0>"})"
                                 "\n"),
              "trace.jsonl:2: field \"t\" must be an integer (microseconds), found string");
    EXPECT_EQ(error_of(kHeader + R"({"seq":-1,"t":0,"kind":"Spawn","pid":"<0.2.0>"})"
                                 "\n"),
              "trace.jsonl:2: field \"seq\" must be a non-negative integer, found number");
    EXPECT_EQ(
        error_of(kHeader + R"({"seq":0,"t":0,"kind":"Spawn","pid":2})"
                           "\n"),
        "trace.jsonl:2: field \"pid\" must be a pid string \"<node.serial.0>\", found number");
    EXPECT_EQ(error_of(kHeader + R"({"seq":0,"t":0,"kind":"Spawn","pid":"<0.x.0>"})"
                                 "\n"),
              "trace.jsonl:2: field \"pid\": \"<0.x.0>\" is not a pid \"<node.serial.0>\"");
    EXPECT_EQ(error_of(kHeader +
                       R"({"seq":0,"t":0,"kind":"StateChange","pid":"<0.2.0>","state":"Dancing"})"
                       "\n"),
              "trace.jsonl:2: unknown state \"Dancing\"");
    EXPECT_EQ(error_of(kHeader + R"({"seq":0,"t":0,"kind":"Console","pid":"<0.2.0>","text":5})"
                                 "\n"),
              "trace.jsonl:2: field \"text\" must be a string, found number");
    EXPECT_EQ(
        error_of(kHeader + R"({"seq":0,"t":0,"kind":"Console","pid":"<0.2.0>","text_base64":"!!"})"
                           "\n"),
        "trace.jsonl:2: field \"text_base64\" is not valid base64");
    EXPECT_EQ(error_of(kHeader + "\"just a string\"\n"),
              "trace.jsonl:2: expected a JSON object, found string");
}

TEST(TraceFileErrors, OrderIsChecked) {
    EXPECT_EQ(error_of(kHeader + kLine0 + kLine0),
              "trace.jsonl:3: seq 0 does not follow the previous seq 0");
    EXPECT_EQ(error_of(kHeader +
                       R"({"seq":0,"t":10,"kind":"Spawn","pid":"<0.2.0>"})"
                       "\n" +
                       R"({"seq":1,"t":9,"kind":"Spawn","pid":"<0.3.0>"})"
                       "\n"),
              "trace.jsonl:3: time 9 us goes back before the previous event's 10 us");
}

TEST(TraceFileErrors, TruncatedLastLineKeepsWhatCameBefore) {
    std::istringstream in(kHeader + kLine0 + R"({"seq":1,"t":0,"kind":"Sp)");
    const TraceFile read = read_trace(in, "trace.jsonl");
    ASSERT_TRUE(read.error.has_value());
    EXPECT_EQ(read.error->line, 3u);
    EXPECT_THAT(read.error->what(),
                ::testing::StartsWith("trace.jsonl:3: truncated last line (no newline at the end"));
    EXPECT_EQ(read.events.size(), 1u);
}

TEST(TraceFileErrors, GarbageNeverCrashes) {
    // Every prefix of a valid file, and the file with each byte replaced, reads without crashing.
    std::stringstream file;
    write_trace(file, sample_run(), every_kind());
    const std::string text = file.str();
    for (size_t cut = 0; cut < text.size(); cut += 7) {
        std::istringstream in(text.substr(0, cut));
        (void)read_trace(in, "t");
    }
    for (size_t i = 0; i < text.size(); i += 3) {
        std::string broken = text;
        broken[i] = static_cast<char>(broken[i] ^ 0x5A);
        std::istringstream in(broken);
        (void)read_trace(in, "t");
    }
    SUCCEED();
}

TEST(TraceFileDocs, TheDocumentedExampleIsAValidTrace) {
    std::ifstream doc(TASKLENS_SOURCE_DIR "/docs/trace-format.md");
    ASSERT_TRUE(doc) << "docs/trace-format.md not found";
    const std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
    const auto begin = text.find("```jsonl\n");
    ASSERT_NE(begin, std::string::npos);
    const auto body = begin + std::string_view("```jsonl\n").size();
    const auto end = text.find("```", body);
    std::istringstream example(text.substr(body, end - body));
    const TraceFile read = read_trace(example, "example.jsonl");
    ASSERT_TRUE(read.ok()) << read.error->what();
    EXPECT_EQ(read.run.scenario, "await_timeout.exs");
    ASSERT_EQ(read.events.size(), 10u);
    EXPECT_EQ(read.events[2].kind, EventKind::Caller);
    EXPECT_EQ(read.events[3].wait_kind, WaitKind::TaskAwait);
    EXPECT_EQ(read.events[3].deadline_us, 5010);
    // Writing it back gives the same lines: the example is in the writer's canonical form.
    for (size_t i = 0; i < read.events.size(); ++i)
        EXPECT_NE(text.find(format_event_line(read.events[i]) + "\n", body), std::string::npos)
            << format_event_line(read.events[i]);
}

TEST(TraceFileErrors, MissingFileIsAnError) {
    const TraceFile read = read_trace_file("/nonexistent/trace.jsonl");
    ASSERT_TRUE(read.error.has_value());
    EXPECT_EQ(read.error->what(), "/nonexistent/trace.jsonl:0: cannot open the file");
}

}  // namespace
}  // namespace tasklens::trace
