#pragma once
// The scenario editor: a QPlainTextEdit with a line-number gutter, Elixir highlighting, a
// current-line band, two-space indentation and a compile-error marker in the gutter.
//
// The current line is painted behind the text in paintEvent, not with extra selections, so
// setExtraSelections stays free for the caller (the main window underlines compile errors with
// it). Lines and columns are 1-based, as in compiler diagnostics (file:line:col).
#include <QPlainTextEdit>

#include "ui/palette.h"

namespace tasklens::ui {

class ElixirHighlighter;

class CodeEditor : public QPlainTextEdit {
    Q_OBJECT
  public:
    explicit CodeEditor(QWidget* parent = nullptr);

    /// Width of the gutter in pixels: room for the widest line number and the error marker.
    int gutterWidth() const;
    /// Marks `line` (1-based) in the gutter; hovering the marker shows `message`. A line past
    /// the end of the document marks the last line.
    void setErrorLine(int line, const QString& message);
    void clearErrorLine();
    /// The marked line (1-based), or 0 when there is none.
    int errorLine() const { return error_line_; }
    const QString& errorMessage() const { return error_message_; }
    /// Moves the cursor to `line`:`column` (1-based, clamped to the document) and scrolls there.
    void goTo(int line, int column = 1);
    /// The cursor's line and column, 1-based.
    int cursorLine() const;
    int cursorColumn() const;
    ElixirHighlighter* highlighter() const { return highlighter_; }
    /// The gutter widget (for tests and tooltips).
    QWidget* gutter() const { return gutter_; }
    /// The tooltip the gutter shows at a point in its coordinates (empty: none).
    QString gutterToolTipAt(QPoint position) const;

  signals:
    /// The user clicked the error marker in the gutter.
    void errorMarkerClicked(int line);

  protected:
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

  private:
    friend class CodeEditorGutter;
    void paintGutter(QPaintEvent* event);
    int lineAt(int gutter_y) const;
    void updateGutterWidth();
    void updateGutter(const QRect& rect, int dy);
    void applyScheme();
    /// Indents (or with `outdent`, unindents) every line the selection touches by two spaces.
    void indentSelection(bool outdent);

    QWidget* gutter_;
    ElixirHighlighter* highlighter_;
    int error_line_ = 0;
    QString error_message_;
    CanvasScheme scheme_ = CanvasScheme::Light;
};

}  // namespace tasklens::ui
