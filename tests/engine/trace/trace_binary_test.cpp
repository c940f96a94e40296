// The binary trace format (engine/trace/trace_binary.h): lossless round trips, the same model as
// the JSONL of the same events, errors located by record and byte, a cut-off tail as a warning,
// and hostile bytes that fail cleanly instead of allocating what they claim.
#include <fstream>
#include <limits>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/trace/trace_binary.h"
#include "engine/trace/trace_file.h"
#include "engine/trace/trace_line_parser.h"

namespace tasklens::trace {
namespace {

using ::testing::HasSubstr;

RunInfo runInfo() {
    RunInfo run;
    run.scenario = "binary.exs";
    run.schedulers = 3;
    run.started_at = "2026-12-07T22:00:00Z";
    run.tasklens_version = "0.1.0";
    run.seed = -7;
    return run;
}

/// Every kind, every field, awkward values: seq gaps, a negative first time, texts repeated,
/// not UTF-8, long enough to be written in place, and past the 64 KiB every reader keeps.
std::vector<Event> awkwardEvents() {
    std::vector<Event> events;
    uint64_t seq = 3;
    int64_t t = -50;
    for (int i = 0; i < 3 * kEventKindCount; ++i) {
        Event e;
        e.seq = seq;
        seq += i % 5 == 0 ? 1000 : 1;
        e.time_us = t;
        t += i % 4 == 0 ? 0 : 1 + i * 1000;
        e.kind = static_cast<EventKind>(i % kEventKindCount);
        e.pid = Pid{uint32_t(i % 3), uint32_t(i + 1)};
        if (i % 2) e.peer = Pid{0xFFFFFFFFu, 0xFFFFFFFFu};
        if (i % 3) e.ref.id = ~uint64_t{0} - uint64_t(i);
        if (i % 4 == 1) e.deadline_us = e.time_us + 5000;
        if (i % 4 == 2) e.deadline_us = std::numeric_limits<int64_t>::min();
        e.value = i % 2 ? -int64_t(i) * 1000000007 : std::numeric_limits<int64_t>::max() - i;
        e.flags = uint8_t(i * 37);
        e.detail = uint8_t(i * 11);
        switch (i % 6) {
            case 0:
                e.text = "";
                break;
            case 1:
                e.text = "Task.async/1";
                break;
            case 2:
                e.text = std::string("\xff\x00\xfe bytes", 9);
                break;
            case 3:
                e.text = std::string(3000, 'x');
                break;  // written in place
            case 4:
                e.text = "Task.async/1";
                break;  // a reference to the table
            default:
                e.text = "h\xc3\xa9llo " + std::to_string(i);
                break;
        }
        events.push_back(e);
    }
    return events;
}

std::string binaryOf(const std::vector<Event>& events) {
    std::ostringstream out;
    write_binary_trace(out, runInfo(), events);
    return out.str();
}

TEST(BinaryTrace, RoundTripsEveryFieldExactly) {
    const auto events = awkwardEvents();
    const std::string bytes = binaryOf(events);
    EXPECT_TRUE(looks_like_binary_trace(bytes));
    std::istringstream in(bytes);
    const TraceFile file = read_trace(in, "t.tlb");
    ASSERT_TRUE(file.ok()) << file.error->what();
    EXPECT_EQ(file.run.scenario, "binary.exs");
    EXPECT_EQ(file.run.schedulers, 3);
    EXPECT_EQ(file.run.seed, -7);
    EXPECT_EQ(file.run.started_at, "2026-12-07T22:00:00Z");
    ASSERT_EQ(file.events.size(), events.size());
    for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(file.events[i], events[i]) << i;
}

TEST(BinaryTrace, RepeatedTextsAreWrittenOnce) {
    std::vector<Event> events(100);
    for (size_t i = 0; i < events.size(); ++i) {
        events[i].seq = i;
        events[i].pid = Pid{0, 1};
        events[i].text = "{:result, 42, \"the same message every time\"}";
    }
    const std::string bytes = binaryOf(events);
    const size_t once = bytes.find("the same message");
    ASSERT_NE(once, std::string::npos);
    EXPECT_EQ(bytes.find("the same message", once + 1), std::string::npos);
    // kind, mask, pid (2), reference (1): 5 bytes per later event, after a header of ~160.
    EXPECT_LT(bytes.size(), 300u + 99 * 5);
}

TEST(BinaryTrace, LongTextsAreCutLikeJsonl) {
    Event e;
    e.pid = Pid{0, 1};
    e.text = std::string(kMaxEventTextBytes - 1, 'a') + "\xc3\xa9" + std::string(100000, 'b');
    std::istringstream in(binaryOf({e}));
    const TraceFile file = read_trace(in, "t.tlb");
    ASSERT_TRUE(file.ok()) << file.error->what();
    std::string expected = e.text;
    cut_event_text(expected);
    EXPECT_EQ(file.events.at(0).text, expected);
    EXPECT_TRUE(
        file.events.at(0).text.ends_with(std::string(kMaxEventTextBytes - 1, 'a') + "\u2026"));
}

TEST(BinaryTrace, LoadsTheSameModelAsTheJsonlOfTheSameEvents) {
    const auto events = awkwardEvents();
    std::ostringstream jsonl;
    write_trace(jsonl, runInfo(), events);
    std::istringstream json_in(jsonl.str());
    std::istringstream binary_in(binaryOf(events));
    const LoadedTrace from_json = load_trace(json_in, "t.jsonl");
    const LoadedTrace from_binary = load_trace(binary_in, "t.tlb");
    ASSERT_TRUE(from_json.ok());
    ASSERT_TRUE(from_binary.ok()) << from_binary.error->what();
    ASSERT_EQ(from_binary.model.event_count(), from_json.model.event_count());
    for (uint32_t i = 0; i < from_json.model.event_count(); ++i) {
        EXPECT_EQ(from_binary.model.event(i), from_json.model.event(i)) << i;
        // The binary load interns through the file's text table: the same ids all the same.
        EXPECT_EQ(from_binary.model.record(i).text, from_json.model.record(i).text) << i;
    }
    EXPECT_EQ(from_binary.model.process_count(), from_json.model.process_count());
    // And smaller, though a third of these events carry 3,000-byte texts that both write whole.
    EXPECT_LT(binaryOf(events).size(), jsonl.str().size());
}

TEST(BinaryTrace, TheReaderNumbersTableTextsAndCanLeaveThemToItsCaller) {
    std::vector<Event> events(6);
    const std::vector<std::string> texts = {"A", "B", "A", std::string(2000, 'x'), "", "B"};
    for (size_t i = 0; i < events.size(); ++i) {
        events[i].seq = i;
        events[i].pid = Pid{0, 1};
        events[i].text = texts[i];
    }
    const std::string bytes = binaryOf(events);
    constexpr uint64_t kNo = BinaryTraceReader::kNoTableText;
    const std::vector<uint64_t> indexes = {0, 1, 0, kNo, kNo, 1};
    for (const bool skip : {false, true}) {
        std::istringstream in(bytes);
        BinaryTraceReader reader(in, "t.tlb");
        reader.skip_table_texts(skip);
        ASSERT_TRUE(reader.read_header());
        Event e;
        for (size_t i = 0; i < events.size(); ++i) {
            ASSERT_TRUE(reader.next(e)) << i;
            EXPECT_EQ(reader.text_table_index(), indexes[i]) << i;
            // Skipping leaves out the texts referred to, never the one defining an entry.
            const bool referred = skip && (i == 2 || i == 5);
            EXPECT_EQ(e.text, referred ? std::string() : texts[i]) << i;
        }
        EXPECT_FALSE(reader.next(e));
        EXPECT_FALSE(reader.error().has_value());
    }
}

/// The bytes of a trace of `n` simple events, and where each record starts.
std::string simpleTrace(int n, std::vector<size_t>* starts = nullptr) {
    std::ostringstream out;
    BinaryTraceWriter writer(out, runInfo());
    writer.flush();
    for (int i = 0; i < n; ++i) {
        if (starts) starts->push_back(out.str().size());
        Event e;
        e.seq = uint64_t(i);
        e.time_us = i * 10;
        e.kind = EventKind::Spawn;
        e.pid = Pid{0, uint32_t(i + 1)};
        e.text = "Worker.run/1";
        writer.on_event(e);
        writer.flush();
    }
    return out.str();
}

TEST(BinaryTrace, ACutOffLastRecordIsAWarningNamingTheRecord) {
    std::vector<size_t> starts;
    const std::string bytes = simpleTrace(5, &starts);
    for (size_t cut = starts[4] + 1; cut < bytes.size(); ++cut) {
        std::istringstream in(bytes.substr(0, cut));
        const LoadedTrace loaded = load_trace(in, "cut.tlb");
        ASSERT_TRUE(loaded.ok()) << loaded.error->what();
        ASSERT_TRUE(loaded.warning.has_value());
        EXPECT_EQ(loaded.warning->what(),
                  "cut.tlb: record 5 (byte " + std::to_string(starts[4]) +
                      "): truncated last record (the file ends inside it); opened up to record 4 "
                      "(4 events)");
        EXPECT_EQ(loaded.model.event_count(), 4u);
    }
    // Cut between records: simply a shorter trace.
    std::istringstream in(bytes.substr(0, starts[4]));
    const LoadedTrace loaded = load_trace(in, "cut.tlb");
    EXPECT_TRUE(loaded.ok());
    EXPECT_FALSE(loaded.warning.has_value());
    EXPECT_EQ(loaded.model.event_count(), 4u);
}

TEST(BinaryTrace, ABadRecordInTheMiddleIsAnErrorWithItsRecordAndByte) {
    std::vector<size_t> starts;
    std::string bytes = simpleTrace(5, &starts);
    bytes[starts[2]] = char(200);  // the kind of the third event
    std::istringstream in(bytes);
    const LoadedTrace loaded = load_trace(in, "bad.tlb");
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error->what(),
              "bad.tlb: record 3 (byte " + std::to_string(starts[2]) + "): unknown event kind 200");
    EXPECT_EQ(loaded.model.event_count(), 2u);
}

std::string header() {
    std::ostringstream out;
    write_binary_trace(out, runInfo(), {});
    return out.str();
}

std::string errorOf(const std::string& bytes) {
    std::istringstream in(bytes);
    const TraceFile file = read_trace(in, "x.tlb");
    return file.error ? file.error->what() : std::string("no error");
}

TEST(BinaryTrace, HostileBytesFailWithALocatedMessage) {
    const std::string h = header();
    const size_t at = h.size();
    const std::string where = "x.tlb: record 1 (byte " + std::to_string(at) + "): ";
    // kind, mask, then the fields the mask announces.
    EXPECT_EQ(errorOf(h + std::string("\x00\x02\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", 12)),
              where + "a number does not fit in 64 bits");
    EXPECT_EQ(errorOf(h + std::string("\x00\x00\x00\x80\x80\x80\x80\x10", 8)),
              where + "a pid's numbers do not fit in 32 bits");
    EXPECT_EQ(errorOf(h + std::string("\x00\x80\x00\x01\x05", 5)),
              where + "text reference 3 is past the 0 texts defined so far");
    // A text that claims an exabyte: no allocation of it, the input simply ends.
    EXPECT_EQ(errorOf(h + std::string("\x00\x80\x00\x01\x01\xff\xff\xff\xff\xff\xff\xff\x0f", 13) +
                      "abc"),
              where + "truncated last record (the file ends inside it)");
    // Time going back: the second event's delta is -1 (zigzag 1).
    EXPECT_EQ(errorOf(h + std::string("\x00\x02\x04\x00\x01", 5) +
                      std::string("\x00\x02\x01\x00\x01", 5)),
              "x.tlb: record 2 (byte " + std::to_string(at + 5) +
                  "): time 1 us goes back before the previous event's 2 us");
}

TEST(BinaryTrace, HeaderProblemsAreRecordZero) {
    const std::string sig(kBinaryTraceSignature);
    EXPECT_EQ(errorOf(sig.substr(0, 5)),
              "x.tlb: record 0 (byte 0): truncated last record (the file ends inside it)");
    EXPECT_EQ(errorOf(sig + "\x02"),
              "x.tlb: record 0 (byte 0): unsupported binary trace version 2 (this build reads "
              "version 1)");
    EXPECT_EQ(errorOf(sig + "\x01\x02{}"),
              "x.tlb: record 0 (byte 0): not a tasklens trace: the header's \"format\" must be "
              "\"tasklens-trace\"");
    EXPECT_EQ(errorOf("\x89PNG\r\n\x1a\n"),
              "x.tlb: record 0 (byte 0): not a tasklens binary trace (the first 8 bytes are not "
              "its signature)");
    EXPECT_THAT(errorOf(sig + "\x01\xff\xff\xff\x7f"), HasSubstr("the header claims"));
}

TEST(BinaryTrace, ReadTraceFileAndLoadTraceFileTellTheFormatByContent) {
    // A binary trace named .jsonl still reads as binary: the signature decides.
    const std::string path = ::testing::TempDir() + "/binary_named.jsonl";
    {
        std::ofstream out(path, std::ios::binary);
        out << simpleTrace(3);
    }
    const TraceFile file = read_trace_file(path);
    ASSERT_TRUE(file.ok()) << file.error->what();
    EXPECT_EQ(file.events.size(), 3u);
    const LoadedTrace loaded = load_trace_file(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error->what();
    EXPECT_EQ(loaded.model.event_count(), 3u);
}

}  // namespace
}  // namespace tasklens::trace
