#include "engine/trace/trace_writer.h"

#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/trace/text_util.h"
#include "engine/trace/trace_file.h"

namespace tasklens::trace {
namespace {

// --- the oracle: the fmt-based formatter the trace writer used before EventLineBuffer -----------

std::string reference_base64(std::string_view bytes) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    auto byte = [&](size_t k) { return uint32_t{static_cast<unsigned char>(bytes[k])}; };
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(v >> shift) & 63]);
    }
    if (const size_t rest = bytes.size() - i; rest > 0) {
        uint32_t v = byte(i) << 16;
        if (rest == 2) v |= byte(i + 1) << 8;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

std::string reference_detail_name(EventKind kind, uint8_t detail) {
    auto named = [&](auto enumerator, size_t count) {
        return detail < count ? std::string(to_string(enumerator)) : std::string();
    };
    switch (kind) {
        case EventKind::StateChange:
            return named(static_cast<ProcessState>(detail), 5);
        case EventKind::WaitStart:
            return named(static_cast<WaitKind>(detail), 5);
        case EventKind::WaitEnd:
            return named(static_cast<WaitOutcome>(detail), 4);
        case EventKind::ExitSignal:
            return named(static_cast<SignalDisposition>(detail), 3);
        case EventKind::Exit:
            return named(static_cast<ExitReasonClass>(detail), 4);
        case EventKind::Log:
            return named(static_cast<LogLevel>(detail), 5);
        default:
            return {};
    }
}

std::string reference_detail_key(EventKind kind) {
    switch (kind) {
        case EventKind::StateChange:
            return "state";
        case EventKind::WaitStart:
            return "wait_kind";
        case EventKind::WaitEnd:
            return "outcome";
        case EventKind::ExitSignal:
            return "disposition";
        case EventKind::Exit:
            return "reason_class";
        case EventKind::Log:
            return "level";
        default:
            return {};
    }
}

std::string reference_line(const Event& e) {
    std::string out = fmt::format(R"({{"seq":{},"t":{},"kind":"{}","pid":"<{}.{}.0>")", e.seq,
                                  e.time_us, to_string(e.kind), e.pid.node, e.pid.serial);
    if (const auto key = reference_detail_key(e.kind); !key.empty()) {
        if (const auto name = reference_detail_name(e.kind, e.detail); !name.empty())
            out += fmt::format(R"(,"{}":"{}")", key, name);
        else
            out += fmt::format(R"(,"detail":{})", e.detail);
    } else if (e.detail != 0) {
        out += fmt::format(R"(,"detail":{})", e.detail);
    }
    if (e.peer != Pid{}) out += fmt::format(R"(,"peer":"<{}.{}.0>")", e.peer.node, e.peer.serial);
    if (e.ref.id != 0) out += fmt::format(R"(,"ref":{})", e.ref.id);
    if (e.deadline_us != -1) out += fmt::format(R"(,"deadline":{})", e.deadline_us);
    if (e.value != 0) out += fmt::format(R"(,"value":{})", e.value);
    if (e.flags != 0) out += fmt::format(R"(,"flags":{})", e.flags);
    if (!e.text.empty()) {
        if (is_valid_utf8(e.text)) {
            out += R"(,"text":)";
            append_json_string(out, e.text);
        } else {
            out += R"(,"text_base64":")" + reference_base64(e.text) + '"';
        }
    }
    out += '}';
    return out;
}

// --- tricky inputs ---------------------------------------------------------------------------

std::vector<std::string> tricky_texts() {
    std::vector<std::string> texts = {
        "plain",
        "\"quoted\" and \\backslashed\\",
        "line\nbreak\rreturn\ttab",
        std::string("nul \0 inside", 12),
        "\x01\x02\x1f\x7f controls and DEL",
        "line separator \xE2\x80\xA8 and paragraph separator \xE2\x80\xA9",  // U+2028, U+2029
        "unicode: h\xC3\xA9llo \xE2\x86\x92 \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8E\x89",
        "\"\xC3\xA9\"\n\\",      // escapes after a non-ASCII character
        "\xff",                  // a lone invalid byte
        "ok then \xC3",          // truncated sequence at the end
        "\xC0\xAF",              // overlong '/'
        "\xED\xA0\x80",          // a surrogate
        "\xF4\x90\x80\x80",      // above U+10FFFF
        "\xE2\x80\xA8\xff",      // valid, then invalid
        "ab",                    // base64 padding cases need 1, 2 and 3 byte tails below
        std::string(1000, '"'),  // grows past the per-line reserve of plain text
    };
    for (const char* tail : {"\xff", "a\xff", "ab\xff"}) texts.push_back(tail);
    std::string all_bytes;
    for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
    texts.push_back(all_bytes);
    std::string all_ascii;
    for (int c = 0; c < 128; ++c) all_ascii.push_back(static_cast<char>(c));
    texts.push_back(all_ascii);
    return texts;
}

Event event_with_text(std::string text) {
    Event e;
    e.seq = 3;
    e.time_us = 40;
    e.kind = EventKind::Send;
    e.pid = Pid{0, 1};
    e.peer = Pid{0, 2};
    e.text = std::move(text);
    return e;
}

std::string line_of(const Event& e) {
    EventLineBuffer buffer;
    buffer.append_event(e);
    return std::string(buffer.bytes());
}

TEST(EventLineBuffer, TrickyTextsAreWrittenAsBeforeAndReadBack) {
    for (const std::string& text : tricky_texts()) {
        const Event e = event_with_text(text);
        const std::string line = line_of(e);
        EXPECT_EQ(line, reference_line(e));
        std::stringstream file;
        write_trace(file, RunInfo{}, std::vector<Event>{e});
        const TraceFile read = read_trace(file, "t.jsonl");
        ASSERT_TRUE(read.ok()) << read.error->what();
        ASSERT_EQ(read.events.size(), 1u);
        EXPECT_EQ(read.events[0].text, text) << line;
    }
}

TEST(EventLineBuffer, EscapesExactlyWhatJsonNeeds) {
    EXPECT_EQ(line_of(event_with_text("a\"b\\c\nd\re\tf\x01g\x7fh")),
              R"({"seq":3,"t":40,"kind":"Send","pid":"<0.1.0>","peer":"<0.2.0>",)"
              R"("text":"a\"b\\c\nd\re\tf\u0001g\u007fh"})");
    // U+2028 is valid in a JSON string: written as its UTF-8 bytes, like any other character.
    EXPECT_EQ(line_of(event_with_text("\xE2\x80\xA8")),
              "{\"seq\":3,\"t\":40,\"kind\":\"Send\",\"pid\":\"<0.1.0>\",\"peer\":\"<0.2.0>\","
              "\"text\":\"\xE2\x80\xA8\"}");
    EXPECT_EQ(line_of(event_with_text("x\xffy")),
              R"({"seq":3,"t":40,"kind":"Send","pid":"<0.1.0>","peer":"<0.2.0>",)"
              R"("text_base64":"eP95"})");
    // A text that is valid UTF-8 parses as JSON to the same string.
    const auto parsed = nlohmann::json::parse(line_of(event_with_text("\"\xC3\xA9\"\n\\\x7f")));
    EXPECT_EQ(parsed["text"], "\"\xC3\xA9\"\n\\\x7f");
}

// Plain text is copied a block at a time (16 bytes, or overlapping words for short texts, or
// eight bytes without SSE2): every byte value, at every position of a block and of the tail,
// must still be seen and written exactly as the reference writes it.
TEST(EventLineBuffer, EveryByteAtEveryPositionIsWrittenAsBefore) {
    const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";
    for (size_t length : {1, 3, 7, 8, 9, 15, 16, 17, 19, 26, 31, 32, 33, 44}) {
        for (size_t position = 0; position < length; ++position) {
            for (int byte = 0; byte < 256; ++byte) {
                std::string text = plain.substr(0, length);
                text[position] = static_cast<char>(byte);
                const Event e = event_with_text(text);
                ASSERT_EQ(line_of(e), reference_line(e)) << "byte " << byte << " at " << position;
            }
        }
    }
}

TEST(EventLineBuffer, ExtremeNumbersAreWrittenInFull) {
    Event e;
    e.seq = std::numeric_limits<uint64_t>::max();
    e.time_us = std::numeric_limits<int64_t>::min();
    e.kind = EventKind::WaitStart;
    e.wait_kind = WaitKind::GenServerCall;
    e.pid = Pid{std::numeric_limits<uint32_t>::max(), std::numeric_limits<uint32_t>::max()};
    e.peer = Pid{0, std::numeric_limits<uint32_t>::max()};
    e.ref.id = std::numeric_limits<uint64_t>::max();
    e.deadline_us = std::numeric_limits<int64_t>::max();
    e.value = std::numeric_limits<int64_t>::min();
    e.flags = 255;
    const std::string line = line_of(e);
    EXPECT_EQ(line, R"({"seq":18446744073709551615,"t":-9223372036854775808,"kind":"WaitStart",)"
                    R"("pid":"<4294967295.4294967295.0>","wait_kind":"GenServerCall",)"
                    R"("peer":"<0.4294967295.0>","ref":18446744073709551615,)"
                    R"("deadline":9223372036854775807,"value":-9223372036854775808,"flags":255})");
    EXPECT_EQ(line, reference_line(e));
    e.detail = 200;  // out of WaitKind's range: kept as a raw byte
    EXPECT_EQ(line_of(e), reference_line(e));
}

TEST(EventLineBuffer, RandomEventsMatchTheReferenceFormatter) {
    std::mt19937_64 random(20261207);
    auto pick = [&](uint64_t n) { return random() % n; };
    const auto texts = tricky_texts();
    EventLineBuffer buffer;
    std::string expected;
    for (int i = 0; i < 20000; ++i) {
        Event e;
        e.seq = random() >> pick(64);
        e.time_us = static_cast<int64_t>(random()) >> pick(64);
        e.kind = static_cast<EventKind>(pick(kEventKindCount));
        e.detail = static_cast<uint8_t>(pick(4) == 0 ? pick(256) : pick(6));
        e.flags = static_cast<uint8_t>(pick(2) == 0 ? 0 : pick(256));
        e.pid = Pid{static_cast<uint32_t>(pick(3)), static_cast<uint32_t>(random())};
        if (pick(2) == 0)
            e.peer = Pid{static_cast<uint32_t>(pick(3)), static_cast<uint32_t>(pick(1000))};
        if (pick(2) == 0) e.ref.id = random() >> pick(64);
        if (pick(2) == 0) e.deadline_us = static_cast<int64_t>(random()) >> pick(64);
        if (pick(2) == 0) e.value = static_cast<int64_t>(random()) >> pick(64);
        if (pick(2) == 0) {
            e.text = texts[pick(texts.size())];
        } else {
            const size_t length = pick(40);
            for (size_t k = 0; k < length; ++k)
                e.text.push_back(static_cast<char>(pick(8) == 0 ? pick(256) : 32 + pick(95)));
        }
        buffer.append_line(e);
        expected += reference_line(e);
        expected += '\n';
    }
    // Compared as a whole: the buffer grew many times on the way.
    EXPECT_TRUE(buffer.bytes() == expected);
    buffer.clear();
    EXPECT_TRUE(buffer.empty());
    buffer.append_event(event_with_text("after clear"));
    EXPECT_EQ(buffer.bytes(), reference_line(event_with_text("after clear")));
}

// The buffer keeps the text of the last seq and t and of recent pids: runs of consecutive seqs
// (across every carry), repeated and jumping times, and pids that share a cache slot must all
// come out as the reference writes them.
TEST(EventLineBuffer, RepeatedNumbersAndPidsAreWrittenAsBefore) {
    std::mt19937_64 random(20261208);
    auto pick = [&](uint64_t n) { return random() % n; };
    EventLineBuffer buffer;
    std::string expected;
    auto add = [&](const Event& e) {
        buffer.append_line(e);
        expected += reference_line(e);
        expected += '\n';
    };
    Event e;
    e.kind = EventKind::StateChange;
    for (uint64_t start :
         {uint64_t{0}, uint64_t{7}, uint64_t{95}, uint64_t{999'990},
          uint64_t{9'999'999'999'999'999'990u}, std::numeric_limits<uint64_t>::max() - 5}) {
        e.seq = start;
        for (int k = 0; k < 24; ++k) {
            // Mostly the next seq, sometimes the same one again or a jump back.
            const uint64_t r = pick(10);
            e.seq = r == 0 ? e.seq : r == 1 ? e.seq - pick(3) : e.seq + 1;
            e.time_us = pick(3) == 0 ? static_cast<int64_t>(pick(5)) - 2 : e.time_us;
            // Pids from a small set (repeats), and pids 64 serials apart (the same cache slot).
            e.pid = Pid{static_cast<uint32_t>(pick(2)), static_cast<uint32_t>(pick(4) * 64 + 1)};
            e.peer = pick(2) == 0 ? Pid{} : Pid{0, static_cast<uint32_t>(pick(3))};
            add(e);
        }
    }
    e.seq = 41;
    e.pid = Pid{std::numeric_limits<uint32_t>::max(), std::numeric_limits<uint32_t>::max()};
    add(e);  // the pid whose packed form is the cache's empty marker
    e.pid = Pid{};
    add(e);
    EXPECT_EQ(buffer.bytes(), expected);
}

TEST(EventLineBuffer, AHugeTextOfEscapesFits) {
    std::string text(1 << 20, '\x01');
    const Event e = event_with_text(text);
    EXPECT_EQ(line_of(e), reference_line(e));
}

TEST(TraceWriter, TheRestGoesToTheStreamOnFlushAndDestruction) {
    std::stringstream file;
    const Event e = event_with_text("hello");
    {
        TraceWriter writer(file, RunInfo{});
        const std::string header = file.str();
        EXPECT_FALSE(header.empty());  // the header is written at once
        writer.on_event(e);
        writer.flush();
        EXPECT_EQ(file.str(), header + reference_line(e) + "\n");
        Event next = e;
        next.seq = 4;
        writer.on_event(next);
    }
    const TraceFile read = read_trace(file, "t.jsonl");
    ASSERT_TRUE(read.ok()) << read.error->what();
    EXPECT_EQ(read.events.size(), 2u);
}

}  // namespace
}  // namespace tasklens::trace
