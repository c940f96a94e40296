#include "engine/script/source.h"

#include <fmt/format.h>

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

std::string format_diagnostic(const Diagnostic& diagnostic, const SourceFile& file) {
    const SourceLocation& at = diagnostic.location;
    std::string out =
        fmt::format("{}:{}:{}: error: {}\n", file.path(), at.line, at.column, diagnostic.message);
    std::string_view line = file.line_text(at.line);
    out += "    ";
    out += line;
    out += "\n    ";
    // Keep tabs so that the caret lines up under the same terminal tab stops.
    for (std::uint32_t col = 1; col < at.column && col <= line.size(); ++col) {
        out += line[col - 1] == '\t' ? '\t' : ' ';
    }
    out += "^\n";
    return out;
}

}  // namespace tasklens::script
