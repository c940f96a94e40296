#pragma once
// The fast path of the trace reader: one event line of the fixed schema (docs/trace-format.md),
// parsed in place without building a JSON tree. It accepts exactly the well-formed lines and
// answers false for anything else (bad JSON, wrong types, unknown names, nested values, floats,
// escapes it would have to guess at); the reader then re-parses that line with the general JSON
// parser, which names the problem. So the fast path changes speed, never what a file means. Lines
// exactly as TraceWriter writes them (its key order, no spaces, plain ASCII text) are read by an
// even shorter path first, with the same result.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/trace/event.h"

namespace tasklens::trace {

/// Fills `event` from `line` (an event line without its newline). False: use the general parser.
bool parse_event_line_fast(std::string_view line, Event& event);

// Shared with the general reader and the writer (trace_file.cpp).
/// The key under which a kind stores its detail byte by name, or empty if the kind has none.
std::string_view detail_key(EventKind kind) noexcept;
/// The detail byte named `name` under `kind`'s enum.
std::optional<uint8_t> parse_detail(EventKind kind, std::string_view name) noexcept;
/// "<node.serial.0>"
std::optional<Pid> parse_pid(std::string_view text) noexcept;

/// Texts longer than this are cut by every reader (docs/trace-format.md, "Event lines").
inline constexpr size_t kMaxEventTextBytes = 64 * 1024;
/// Cuts a text longer than kMaxEventTextBytes at a code point boundary and appends "…".
void cut_event_text(std::string& text);

/// Decodes base64 (RFC 4648, padded); false if `text` is not valid base64.
bool decode_base64(std::string_view text, std::string& out);

}  // namespace tasklens::trace
