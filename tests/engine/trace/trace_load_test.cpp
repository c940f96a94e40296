// The fast line parser and the streaming loader: the fast path reads exactly what the general
// parser reads, a cut-off tail is a warning naming its line, a bad line in the middle stays an
// error, and running over the memory budget is a clear error instead of std::bad_alloc.
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/trace/trace_file.h"
#include "engine/trace/trace_line_parser.h"

namespace tasklens::trace {
namespace {

const std::string kHeader = R"({"format":"tasklens-trace","version":1,"scenario":"s"})"
                            "\n";

std::string line(uint64_t seq, int64_t t, uint32_t pid, const std::string& rest = "") {
    return R"({"seq":)" + std::to_string(seq) + R"(,"t":)" + std::to_string(t) +
           R"(,"kind":"Spawn","pid":"<0.)" + std::to_string(pid) + R"(.0>")" + rest + "}\n";
}

TEST(TraceLineParser, FastPathAgreesWithTheWriterOnEveryKind) {
    // Every kind with every field, awkward text included: written, then read by the fast path.
    for (int k = 0; k < kEventKindCount; ++k) {
        Event e;
        e.seq = 7 + k;
        e.time_us = 1000 * k - 5;
        e.kind = static_cast<EventKind>(k);
        e.pid = Pid{0, uint32_t(k + 1)};
        e.peer = Pid{2, 9};
        e.ref.id = 1000000000000ull + k;
        e.deadline_us = k % 2 ? -1 : 5000 + k;
        e.value = -k;
        e.flags = uint8_t(k % 8);
        e.detail = uint8_t(k % 3);
        e.text = k % 3 == 0   ? "plain"
                 : k % 3 == 1 ? "q\"uote\\ \n\t\x01 h\xc3\xa9llo \xf0\x9f\x8e\x89"
                              : std::string("\xff\xfe bytes", 8);
        const std::string written = format_event_line(e);
        Event fast;
        ASSERT_TRUE(parse_event_line_fast(written, fast)) << written;
        EXPECT_EQ(fast, e) << written;
    }
}

TEST(TraceLineParser, AnythingUnusualGoesToTheGeneralParser) {
    const char* lines[] = {
        R"({"seq":1,"t":0,"kind":"Spwan","pid":"<0.1.0>"})",                  // unknown kind
        R"({"seq":1,"t":0.5,"kind":"Spawn","pid":"<0.1.0>"})",                // float
        R"({"seq":-1,"t":0,"kind":"Spawn","pid":"<0.1.0>"})",                 // negative seq
        R"({"seq":1,"t":0,"kind":"Spawn"})",                                  // no pid
        R"({"seq":1,"t":0,"kind":"StateChange","pid":"<0.1.0>"})",            // no state
        R"({"seq":1,"t":0,"kind":"Spawn","pid":"<0.1.0>","x":[1]})",          // unknown key
        R"({"seq":1,"t":0,"kind":"Spawn","pid":"<0.1.0>"} trailing)",         // junk after
        R"({"seq":1,"t":0,"kind":"Spawn","pid":"<0.1.0>","text":"\ud800"})",  // lone surrogate
        R"({"seq":1,"t":0,"kind":"Spawn","pid":"<0.1.0>","text":"a)",         // cut off
        R"({"seq":1,"t":0,"kind":"Spawn","pid":"<0.1.0>","flags":256})",      // out of range
        R"({"seq":1,"t":0,"kind":"Spawn","pid":"<0.1.0>","text_base64":"!!"})",
    };
    for (const char* text : lines) {
        Event e;
        EXPECT_FALSE(parse_event_line_fast(text, e)) << text;
    }
}

TEST(TraceLineParser, WriterShapedLinesAtTheEdgesReadTheSameEitherWay) {
    // Lines in the writer's key order read by the canonical reader or, at its edges (19-digit
    // numbers, raw detail bytes, escapes, spaces), by the general fast path: same events.
    struct Case {
        const char* line;
        bool ok;
        uint64_t seq;
        int64_t time_us;
        uint8_t detail;
        Pid peer;
        const char* text;
    };
    const Case cases[] = {
        {R"({"seq":18446744073709551615,"t":-5,"kind":"Spawn","pid":"<0.1.0>"})",
         true,
         18446744073709551615ull,
         -5,
         0,
         {},
         ""},
        {R"({"seq":1,"t":2,"kind":"StateChange","pid":"<0.1.0>","detail":3})",
         true,
         1,
         2,
         3,
         {},
         ""},
        {R"({"seq":1,"t":2,"kind":"StateChange","pid":"<0.1.0>","state":"Sleeping"})",
         true,
         1,
         2,
         3,
         {},
         ""},
        {R"({"seq":1,"t":2,"kind":"Send","pid":"<0.1.0>","detail":7,"peer":"<3.4294967295.0>","text":":go"})",
         true, 1, 2, 7, Pid{3, 4294967295u}, ":go"},
        {R"({"seq":1,"t":2,"kind":"Send","pid":"<0.1.0>","text":"a\"b"})",
         true,
         1,
         2,
         0,
         {},
         "a\"b"},
        {R"({"seq":1, "t":2,"kind":"Send","pid":"<0.1.0>","text":"x"})", true, 1, 2, 0, {}, "x"},
        {R"({"seq":1,"t":2,"kind":"Send","pid":"<0.4294967296.0>"})", false, 0, 0, 0, {}, ""},
        {R"({"seq":01,"t":2,"kind":"Send","pid":"<0.1.0>"})", false, 0, 0, 0, {}, ""},
        {R"({"seq":1,"t":2,"kind":"StateChange","pid":"<0.1.0>"})", false, 0, 0, 0, {}, ""},
        {R"({"seq":1,"t":2,"kind":"Send","pid":"<0.1.0>","text":"x"} )", true, 1, 2, 0, {}, "x"},
        {R"({"seq":1,"t":2,"kind":"Send","pid":"<0.1.0>","text":"x"}x)", false, 0, 0, 0, {}, ""},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.line);
        Event e;
        ASSERT_EQ(parse_event_line_fast(c.line, e), c.ok);
        if (!c.ok) continue;
        EXPECT_EQ(e.seq, c.seq);
        EXPECT_EQ(e.time_us, c.time_us);
        EXPECT_EQ(e.detail, c.detail);
        EXPECT_EQ(e.pid, (Pid{0, 1}));
        EXPECT_EQ(e.peer, c.peer);
        EXPECT_EQ(e.text, c.text);
        EXPECT_EQ(e.ref.id, 0u);
        EXPECT_EQ(e.deadline_us, -1);
    }
}

TEST(TraceLoad, ReadsIntoAModelWithProgress) {
    std::string text = kHeader;
    for (uint32_t i = 0; i < 10000; ++i) text += line(i, i, i + 1);
    std::istringstream in(text);
    std::vector<uint64_t> progress;
    TraceLoadOptions options;
    options.progress = [&](uint64_t read, uint64_t total) {
        EXPECT_EQ(total, text.size());
        progress.push_back(read);
        return true;
    };
    const LoadedTrace loaded = load_trace(in, "t.jsonl", text.size(), options);
    ASSERT_TRUE(loaded.ok()) << loaded.error->what();
    EXPECT_FALSE(loaded.warning.has_value());
    EXPECT_EQ(loaded.model.event_count(), 10000u);
    EXPECT_EQ(loaded.model.process_count(), 10000u);
    EXPECT_EQ(loaded.model.run_info().scenario, "s");
    ASSERT_FALSE(progress.empty());
    EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
    EXPECT_EQ(progress.back(), text.size());
}

TEST(TraceLoad, ACutOffTailIsAWarningThatNamesTheLine) {
    struct Case {
        const char* name;
        std::string tail;
        uint64_t line;
        const char* message_start;
    };
    const Case cases[] = {
        {"no newline at the end", R"({"seq":3,"t":3,"kind":"Sp)", 5,
         "t.jsonl:5: truncated last line (no newline at the end"},
        {"garbage on the last line", "{\"seq\":3,\"t\n\n  \n", 5, "t.jsonl:5: not valid JSON"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        std::istringstream in(kHeader + line(0, 0, 1) + line(1, 1, 2) + line(2, 2, 3) + c.tail);
        const LoadedTrace loaded = load_trace(in, "t.jsonl");
        ASSERT_TRUE(loaded.ok()) << loaded.error->what();
        ASSERT_TRUE(loaded.warning.has_value());
        EXPECT_EQ(loaded.warning->line, c.line);
        EXPECT_THAT(loaded.warning->what(), ::testing::StartsWith(c.message_start));
        EXPECT_THAT(loaded.warning->what(),
                    ::testing::EndsWith("; opened up to line 4 (3 events)"));
        EXPECT_EQ(loaded.model.event_count(), 3u);
    }
}

TEST(TraceLoad, ABadLineInTheMiddleIsAnError) {
    std::istringstream in(kHeader + line(0, 0, 1) +
                          R"({"seq":1,"t":1,"kind":"Spwan","pid":"<0.2.0>"})"
                          "\n" +
                          line(2, 2, 3));
    const LoadedTrace loaded = load_trace(in, "t.jsonl");
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error->what(), "t.jsonl:3: unknown event kind \"Spwan\"");
    EXPECT_EQ(loaded.model.event_count(), 1u);
}

TEST(TraceLoad, OverTheMemoryBudgetIsAClearError) {
    std::string text = kHeader;
    for (uint32_t i = 0; i < 300000; ++i) text += line(i, i, i + 1);
    std::istringstream in(text);
    TraceLoadOptions options;
    options.memory_budget_bytes = 1 << 20;  // 1 MiB: far too little for 300k processes
    const LoadedTrace loaded = load_trace(in, "big.jsonl", text.size(), options);
    ASSERT_FALSE(loaded.ok());
    EXPECT_THAT(loaded.error->what(),
                ::testing::HasSubstr("not enough memory to load this trace: the first"));
    EXPECT_THAT(loaded.error->what(), ::testing::HasSubstr("of the 1 MiB this machine can spare"));
}

TEST(TraceLoad, CancelledByTheProgressCallback) {
    std::string text = kHeader;
    for (uint32_t i = 0; i < 20000; ++i) text += line(i, i, 1);
    std::istringstream in(text);
    TraceLoadOptions options;
    options.progress = [](uint64_t, uint64_t) { return false; };
    const LoadedTrace loaded = load_trace(in, "t.jsonl", 0, options);
    ASSERT_FALSE(loaded.ok());
    EXPECT_THAT(loaded.error->message, ::testing::StartsWith("the load was cancelled after"));
}

TEST(TraceLoad, LinesLongerThanTheReadBufferAreRead) {
    const std::string long_text(3 << 20, 'x');  // 3 MiB of text on one line
    std::istringstream in(kHeader + line(0, 0, 1, R"(,"text":")" + long_text + "\"") +
                          line(1, 1, 2));
    const LoadedTrace loaded = load_trace(in, "t.jsonl");
    ASSERT_TRUE(loaded.ok()) << loaded.error->what();
    ASSERT_EQ(loaded.model.event_count(), 2u);
    // read whole, then cut to the 64 KiB a text keeps (trace-format.md)
    EXPECT_EQ(loaded.model.event(0).text, long_text.substr(0, 64 * 1024) + "\u2026");
}

}  // namespace
}  // namespace tasklens::trace
