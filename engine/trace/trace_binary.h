#pragma once
// The compact binary trace format (`.tlb`, docs/trace-format.md, "Binary traces"): the same
// events as a JSONL trace, ~8x smaller and read without parsing text. A file starts with an
// 8-byte signature, so readers tell the two formats apart by content, not by the file name:
// `read_trace`, `load_trace` and their `_file` forms (trace_file.h) read either.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/trace/event.h"
#include "engine/trace/trace_file.h"

namespace tasklens::trace {

/// The first 8 bytes of every binary trace (a PNG-style signature: a high byte, then "TLB",
/// then bytes that text-mode transfers would change).
inline constexpr std::string_view kBinaryTraceSignature{"\x89TLB\r\n\x1a\n", 8};
/// The version of the binary framing (the events inside follow the JSONL schema's version).
inline constexpr uint64_t kBinaryTraceVersion = 1;

/// True if `prefix` (the first bytes of a file, any length) starts like a binary trace.
bool looks_like_binary_trace(std::string_view prefix) noexcept;

/// Writes the signature and header at construction, then one record per event. Lossless, like
/// TraceWriter, and flushed every 64 KiB, or when 100 ms passed since the last flush (checked
/// every 64 events), so a run that is killed leaves a file readable up to its last complete
/// record, missing at most what came after the last flush.
class BinaryTraceWriter final : public EventSink {
  public:
    BinaryTraceWriter(std::ostream& out, const RunInfo& run);
    ~BinaryTraceWriter() override;
    void on_event(const Event& event) override;
    uint64_t events_written() const noexcept { return written_; }
    void flush();

  private:
    void write_buffered();
    void put_varint(uint64_t value);

    std::ostream& out_;
    std::string buffer_;
    uint64_t written_ = 0;
    uint64_t previous_seq_ = 0;
    int64_t previous_time_ = 0;
    /// Texts written so far and their ids in the file (capped: see trace_binary.cpp).
    std::unordered_map<std::string, uint64_t> texts_;
    uint64_t text_bytes_ = 0;
    uint32_t events_since_clock_check_ = 0;
    std::chrono::steady_clock::time_point last_flush_;
};

void write_binary_trace(std::ostream& out, const RunInfo& run, std::span<const Event> events);

/// Reads a binary trace record by record, with TraceReader's interface (load_trace drives
/// either). Never throws on bad input: the first problem stops it, located by record number
/// (the header is record 0, the first event record 1) and byte offset.
class BinaryTraceReader {
  public:
    BinaryTraceReader(std::istream& in, std::string source_name);
    bool read_header();
    const RunInfo& run() const noexcept { return run_; }
    bool next(Event& event);
    const std::optional<TraceError>& error() const noexcept { return error_; }
    /// Records read so far, the header included (the number the next error would carry).
    uint64_t line_number() const noexcept { return record_; }
    uint64_t bytes_read() const noexcept { return consumed_ + pos_; }
    /// True if the input ended inside the bad record: a recording cut off at its end.
    bool error_is_at_the_tail() const noexcept { return error_.has_value() && truncated_; }

    /// text_table_index() of an event whose text is not in the file's text table (or empty).
    static constexpr uint64_t kNoTableText = UINT64_MAX;
    /// Where the last event's text is in the file's text table (texts numbered from 0 in the
    /// order the file defines them), or kNoTableText. A text defined by this event counts.
    uint64_t text_table_index() const noexcept { return text_index_; }
    /// With `skip` set, next() leaves Event::text empty when the event refers to a text the table
    /// defined earlier (it still fills it in the event that defines it): for a reader of the
    /// stream that keeps the table's texts itself, by text_table_index() (load_trace does).
    void skip_table_texts(bool skip) noexcept { skip_table_texts_ = skip; }

  private:
    bool fail(std::string message);
    bool truncated();
    /// Makes `n` bytes (n <= 16) available at pos_; false at the end of the input.
    bool need(size_t n);
    bool varint(uint64_t& value);
    bool byte(uint8_t& value);
    /// Reads `length` bytes into `out`, keeping at most the first 64 KiB (cut as JSONL texts).
    bool bytes(uint64_t length, std::string& out);
    bool text(std::string& out);

    std::istream& in_;
    std::string source_;
    std::vector<char> buffer_;
    size_t pos_ = 0;
    size_t end_ = 0;
    uint64_t consumed_ = 0;  ///< input bytes before buffer_[0]
    uint64_t record_start_ = 0;
    bool input_done_ = false;
    bool truncated_ = false;
    uint64_t record_ = 0;
    RunInfo run_;
    std::optional<TraceError> error_;
    bool header_read_ = false;
    bool have_previous_ = false;
    uint64_t previous_seq_ = 0;
    int64_t previous_time_ = 0;
    /// The file's text table: its texts packed in one buffer, with their end offsets.
    std::string text_bytes_;
    std::vector<uint64_t> text_ends_;
    uint64_t text_index_ = kNoTableText;
    bool skip_table_texts_ = false;
};

}  // namespace tasklens::trace
