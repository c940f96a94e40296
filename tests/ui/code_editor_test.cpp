// CodeEditor: gutter width, goTo, the error marker and its tooltip and click, indentation keys,
// the current line kept out of extra selections, and the palette switch.
#include "ui/code_editor.h"

#include <gtest/gtest.h>
#include <QApplication>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

#include "ui/elixir_highlighter.h"

namespace tasklens::ui {
namespace {

QString numberedLines(int count) {
    QStringList lines;
    for (int i = 1; i <= count; ++i) lines << QStringLiteral("IO.puts(%1)").arg(i);
    return lines.join(QLatin1Char('\n'));
}

/// The y coordinate (gutter and viewport share it) of the middle of `line` (1-based).
int lineCenterY(const CodeEditor& editor, int line) {
    const QTextBlock block = editor.document()->findBlockByNumber(line - 1);
    QTextCursor cursor(block);
    return editor.cursorRect(cursor).center().y();
}

class CodeEditorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        editor.resize(500, 400);
        editor.show();
        QApplication::processEvents();
    }
    CodeEditor editor;
};

TEST_F(CodeEditorTest, GutterGrowsWithTheLineCount) {
    editor.setPlainText(numberedLines(9));
    const int nine = editor.gutterWidth();
    editor.setPlainText(numberedLines(99));
    EXPECT_EQ(editor.gutterWidth(), nine);  // two digits are always reserved
    editor.setPlainText(numberedLines(100));
    const int hundred = editor.gutterWidth();
    EXPECT_GT(hundred, nine);
    editor.setPlainText(numberedLines(1000));
    EXPECT_GT(editor.gutterWidth(), hundred);
    QApplication::processEvents();
    EXPECT_EQ(editor.gutter()->width(), editor.gutterWidth());
    EXPECT_EQ(editor.viewport()->geometry().left(), editor.gutterWidth() + editor.frameWidth());
}

TEST_F(CodeEditorTest, GoToMovesTheCursorAndClamps) {
    editor.setPlainText(QStringLiteral("first\nsecond line\nthird"));
    editor.goTo(2, 4);
    EXPECT_EQ(editor.cursorLine(), 2);
    EXPECT_EQ(editor.cursorColumn(), 4);
    EXPECT_EQ(editor.textCursor().block().text(), QStringLiteral("second line"));
    editor.goTo(3, 99);  // past the end of the line: its end
    EXPECT_EQ(editor.cursorLine(), 3);
    EXPECT_EQ(editor.cursorColumn(), 6);
    editor.goTo(42, 1);  // past the last line: the last line
    EXPECT_EQ(editor.cursorLine(), 3);
    editor.goTo(0, 0);
    EXPECT_EQ(editor.cursorLine(), 1);
    EXPECT_EQ(editor.cursorColumn(), 1);
}

TEST_F(CodeEditorTest, GoToScrollsAFarLineIntoView) {
    editor.setPlainText(numberedLines(500));
    editor.goTo(400, 1);
    QApplication::processEvents();
    EXPECT_TRUE(editor.viewport()->rect().contains(editor.cursorRect().center()));
}

TEST_F(CodeEditorTest, ErrorMarkerIsSetShownAndCleared) {
    editor.setPlainText(QStringLiteral("a = 1\nb = (\nc = 3"));
    EXPECT_EQ(editor.errorLine(), 0);
    const QString message = QStringLiteral("x.exs:2:5: error: missing terminator: )");
    editor.setErrorLine(2, message);
    QApplication::processEvents();
    EXPECT_EQ(editor.errorLine(), 2);
    EXPECT_EQ(editor.errorMessage(), message);
    EXPECT_EQ(editor.gutterToolTipAt(QPoint(5, lineCenterY(editor, 2))), message);
    EXPECT_TRUE(editor.gutterToolTipAt(QPoint(5, lineCenterY(editor, 1))).isEmpty());

    // The marker is painted: the gutter's pixels at line 2 contain the marker colour.
    const QImage gutter = editor.gutter()->grab().toImage();
    bool marked = false;
    for (int x = 0; x < 16 && !marked; ++x)
        marked = gutter.pixelColor(x, lineCenterY(editor, 2)) ==
                 syntaxColors(CanvasScheme::Light).error_marker;
    EXPECT_TRUE(marked);

    // The extra selections stay free for the caller.
    EXPECT_TRUE(editor.extraSelections().isEmpty());

    editor.clearErrorLine();
    EXPECT_EQ(editor.errorLine(), 0);
    EXPECT_TRUE(editor.errorMessage().isEmpty());
    EXPECT_TRUE(editor.gutterToolTipAt(QPoint(5, lineCenterY(editor, 2))).isEmpty());

    editor.setErrorLine(99, message);  // past the end: the last line
    EXPECT_EQ(editor.errorLine(), 3);
}

TEST_F(CodeEditorTest, ClickingTheMarkerJumpsToTheLine) {
    editor.setPlainText(QStringLiteral("a = 1\nb = (\nc = 3"));
    editor.setErrorLine(2, QStringLiteral("syntax error"));
    QSignalSpy clicked(&editor, &CodeEditor::errorMarkerClicked);
    QTest::mouseClick(editor.gutter(), Qt::LeftButton, {}, QPoint(5, lineCenterY(editor, 2)));
    ASSERT_EQ(clicked.count(), 1);
    EXPECT_EQ(clicked.front().front().toInt(), 2);
    EXPECT_EQ(editor.cursorLine(), 2);
    QTest::mouseClick(editor.gutter(), Qt::LeftButton, {}, QPoint(5, lineCenterY(editor, 3)));
    EXPECT_EQ(clicked.count(), 1);  // no marker on line 3
}

TEST_F(CodeEditorTest, TabIndentsByTwoSpaces) {
    editor.setPlainText(QString());
    editor.setFocus();
    QTest::keyClick(&editor, Qt::Key_Tab);
    EXPECT_EQ(editor.toPlainText(), QStringLiteral("  "));
    QTest::keyClicks(&editor, QStringLiteral("x"));
    QTest::keyClick(&editor, Qt::Key_Tab);  // from column 3 to the next stop, column 5
    EXPECT_EQ(editor.toPlainText(), QStringLiteral("  x "));
    QTest::keyClick(&editor, Qt::Key_Return);  // keeps the indentation
    QTest::keyClicks(&editor, QStringLiteral("y"));
    EXPECT_EQ(editor.toPlainText(), QStringLiteral("  x \n  y"));

    editor.setPlainText(QStringLiteral("a\nb\nc"));
    editor.selectAll();
    QTest::keyClick(&editor, Qt::Key_Tab);  // a multi-line selection indents every line
    EXPECT_EQ(editor.toPlainText(), QStringLiteral("  a\n  b\n  c"));
    QTest::keyClick(&editor, Qt::Key_Backtab);
    EXPECT_EQ(editor.toPlainText(), QStringLiteral("a\nb\nc"));
}

TEST_F(CodeEditorTest, FollowsADarkPalette) {
    EXPECT_EQ(editor.highlighter()->scheme(), CanvasScheme::Light);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(35, 35, 38));
    dark.setColor(QPalette::Base, QColor(25, 25, 28));
    dark.setColor(QPalette::Text, QColor(220, 220, 220));
    editor.setPalette(dark);
    EXPECT_EQ(editor.highlighter()->scheme(), CanvasScheme::Dark);
    editor.setPlainText(QStringLiteral("a"));
    QApplication::processEvents();
    const QImage gutter = editor.gutter()->grab().toImage();
    EXPECT_EQ(gutter.pixelColor(2, 2), syntaxColors(CanvasScheme::Dark).gutter_background);
    editor.setPalette(QPalette(Qt::white));
    EXPECT_EQ(editor.highlighter()->scheme(), CanvasScheme::Light);
}

TEST_F(CodeEditorTest, PaintsTheCurrentLineBand) {
    editor.setPlainText(QStringLiteral("a\n\nc"));
    editor.goTo(2, 1);
    QApplication::processEvents();
    const QImage view = editor.viewport()->grab().toImage();
    const int y = lineCenterY(editor, 2);
    EXPECT_EQ(view.pixelColor(view.width() - 5, y), syntaxColors(CanvasScheme::Light).current_line);
    EXPECT_NE(view.pixelColor(view.width() - 5, lineCenterY(editor, 3)),
              syntaxColors(CanvasScheme::Light).current_line);
}

}  // namespace
}  // namespace tasklens::ui
