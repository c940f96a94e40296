// Scenario source files, positions inside them, and diagnostics that point at a position.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tasklens::script {

// Index of a file in a SourceFiles registry.
using FileId = std::uint32_t;

// A position in a scenario file. Lines and columns are 1-based; the column counts bytes,
// like Elixir's own column numbers for ASCII sources.
struct SourceLocation {
    FileId file = 0;
    std::uint32_t line = 0;
    std::uint32_t column = 0;

    friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

// The text of one scenario file, with a line index for diagnostics.
class SourceFile {
  public:
    SourceFile(FileId id, std::string path, std::string text);

    FileId id() const { return id_; }
    const std::string& path() const { return path_; }
    std::string_view text() const { return text_; }
    std::size_t line_count() const { return line_starts_.size(); }
    // The text of a 1-based line, without its line terminator; empty when out of range.
    std::string_view line_text(std::uint32_t line) const;

  private:
    FileId id_;
    std::string path_;
    std::string text_;
    std::vector<std::size_t> line_starts_;
};

// Owns every file loaded in one engine session so that a SourceLocation can be resolved to a
// path and a line later (runtime errors report locations too).
class SourceFiles {
  public:
    // Registers a file and returns it; references stay valid for the registry's lifetime.
    const SourceFile& add(std::string path, std::string text);
    const SourceFile& get(FileId id) const { return *files_.at(id); }
    std::size_t size() const { return files_.size(); }

  private:
    std::vector<std::unique_ptr<SourceFile>> files_;
};

// A syntax error or a refused construct. `construct` names what was refused (e.g. "defmacro")
// and is empty for plain syntax errors.
struct Diagnostic {
    SourceLocation location;
    std::string message;
    std::string construct;
};

// Formats a diagnostic the way the CLI prints it:
//   path/to/file.exs:LINE:COL: error: MESSAGE
//       <the source line>
//       <spaces>^
std::string format_diagnostic(const Diagnostic& diagnostic, const SourceFile& file);

}  // namespace tasklens::script
