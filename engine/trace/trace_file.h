#pragma once
// Trace files: JSON Lines, a versioned header then one event per line (docs/trace-format.md).
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/trace/event.h"
#include "engine/trace/trace_model.h"
#include "engine/trace/trace_writer.h"

namespace tasklens::trace {

inline constexpr std::string_view kTraceFormatName = "tasklens-trace";
inline constexpr int kTraceFormatVersion = 1;

/// Writes the header at construction, then one line per event. Lossless: every field of every
/// event, text with any bytes (text that is not valid UTF-8 is stored as base64).
///
/// The trace streams: lines are gathered in a buffer (trace_writer.h) that goes to the stream,
/// which is flushed, whenever 64 KiB are gathered or 100 ms passed since the last flush (the
/// clock is read after every event when events are sparse, every 256 at most in a burst), so a
/// run that crashes or is killed leaves a trace that is valid up to its last complete line,
/// missing at most the last moments. flush() and the destructor hand over the rest.
class TraceWriter final : public EventSink {
  public:
    TraceWriter(std::ostream& out, const RunInfo& run);
    ~TraceWriter() override;
    void on_event(const Event& event) override;
    uint64_t events_written() const noexcept { return written_; }
    /// Hands everything written so far to the operating system.
    void flush();

  private:
    void write_buffered();

    std::ostream& out_;
    EventLineBuffer buffer_;
    uint64_t written_ = 0;
    uint32_t events_since_clock_check_ = 0;
    uint32_t clock_stride_ = 1;
    std::chrono::steady_clock::time_point last_flush_;
    std::chrono::steady_clock::time_point last_clock_check_;
};

/// The line of one event (without the newline), as TraceWriter writes it.
std::string format_event_line(const Event& event);
/// The header line (without the newline).
std::string format_header_line(const RunInfo& run);

/// A problem in a trace file, located: `what()` is "trace.jsonl:17: unknown event kind \"Spwan\""
/// for JSONL, "trace.tlb: record 17 (byte 230): unknown event kind 99" for a binary trace.
struct TraceError {
    std::string source;
    uint64_t line = 0;  ///< JSONL: the line (from 1); binary: the record (0 = the header)
    std::string message;
    bool binary = false;
    uint64_t byte_offset = 0;  ///< binary: where the record starts
    std::string what() const;
};

/// Reads a trace file line by line. Never throws on bad input: the first problem stops the reader
/// and is kept in error(). Well-formed event lines take a fast path (trace_line_parser.h); any
/// other line is parsed by a general JSON parser that names what is wrong with it.
class TraceReader {
  public:
    TraceReader(std::istream& in, std::string source_name);
    /// Reads line 1. False if it is not a tasklens trace of a version this build reads.
    bool read_header();
    const RunInfo& run() const noexcept { return run_; }
    /// The next event; false at the end of the file or on error (then error() is set).
    bool next(Event& event);
    const std::optional<TraceError>& error() const noexcept { return error_; }
    uint64_t line_number() const noexcept { return line_number_; }
    /// Bytes of the input consumed so far (for progress).
    uint64_t bytes_read() const noexcept { return consumed_; }
    /// True if the error is on the last line that holds anything: a recording cut off (or
    /// garbled) at its end, not a bad line in the middle. Reads the rest of the input to know.
    bool error_is_at_the_tail();

  private:
    enum class LineStatus { Ok, End, Truncated };
    LineStatus read_line();
    bool refill();
    bool fail(std::string message);
    bool parse_general(Event& event, LineStatus status);

    std::istream& in_;
    std::string source_;
    std::vector<char> buffer_;
    size_t pos_ = 0;  ///< start of the unread part of buffer_
    size_t end_ = 0;  ///< end of the valid part of buffer_
    bool input_done_ = false;
    std::string_view line_;  ///< the current line, inside buffer_
    uint64_t consumed_ = 0;
    uint64_t line_number_ = 0;
    RunInfo run_;
    std::optional<TraceError> error_;
    bool header_read_ = false;
    bool have_previous_ = false;
    uint64_t previous_seq_ = 0;
    int64_t previous_time_ = 0;
};

/// A whole trace. On error, `events` holds what was read before the bad line.
struct TraceFile {
    RunInfo run;
    std::vector<Event> events;
    std::optional<TraceError> error;
    bool ok() const noexcept { return !error.has_value(); }
};

void write_trace(std::ostream& out, const RunInfo& run, std::span<const Event> events);
TraceFile read_trace(std::istream& in, std::string_view source_name);
/// Opens and reads `path`; the error names the file by its path.
TraceFile read_trace_file(const std::string& path);

/// Called while a trace loads: bytes read so far and the file's size (0 if unknown). Returning
/// false cancels the load (the result's error says so).
using LoadProgress = std::function<bool(uint64_t bytes_read, uint64_t total_bytes)>;

struct TraceLoadOptions {
    LoadProgress progress;
    /// The load stops with a clear error once the model needs more than this many bytes.
    /// 0: what the machine has available when the load starts, less 512 MiB of headroom.
    uint64_t memory_budget_bytes = 0;
};

/// A trace read straight into a model, without an intermediate event list: the way to open big
/// traces (the model takes ~64-110 bytes per event; a JSONL line is ~60-120 bytes).
struct LoadedTrace {
    TraceModel model;
    /// The trace could not be read (the model holds the events before the bad line).
    std::optional<TraceError> error;
    /// The trace was opened up to its last complete line; this names the line that was not.
    std::optional<TraceError> warning;
    bool ok() const noexcept { return !error.has_value(); }
};

/// Reads a whole trace into a model. A bad line at the very end of the input (a recording cut off
/// by a crash or a kill) is a warning, not an error: the events before it are kept. Running out
/// of the memory budget, or of memory, is an error naming how far the load got.
LoadedTrace load_trace(std::istream& in, std::string_view source_name, uint64_t total_bytes = 0,
                       const TraceLoadOptions& options = {});
LoadedTrace load_trace_file(const std::string& path, const TraceLoadOptions& options = {});

/// Bytes of memory the machine has available now (MemAvailable on Linux; 0 if unknown).
uint64_t available_memory_bytes();

}  // namespace tasklens::trace
