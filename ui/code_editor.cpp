#include "ui/code_editor.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>
#include <algorithm>

#include "ui/elixir_highlighter.h"

namespace tasklens::ui {

namespace {
constexpr int kMarkerWidth = 16;  // the error marker's column, left of the numbers
constexpr int kNumberPadding = 10;
constexpr int kIndent = 2;
}  // namespace

/// The gutter: the editor paints it; the widget only routes events.
class CodeEditorGutter : public QWidget {
  public:
    explicit CodeEditorGutter(CodeEditor* editor) : QWidget(editor), editor_(editor) {
        setMouseTracking(true);
    }
    QSize sizeHint() const override { return {editor_->gutterWidth(), 0}; }

  protected:
    void paintEvent(QPaintEvent* event) override { editor_->paintGutter(event); }
    bool event(QEvent* event) override {
        if (event->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(event);
            const QString tip = editor_->gutterToolTipAt(help->pos());
            if (tip.isEmpty()) {
                QToolTip::hideText();
                event->ignore();
            } else {
                QToolTip::showText(help->globalPos(), tip, this);
            }
            return true;
        }
        return QWidget::event(event);
    }
    void mousePressEvent(QMouseEvent* event) override {
        const int line = editor_->lineAt(static_cast<int>(event->position().y()));
        if (line > 0 && line == editor_->errorLine()) {
            editor_->goTo(line, 1);
            emit editor_->errorMarkerClicked(line);
        }
    }

  private:
    CodeEditor* editor_;
};

CodeEditor::CodeEditor(QWidget* parent)
    : QPlainTextEdit(parent),
      gutter_(new CodeEditorGutter(this)),
      highlighter_(new ElixirHighlighter(document())) {
    setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont font(QStringLiteral("DejaVu Sans Mono"));
    font.setStyleHint(QFont::Monospace);
    font.setFixedPitch(true);
    font.setPointSizeF(10);
    setFont(font);
    setTabStopDistance(QFontMetricsF(font).horizontalAdvance(QLatin1Char(' ')) * kIndent);
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { updateGutterWidth(); });
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeEditor::updateGutter);
    // The current-line band moves with the cursor.
    connect(this, &QPlainTextEdit::cursorPositionChanged, viewport(),
            qOverload<>(&QWidget::update));
    connect(this, &QPlainTextEdit::cursorPositionChanged, gutter_, qOverload<>(&QWidget::update));
    applyScheme();
    updateGutterWidth();
}

int CodeEditor::gutterWidth() const {
    int digits = 1;
    for (int count = std::max(1, blockCount()); count >= 10; count /= 10) ++digits;
    digits = std::max(digits, 2);
    return kMarkerWidth + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits +
           kNumberPadding;
}

void CodeEditor::updateGutterWidth() {
    setViewportMargins(gutterWidth(), 0, 0, 0);
    const QRect contents = contentsRect();
    gutter_->setGeometry(QRect(contents.left(), contents.top(), gutterWidth(), contents.height()));
}

void CodeEditor::updateGutter(const QRect& rect, int dy) {
    if (dy != 0)
        gutter_->scroll(0, dy);
    else
        gutter_->update(0, rect.y(), gutter_->width(), rect.height());
}

void CodeEditor::resizeEvent(QResizeEvent* event) {
    QPlainTextEdit::resizeEvent(event);
    const QRect contents = contentsRect();
    gutter_->setGeometry(QRect(contents.left(), contents.top(), gutterWidth(), contents.height()));
}

void CodeEditor::setErrorLine(int line, const QString& message) {
    error_line_ = std::clamp(line, 1, std::max(1, blockCount()));
    error_message_ = message;
    gutter_->update();
}

void CodeEditor::clearErrorLine() {
    error_line_ = 0;
    error_message_.clear();
    gutter_->update();
}

void CodeEditor::goTo(int line, int column) {
    const QTextBlock block =
        document()->findBlockByNumber(std::clamp(line, 1, std::max(1, blockCount())) - 1);
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                        std::clamp(column - 1, 0, std::max(0, block.length() - 1)));
    setTextCursor(cursor);
    centerCursor();
}

int CodeEditor::cursorLine() const {
    return textCursor().blockNumber() + 1;
}

int CodeEditor::cursorColumn() const {
    return textCursor().positionInBlock() + 1;
}

int CodeEditor::lineAt(int gutter_y) const {
    QTextBlock block = firstVisibleBlock();
    double top = blockBoundingGeometry(block).translated(contentOffset()).top();
    while (block.isValid()) {
        const double bottom = top + blockBoundingRect(block).height();
        if (block.isVisible() && gutter_y >= top && gutter_y < bottom)
            return block.blockNumber() + 1;
        if (top > gutter_y) break;
        top = bottom;
        block = block.next();
    }
    return 0;
}

QString CodeEditor::gutterToolTipAt(QPoint position) const {
    const int line = lineAt(position.y());
    if (line == 0 || line != error_line_) return {};
    return error_message_;
}

void CodeEditor::paintGutter(QPaintEvent* event) {
    const SyntaxColors& colors = syntaxColors(scheme_);
    QPainter painter(gutter_);
    painter.fillRect(event->rect(), colors.gutter_background);
    painter.setFont(font());
    const int current = textCursor().blockNumber();
    const int line_height = fontMetrics().height();
    QTextBlock block = firstVisibleBlock();
    double top = blockBoundingGeometry(block).translated(contentOffset()).top();
    while (block.isValid() && top <= event->rect().bottom()) {
        const double height = blockBoundingRect(block).height();
        if (block.isVisible() && top + height >= event->rect().top()) {
            const int number = block.blockNumber() + 1;
            painter.setPen(block.blockNumber() == current ? colors.gutter_current_text
                                                          : colors.gutter_text);
            painter.drawText(
                QRectF(kMarkerWidth, top, gutter_->width() - kMarkerWidth - 6, line_height),
                Qt::AlignRight | Qt::AlignVCenter, QString::number(number));
            if (number == error_line_) {
                // A filled disc with a white bar: visible at a glance, explained by its tooltip.
                painter.save();
                painter.setRenderHint(QPainter::Antialiasing, true);
                const double d = std::min(line_height - 2, kMarkerWidth - 4);
                const QRectF disc(3, top + (line_height - d) / 2, d, d);
                painter.setPen(Qt::NoPen);
                painter.setBrush(colors.error_marker);
                painter.drawEllipse(disc);
                painter.setPen(QPen(Qt::white, std::max(1.5, d / 7), Qt::SolidLine, Qt::RoundCap));
                painter.drawLine(QPointF(disc.center().x(), disc.top() + d * 0.25),
                                 QPointF(disc.center().x(), disc.top() + d * 0.58));
                painter.drawPoint(QPointF(disc.center().x(), disc.top() + d * 0.77));
                painter.restore();
            }
        }
        top += height;
        block = block.next();
    }
}

void CodeEditor::paintEvent(QPaintEvent* event) {
    {
        // The current-line band, under the text the base class draws next.
        QPainter painter(viewport());
        const QTextBlock block = textCursor().block();
        const QRectF line = blockBoundingGeometry(block).translated(contentOffset());
        painter.fillRect(QRectF(0, line.top(), viewport()->width(), line.height()),
                         syntaxColors(scheme_).current_line);
    }
    QPlainTextEdit::paintEvent(event);
}

void CodeEditor::indentSelection(bool outdent) {
    QTextCursor cursor = textCursor();
    const int first = document()->findBlock(cursor.selectionStart()).blockNumber();
    const int last = document()->findBlock(cursor.selectionEnd()).blockNumber();
    cursor.beginEditBlock();
    for (int n = first; n <= last; ++n) {
        QTextCursor line(document()->findBlockByNumber(n));
        if (outdent) {
            const QString text = line.block().text();
            int spaces = 0;
            while (spaces < kIndent && spaces < text.size() && text[spaces] == QLatin1Char(' '))
                ++spaces;
            line.movePosition(QTextCursor::Right, QTextCursor::KeepAnchor, spaces);
            line.removeSelectedText();
        } else {
            line.insertText(QString(kIndent, QLatin1Char(' ')));
        }
    }
    cursor.endEditBlock();
}

void CodeEditor::keyPressEvent(QKeyEvent* event) {
    const QTextCursor cursor = textCursor();
    const bool multi_line =
        cursor.hasSelection() && document()->findBlock(cursor.selectionStart()) !=
                                     document()->findBlock(cursor.selectionEnd());
    if (event->key() == Qt::Key_Tab && event->modifiers() == Qt::NoModifier) {
        if (multi_line) {
            indentSelection(false);
        } else {
            // Up to the next multiple of two columns, as mix format indents.
            const int column = cursor.positionInBlock();
            insertPlainText(QString(kIndent - column % kIndent, QLatin1Char(' ')));
        }
        return;
    }
    if (event->key() == Qt::Key_Backtab) {
        indentSelection(true);
        return;
    }
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) &&
        !(event->modifiers() & ~Qt::KeypadModifier)) {
        // Keep the indentation of the line the cursor is on.
        const QString text = cursor.block().text();
        int spaces = 0;
        while (spaces < text.size() && text[spaces] == QLatin1Char(' ')) ++spaces;
        spaces = std::min(spaces, cursor.positionInBlock());
        insertPlainText(QLatin1Char('\n') + QString(spaces, QLatin1Char(' ')));
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void CodeEditor::changeEvent(QEvent* event) {
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyScheme();
    if (event->type() == QEvent::FontChange) {
        // A caller's setFont (e.g. the system fixed font) keeps tabs two columns wide.
        setTabStopDistance(QFontMetricsF(font()).horizontalAdvance(QLatin1Char(' ')) * kIndent);
        updateGutterWidth();
    }
}

void CodeEditor::applyScheme() {
    scheme_ = canvasSchemeFor(palette());
    highlighter_->setScheme(scheme_);
    viewport()->update();
    gutter_->update();
}

}  // namespace tasklens::ui
