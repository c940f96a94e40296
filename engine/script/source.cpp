#include "engine/script/source.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/script/utf8.h"

namespace tasklens::script {

SourceFile::SourceFile(FileId id, std::string path, std::string text)
    : id_(id), path_(std::move(path)), text_(std::move(text)) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
    if (line == 0 || line > line_starts_.size()) return {};
    std::size_t begin = line_starts_[line - 1];
    std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
    std::string_view text = std::string_view(text_).substr(begin, end - begin);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return text;
}

const SourceFile& SourceFiles::add(std::string path, std::string text) {
    auto id = static_cast<FileId>(files_.size());
    files_.push_back(std::make_unique<SourceFile>(id, std::move(path), std::move(text)));
    return *files_.back();
}

namespace {

// The longest excerpt of a source line a diagnostic shows: a generated one-line scenario can be
// megabytes long, and the terminal needs only the part around the caret.
constexpr std::size_t kExcerptBefore = 80;
constexpr std::size_t kExcerptAfter = 80;

// A control character or a byte that is not UTF-8 prints as '?': a hostile file must not send
// escape sequences to the user's terminal through an error message.
std::string printable_excerpt(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp;
        bool valid;
        std::size_t length = utf8_decode(text, i, cp, valid);
        if (!valid || (cp < 0x20 && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            out += '?';
        else
            out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

}  // namespace

std::string format_diagnostic(const Diagnostic& diagnostic, const SourceFile& file) {
    const SourceLocation& at = diagnostic.location;
    std::string out =
        fmt::format("{}:{}:{}: error: {}\n", file.path(), at.line, at.column, diagnostic.message);
    std::string_view line = file.line_text(at.line);
    // columns count bytes; show at most a window of bytes around the caret, cut at code points
    std::size_t caret = std::min<std::size_t>(at.column > 0 ? at.column - 1 : 0, line.size());
    std::size_t from = caret > kExcerptBefore ? caret - kExcerptBefore : 0;
    std::size_t to = std::min(line.size(), caret + kExcerptAfter);
    while (from > 0 && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80) --from;
    while (to < line.size() && (static_cast<unsigned char>(line[to]) & 0xC0) == 0x80) ++to;
    const std::string_view lead = from > 0 ? "..." : "";
    out += "    ";
    out += lead;
    out += printable_excerpt(line.substr(from, to - from));
    if (to < line.size()) out += "...";
    out += "\n    ";
    out.append(lead.size(), ' ');
    // Keep tabs so that the caret lines up under the same terminal tab stops; a multi-byte
    // character takes one column on the terminal, so only its first byte gets a space.
    for (std::size_t i = from; i < caret; ++i) {
        auto byte = static_cast<unsigned char>(line[i]);
        if ((byte & 0xC0) == 0x80) continue;
        out += line[i] == '\t' ? '\t' : ' ';
    }
    out += "^\n";
    return out;
}

}  // namespace tasklens::script
