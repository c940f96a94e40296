// BeamStream: a fake tracer (a QTcpSocket in the test) sends JSON Lines the way
// resources/tracer/tasklens_tracer.ex does with `port:`, in pieces that split lines, with bad
// lines among them; the stream must grow its model, name the bad lines and go on.
#include "ui/beam_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include "engine/trace/trace_file.h"
#include "tests/engine/trace/trace_fixture.h"
#include "ui/main_window.h"
#include "ui/models.h"
#include "ui/view_state.h"

namespace tasklens::ui {
namespace {

using ::testing::HasSubstr;
using trace::testing::TraceBuilder;

QByteArray headerLine() {
    trace::RunInfo run;
    run.scenario = "fake_node.exs";
    return QByteArray::fromStdString(trace::format_header_line(run)) + '\n';
}

/// Lines of a small run: the script spawns a task that sends and exits.
QByteArray eventLines(uint32_t first_seq = 0) {
    TraceBuilder run;
    run.spawn(0, 1, 0, "fake_node.exs")
        .spawn(10, 2, 1, "Task fn")
        .send(20, 2, 1, ":hello")
        .exit(30, 2, ":normal");
    QByteArray lines;
    uint32_t seq = first_seq;
    for (trace::Event event : run.events()) {
        event.seq = seq++;
        lines += QByteArray::fromStdString(trace::format_event_line(event)) + '\n';
    }
    return lines;
}

/// A sender connected to the stream's port.
std::unique_ptr<QTcpSocket> connectTo(const BeamStream& stream) {
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, stream.port());
    EXPECT_TRUE(socket->waitForConnected(5000)) << socket->errorString().toStdString();
    return socket;
}

void send(QTcpSocket& socket, const QByteArray& bytes) {
    socket.write(bytes);
    socket.flush();
}

TEST(BeamStream, APortInUseIsAClearError) {
    BeamStream stream;
    ASSERT_TRUE(stream.listen(0));
    EXPECT_NE(stream.port(), 0);
    QString error;
    BeamStream second;
    EXPECT_FALSE(second.listen(stream.port(), &error));
    EXPECT_THAT(error.toStdString(),
                HasSubstr("cannot listen on 127.0.0.1:" + std::to_string(stream.port())));
    EXPECT_EQ(second.port(), 0);
}

TEST(BeamStream, GrowsTheModelFromLinesSplitAcrossWrites) {
    BeamStream stream;
    ASSERT_TRUE(stream.listen(0));
    QSignalSpy started(&stream, &BeamStream::started);
    QSignalSpy appended(&stream, &BeamStream::eventsAppended);
    auto socket = connectTo(stream);
    const QByteArray all = headerLine() + eventLines();
    // Cut in the middle of the header and in the middle of an event line.
    send(*socket, all.left(10));
    QTest::qWait(20);
    send(*socket, all.mid(10, headerLine().size() + 25 - 10));
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 5000);
    EXPECT_EQ(started.front().front().toString(), QStringLiteral("fake_node.exs"));
    send(*socket, all.mid(headerLine().size() + 25));
    QTRY_COMPARE_WITH_TIMEOUT(stream.model()->event_count(), 4u, 5000);
    EXPECT_GE(appended.count(), 1);
    EXPECT_EQ(stream.model()->process_count(), 2u);
    EXPECT_TRUE(stream.problems().isEmpty()) << stream.problems().join('\n').toStdString();
    EXPECT_TRUE(stream.isConnected());
    QSignalSpy finished(&stream, &BeamStream::finished);
    socket->disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    EXPECT_FALSE(stream.isConnected());
}

TEST(BeamStream, BadLinesAreNamedBySkippedAndTheRestIsRead) {
    BeamStream stream;
    ASSERT_TRUE(stream.listen(0));
    QSignalSpy problems(&stream, &BeamStream::problem);
    auto socket = connectTo(stream);
    QByteArray lines = eventLines();
    const qsizetype second_line = lines.indexOf('\n') + 1;
    // Line 3 (header, first event, then this) is not JSON; line 4 is an unknown kind.
    lines.insert(second_line,
                 "this is not json\n{\"seq\":1,\"t\":5,\"kind\":\"Spwan\",\"pid\":\"<0.9.0>\"}\n");
    send(*socket, headerLine() + lines);
    QTRY_COMPARE_WITH_TIMEOUT(stream.model() ? stream.model()->event_count() : 0u, 4u, 5000);
    ASSERT_EQ(stream.problems().size(), 2) << stream.problems().join('\n').toStdString();
    EXPECT_THAT(stream.problems()[0].toStdString(), HasSubstr("line 3:"));
    EXPECT_THAT(stream.problems()[1].toStdString(), HasSubstr("line 4:"));
    EXPECT_THAT(stream.problems()[1].toStdString(), HasSubstr("Spwan"));
    EXPECT_EQ(problems.count(), 2);
}

TEST(BeamStream, AHeaderThatIsNoTraceClosesTheConnection) {
    BeamStream stream;
    ASSERT_TRUE(stream.listen(0));
    QSignalSpy finished(&stream, &BeamStream::finished);
    auto socket = connectTo(stream);
    send(*socket, "GET / HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    ASSERT_FALSE(stream.problems().isEmpty());
    EXPECT_THAT(stream.problems().front().toStdString(),
                HasSubstr("line 1: not a Tasklens trace header"));
    EXPECT_EQ(stream.model(), nullptr);
}

TEST(BeamStream, ASecondTracerIsRefusedWhileOneSends) {
    BeamStream stream;
    ASSERT_TRUE(stream.listen(0));
    auto first = connectTo(stream);
    send(*first, headerLine());
    QTRY_VERIFY_WITH_TIMEOUT(stream.model() != nullptr, 5000);
    auto second = connectTo(stream);
    QTRY_COMPARE_WITH_TIMEOUT(second->state(), QAbstractSocket::UnconnectedState, 5000);
    EXPECT_THAT(stream.problems().join('\n').toStdString(), HasSubstr("refused"));
    send(*first, eventLines());
    QTRY_COMPARE_WITH_TIMEOUT(stream.model()->event_count(), 4u, 5000);
}

TEST(BeamStream, TheWindowShowsTheRunAsItArrives) {
    MainWindow window;
    // File → Observe a real node… asks for the port, then does what follows.
    ASSERT_NE(window.action(QStringLiteral("observe-real-node")), nullptr);
    QString error;
    BeamStream* stream = observeRealNodeOnPort(&window, 0, &error);
    ASSERT_NE(stream, nullptr) << error.toStdString();
    auto socket = connectTo(*stream);
    const QByteArray lines = eventLines();
    const qsizetype third = lines.indexOf('\n', lines.indexOf('\n') + 1) + 1;
    send(*socket, headerLine() + lines.left(third));
    QTRY_VERIFY_WITH_TIMEOUT(window.traceModel() != nullptr &&
                                 window.traceModel() == stream->model().get() &&
                                 window.traceModel()->event_count() == 2,
                             5000);
    QTRY_COMPARE_WITH_TIMEOUT(window.processModel()->rowCount(), 2, 5000);
    // More events: the same model grows, the window keeps showing it.
    send(*socket, lines.mid(third));
    QTRY_COMPARE_WITH_TIMEOUT(window.traceModel()->event_count(), 4u, 5000);
    EXPECT_EQ(window.traceModel(), stream->model().get());
    // The cursor follows the newest event (the task's exit at 30 us), as in a live engine run.
    QTRY_COMPARE_WITH_TIMEOUT(window.viewState()->cursorUs(), 30.0, 5000);
    socket->disconnectFromHost();
    QTRY_VERIFY_WITH_TIMEOUT(!stream->isConnected(), 5000);
}

}  // namespace
}  // namespace tasklens::ui
