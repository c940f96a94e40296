#pragma once
// Trace files: JSON Lines, a versioned header then one event per line (docs/trace-format.md).
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/trace/event.h"
#include "engine/trace/trace_model.h"

namespace tasklens::trace {

inline constexpr std::string_view kTraceFormatName = "tasklens-trace";
inline constexpr int kTraceFormatVersion = 1;

/// Writes the header at construction, then one line per event. Lossless: every field of every
/// event, text with any bytes (text that is not valid UTF-8 is stored as base64).
///
/// The trace streams: the stream is flushed whenever 64 KiB were written or 100 ms passed since
/// the last flush, so a run that crashes or is killed leaves a trace that is valid up to its last
/// complete line, missing at most the last moments.
class TraceWriter final : public EventSink {
  public:
    TraceWriter(std::ostream& out, const RunInfo& run);
    void on_event(const Event& event) override;
    uint64_t events_written() const noexcept { return written_; }
    /// Hands everything written so far to the operating system.
    void flush();

  private:
    std::ostream& out_;
    std::string line_;
    uint64_t written_ = 0;
    size_t unflushed_bytes_ = 0;
    std::chrono::steady_clock::time_point last_flush_;
};

/// The line of one event (without the newline), as TraceWriter writes it.
std::string format_event_line(const Event& event);
/// The header line (without the newline).
std::string format_header_line(const RunInfo& run);

/// A problem in a trace file, located: `what()` is "trace.jsonl:17: unknown event kind \"Spwan\"".
struct TraceError {
    std::string source;
    uint64_t line = 0;
    std::string message;
    std::string what() const;
};

/// Reads a trace file line by line. Never throws on bad input: the first problem stops the reader
/// and is kept in error().
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

  private:
    enum class LineStatus { Ok, End, Truncated };
    LineStatus read_line();
    bool fail(std::string message);

    std::istream& in_;
    std::string source_;
    std::string line_;
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

}  // namespace tasklens::trace
