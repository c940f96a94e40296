#pragma once
// Syntax highlighting for Elixir scenarios in the code editor. The scanner is a plain function
// over one line and a carried state (heredocs, multi-line strings and sigils continue on the next
// line), so it can be table-tested without a document; ElixirHighlighter applies its spans.
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <array>
#include <vector>

#include "ui/palette.h"

namespace tasklens::ui {

enum class ElixirToken {
    Keyword,        ///< def, do, end, fn, case, receive, after, true, nil, __MODULE__, ...
    Atom,           ///< :ok, :"quoted", and keyword keys `key:`
    Module,         ///< Task.Supervisor (each capitalised segment)
    String,         ///< "..." and """ heredocs
    Interpolation,  ///< the #{ and } around interpolated code
    Charlist,       ///< '...' and ''' heredocs
    Sigil,          ///< ~r/.../i, ~w(a b)a, ~S"""..."""
    Comment,        ///< # to the end of the line
    Number,         ///< 1_000, 0x1F, 1.5e-3, ?a
    Attribute,      ///< @timeout
    Capture,        ///< & and &1
};
inline constexpr int kElixirTokenCount = 11;

/// A highlighted range of one line, in UTF-16 code units as QString indexes them.
struct ElixirSpan {
    int start = 0;
    int length = 0;
    ElixirToken token = ElixirToken::Keyword;
    bool operator==(const ElixirSpan&) const = default;
};

/// The state a line leaves for the next one: 0 is plain code; anything else is the inside of a
/// string, charlist or sigil that continues (its closing delimiter and whether it interpolates
/// are encoded in the value). Matches QSyntaxHighlighter's block state, where -1 means "none".
struct ElixirLineResult {
    std::vector<ElixirSpan> spans;
    int end_state = 0;
};

/// Scans one line that starts in `start_state` (the previous line's end_state, or 0/-1).
ElixirLineResult scanElixirLine(QStringView line, int start_state);

class ElixirHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
  public:
    explicit ElixirHighlighter(QTextDocument* document, CanvasScheme scheme = CanvasScheme::Light);
    /// Switches colours (light or dark) and re-highlights the document.
    void setScheme(CanvasScheme scheme);
    CanvasScheme scheme() const { return scheme_; }
    /// The format used for a token; it carries the token in QTextFormat::UserProperty.
    const QTextCharFormat& formatFor(ElixirToken token) const;
    /// The token a format stands for, or -1 if it is not one of ours.
    static int tokenOf(const QTextFormat& format);

  protected:
    void highlightBlock(const QString& text) override;

  private:
    void buildFormats();

    CanvasScheme scheme_;
    std::array<QTextCharFormat, kElixirTokenCount> formats_;
};

}  // namespace tasklens::ui
