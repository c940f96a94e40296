#include "engine/trace/trace_binary.h"

#include <algorithm>
#include <cstring>
#include <istream>
#include <limits>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "engine/trace/trace_line_parser.h"

namespace tasklens::trace {
namespace {

// Field bits of a record's mask byte (docs/trace-format.md, "Binary traces").
constexpr uint8_t kSeqGap = 0x01;
constexpr uint8_t kTimeDelta = 0x02;
constexpr uint8_t kPeer = 0x04;
constexpr uint8_t kRef = 0x08;
constexpr uint8_t kDeadline = 0x10;
constexpr uint8_t kValue = 0x20;
constexpr uint8_t kFlagsDetail = 0x40;
constexpr uint8_t kText = 0x80;

// A text reference: 0 = a text written in place, 1 = a text written in place and added to the
// file's table, n >= 2 = the table's text n - 2.
constexpr uint64_t kInlineText = 0;
constexpr uint64_t kNewTableText = 1;
constexpr uint64_t kFirstTableRef = 2;

// The writer tables texts up to this size, until the table holds this many bytes; longer texts,
// and every text after that, are written in place (so a long run of unique texts does not grow
// the writer's memory without bound).
constexpr size_t kMaxTabledText = 1024;
constexpr uint64_t kMaxTableBytes = uint64_t{64} << 20;

constexpr size_t kMaxHeaderBytes = size_t{1} << 20;
constexpr size_t kFlushBytes = size_t{64} << 10;
constexpr auto kFlushInterval = std::chrono::milliseconds(100);
constexpr uint32_t kClockStride = 64;

constexpr uint64_t zigzag(int64_t value) noexcept {
    return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
constexpr int64_t unzigzag(uint64_t value) noexcept {
    return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

}  // namespace

bool looks_like_binary_trace(std::string_view prefix) noexcept {
    const size_t n = std::min(prefix.size(), kBinaryTraceSignature.size());
    return n > 0 && prefix.substr(0, n) == kBinaryTraceSignature.substr(0, n);
}

// --- Writing ---

BinaryTraceWriter::BinaryTraceWriter(std::ostream& out, const RunInfo& run) : out_(out) {
    buffer_.append(kBinaryTraceSignature);
    put_varint(kBinaryTraceVersion);
    const std::string header = format_header_line(run);
    put_varint(header.size());
    buffer_ += header;
    flush();
}

BinaryTraceWriter::~BinaryTraceWriter() {
    try {
        write_buffered();
    } catch (...) {
        // A stream that throws on failure: the caller sees the failure in the stream's state.
    }
}

void BinaryTraceWriter::put_varint(uint64_t value) {
    while (value >= 0x80) {
        buffer_ += static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    buffer_ += static_cast<char>(value);
}

void BinaryTraceWriter::on_event(const Event& e) {
    const uint64_t expected_seq = written_ == 0 ? 0 : previous_seq_ + 1;
    const int64_t time_delta = static_cast<int64_t>(static_cast<uint64_t>(e.time_us) -
                                                    static_cast<uint64_t>(previous_time_));
    uint8_t mask = 0;
    if (e.seq != expected_seq) mask |= kSeqGap;
    if (time_delta != 0) mask |= kTimeDelta;
    if (e.peer.node != 0 || e.peer.serial != 0) mask |= kPeer;
    if (e.ref.id != 0) mask |= kRef;
    if (e.deadline_us != -1) mask |= kDeadline;
    if (e.value != 0) mask |= kValue;
    if (e.flags != 0 || e.detail != 0) mask |= kFlagsDetail;
    if (!e.text.empty()) mask |= kText;

    buffer_ += static_cast<char>(e.kind);
    buffer_ += static_cast<char>(mask);
    if (mask & kSeqGap) put_varint(e.seq - expected_seq);
    if (mask & kTimeDelta) put_varint(zigzag(time_delta));
    put_varint(e.pid.node);
    put_varint(e.pid.serial);
    if (mask & kPeer) {
        put_varint(e.peer.node);
        put_varint(e.peer.serial);
    }
    if (mask & kRef) put_varint(e.ref.id);
    if (mask & kDeadline)
        put_varint(zigzag(static_cast<int64_t>(static_cast<uint64_t>(e.deadline_us) -
                                               static_cast<uint64_t>(e.time_us))));
    if (mask & kValue) put_varint(zigzag(e.value));
    if (mask & kFlagsDetail) {
        buffer_ += static_cast<char>(e.flags);
        buffer_ += static_cast<char>(e.detail);
    }
    if (mask & kText) {
        const auto found = texts_.find(e.text);
        if (found != texts_.end()) {
            put_varint(found->second);
        } else {
            const bool table =
                e.text.size() <= kMaxTabledText && text_bytes_ + e.text.size() <= kMaxTableBytes;
            put_varint(table ? kNewTableText : kInlineText);
            put_varint(e.text.size());
            buffer_ += e.text;
            if (table) {
                texts_.emplace(e.text, kFirstTableRef + texts_.size());
                text_bytes_ += e.text.size() + 32;  // the string, its node and its bucket
            }
        }
    }
    previous_seq_ = e.seq;
    previous_time_ = e.time_us;
    ++written_;

    if (buffer_.size() >= kFlushBytes) {
        flush();
        return;
    }
    // Like TraceWriter, but simpler: the clock is read every kClockStride events, so a run that
    // is killed loses what came after the last flush: at most 64 KiB, and 100 ms or the last
    // kClockStride events, whichever is more.
    if (++events_since_clock_check_ < kClockStride) return;
    events_since_clock_check_ = 0;
    if (std::chrono::steady_clock::now() - last_flush_ >= kFlushInterval) flush();
}

void BinaryTraceWriter::write_buffered() {
    if (buffer_.empty()) return;
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
}

void BinaryTraceWriter::flush() {
    write_buffered();
    out_.flush();
    last_flush_ = std::chrono::steady_clock::now();
}

void write_binary_trace(std::ostream& out, const RunInfo& run, std::span<const Event> events) {
    BinaryTraceWriter writer(out, run);
    for (const auto& event : events) writer.on_event(event);
}

// --- Reading ---

BinaryTraceReader::BinaryTraceReader(std::istream& in, std::string source_name)
    : in_(in), source_(std::move(source_name)) {}

bool BinaryTraceReader::fail(std::string message) {
    if (!error_) error_ = TraceError{source_, record_, std::move(message), true, record_start_};
    return false;
}

bool BinaryTraceReader::truncated() {
    truncated_ = true;
    return fail("truncated last record (the file ends inside it)");
}

bool BinaryTraceReader::need(size_t n) {
    if (end_ - pos_ >= n) return true;
    if (input_done_) return false;
    if (pos_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
        consumed_ += pos_;
        end_ -= pos_;
        pos_ = 0;
    }
    if (buffer_.empty()) buffer_.resize(size_t{1} << 20);
    while (end_ - pos_ < n && !input_done_) {
        in_.read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
        const auto got = static_cast<size_t>(in_.gcount());
        end_ += got;
        if (got == 0 || !in_) input_done_ = true;
    }
    return end_ - pos_ >= n;
}

bool BinaryTraceReader::byte(uint8_t& value) {
    if (!need(1)) return truncated();
    value = static_cast<uint8_t>(buffer_[pos_++]);
    return true;
}

bool BinaryTraceReader::varint(uint64_t& value) {
    // Fast path: the whole varint is in the buffer.
    if (end_ - pos_ < 10) need(10);
    value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (pos_ == end_) return truncated();
        const auto b = static_cast<uint8_t>(buffer_[pos_++]);
        if (shift == 63 && b > 1) return fail("a number does not fit in 64 bits");
        value |= uint64_t{b & 0x7Fu} << shift;
        if ((b & 0x80) == 0) return true;
    }
    return fail("a number does not fit in 64 bits");
}

bool BinaryTraceReader::bytes(uint64_t length, std::string& out) {
    out.clear();
    // Kept: the first 64 KiB and the bytes needed to cut at a code point (see cut_event_text).
    const uint64_t keep = kMaxEventTextBytes + 4;
    while (length > 0) {
        if (pos_ == end_ && !need(1)) return truncated();
        const size_t chunk = static_cast<size_t>(std::min<uint64_t>(length, end_ - pos_));
        if (out.size() < keep)
            out.append(buffer_.data() + pos_,
                       static_cast<size_t>(std::min<uint64_t>(chunk, keep - out.size())));
        pos_ += chunk;
        length -= chunk;
    }
    cut_event_text(out);
    return true;
}

bool BinaryTraceReader::text(std::string& out) {
    uint64_t ref = 0;
    if (!varint(ref)) return false;
    if (ref >= kFirstTableRef) {
        const uint64_t index = ref - kFirstTableRef;
        if (index >= text_ends_.size())
            return fail(fmt::format("text reference {} is past the {} texts defined so far", index,
                                    text_ends_.size()));
        text_index_ = index;
        if (skip_table_texts_) return true;  // `out` stays empty
        const uint64_t begin = index == 0 ? 0 : text_ends_[index - 1];
        out.assign(text_bytes_, begin, text_ends_[index] - begin);
        return true;
    }
    uint64_t length = 0;
    if (!varint(length) || !bytes(length, out)) return false;
    if (ref == kNewTableText) {
        text_bytes_ += out;
        text_ends_.push_back(text_bytes_.size());
        text_index_ = text_ends_.size() - 1;
    }
    return true;
}

bool BinaryTraceReader::read_header() {
    if (error_) return false;
    record_ = 0;
    record_start_ = 0;
    if (!need(kBinaryTraceSignature.size())) {
        if (end_ == 0) return fail("empty file: expected a tasklens binary trace signature");
        return truncated();
    }
    if (std::string_view(buffer_.data(), kBinaryTraceSignature.size()) != kBinaryTraceSignature)
        return fail("not a tasklens binary trace (the first 8 bytes are not its signature)");
    pos_ += kBinaryTraceSignature.size();
    uint64_t version = 0;
    if (!varint(version)) return false;
    if (version != kBinaryTraceVersion)
        return fail(fmt::format("unsupported binary trace version {} (this build reads version {})",
                                version, kBinaryTraceVersion));
    uint64_t length = 0;
    if (!varint(length)) return false;
    if (length > kMaxHeaderBytes)
        return fail(
            fmt::format("the header claims {} bytes (at most {})", length, kMaxHeaderBytes));
    std::string header;
    if (!bytes(length, header)) return false;
    // The header is the JSONL header line: one parser checks both.
    std::istringstream line(header + '\n');
    TraceReader json(line, source_);
    if (!json.read_header()) return fail(json.error()->message);
    run_ = json.run();
    header_read_ = true;
    return true;
}

bool BinaryTraceReader::next(Event& e) {
    if (error_) return false;
    if (!header_read_ && !read_header()) return false;
    if (!need(1)) return false;  // the end of the input, between records
    record_start_ = bytes_read();
    ++record_;

    const auto kind = static_cast<uint8_t>(buffer_[pos_++]);
    if (kind >= kEventKindCount) return fail(fmt::format("unknown event kind {}", kind));
    uint8_t mask = 0;
    if (!byte(mask)) return false;
    e.kind = static_cast<EventKind>(kind);

    uint64_t seq = have_previous_ ? previous_seq_ + 1 : 0;
    if (mask & kSeqGap) {
        uint64_t gap = 0;
        if (!varint(gap)) return false;
        if (have_previous_ && (seq == 0 || gap > std::numeric_limits<uint64_t>::max() - seq))
            return fail("seq overflows 64 bits");
        seq += gap;
    } else if (have_previous_ && seq == 0) {
        return fail("seq overflows 64 bits");
    }
    int64_t time = previous_time_;
    if (mask & kTimeDelta) {
        uint64_t delta = 0;
        if (!varint(delta)) return false;
        const int64_t d = unzigzag(delta);
        if (have_previous_ && d >= 0 && time > std::numeric_limits<int64_t>::max() - d)
            return fail("time overflows 64 bits");
        time = static_cast<int64_t>(static_cast<uint64_t>(time) + static_cast<uint64_t>(d));
        if (have_previous_ && d < 0)
            return fail(fmt::format("time {} us goes back before the previous event's {} us", time,
                                    previous_time_));
    }
    auto pid = [&](Pid& to) {
        uint64_t node = 0;
        uint64_t serial = 0;
        if (!varint(node) || !varint(serial)) return false;
        if (node > std::numeric_limits<uint32_t>::max() ||
            serial > std::numeric_limits<uint32_t>::max())
            return fail("a pid's numbers do not fit in 32 bits");
        to = Pid{static_cast<uint32_t>(node), static_cast<uint32_t>(serial)};
        return true;
    };
    if (!pid(e.pid)) return false;
    e.peer = Pid{};
    if ((mask & kPeer) && !pid(e.peer)) return false;
    e.ref.id = 0;
    if ((mask & kRef) && !varint(e.ref.id)) return false;
    e.deadline_us = -1;
    if (mask & kDeadline) {
        uint64_t delta = 0;
        if (!varint(delta)) return false;
        e.deadline_us = static_cast<int64_t>(static_cast<uint64_t>(time) +
                                             static_cast<uint64_t>(unzigzag(delta)));
    }
    e.value = 0;
    if (mask & kValue) {
        uint64_t value = 0;
        if (!varint(value)) return false;
        e.value = unzigzag(value);
    }
    e.flags = 0;
    e.detail = 0;
    if (mask & kFlagsDetail) {
        if (!byte(e.flags) || !byte(e.detail)) return false;
    }
    e.text.clear();
    text_index_ = kNoTableText;
    if ((mask & kText) && !text(e.text)) return false;

    e.seq = seq;
    e.time_us = time;
    have_previous_ = true;
    previous_seq_ = seq;
    previous_time_ = time;
    return true;
}

}  // namespace tasklens::trace
