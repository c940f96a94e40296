#include "ui/beam_stream.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QInputDialog>
#include <QMessageBox>
#include <QPointer>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>
#include <sstream>

#include "engine/trace/trace_file.h"
#include "ui/lineage_view.h"
#include "ui/main_window.h"
#include "ui/models.h"
#include "ui/timeline_plot.h"
#include "ui/trace_adapter.h"
#include "ui/tree_view.h"
#include "ui/view_state.h"

namespace tasklens::ui {
namespace {

/// A line this long without its newline is no trace line: the connection is dropped.
constexpr qsizetype kMaxLineBytes = qsizetype{16} << 20;
/// Problems kept (and reported) per connection; a sender of garbage must not flood the window.
constexpr int kMaxProblems = 100;

}  // namespace

BeamStream::BeamStream(QObject* parent) : QObject(parent), server_(new QTcpServer(this)) {
    connect(server_, &QTcpServer::newConnection, this, &BeamStream::onNewConnection);
    // Batches once per frame, as the engine's EventPump: the views catch up at their own rate.
    frame_timer_.setInterval(16);
    connect(&frame_timer_, &QTimer::timeout, this, &BeamStream::drain);
}

BeamStream::~BeamStream() = default;

bool BeamStream::listen(quint16 port, QString* error) {
    // Loopback only: a trace shows what a program does, and no other machine may send one.
    if (server_->listen(QHostAddress::LocalHost, port)) return true;
    if (error)
        *error = QStringLiteral("cannot listen on 127.0.0.1:%1: %2")
                     .arg(port)
                     .arg(server_->errorString());
    return false;
}

quint16 BeamStream::port() const {
    return server_->isListening() ? server_->serverPort() : 0;
}

void BeamStream::report(const QString& text) {
    if (problems_.size() >= kMaxProblems) return;
    problems_.append(text);
    if (problems_.size() == kMaxProblems)
        problems_.append(QStringLiteral("(further problems are not listed)"));
    emit problem(problems_.back());
}

void BeamStream::onNewConnection() {
    while (QTcpSocket* incoming = server_->nextPendingConnection()) {
        if (socket_ != nullptr) {
            // One tracer at a time (there is one tracer per node, and one trace per window).
            report(
                QStringLiteral("a second tracer tried to connect while one is sending; "
                               "refused"));
            incoming->abort();
            incoming->deleteLater();
            continue;
        }
        socket_ = incoming;
        partial_.clear();
        pending_.clear();
        header_.clear();
        bad_header_ = false;
        line_number_ = 0;
        first_pending_line_ = 1;
        problems_.clear();
        connect(socket_, &QTcpSocket::readyRead, this, &BeamStream::onReadyRead);
        connect(socket_, &QTcpSocket::disconnected, this, &BeamStream::onDisconnected);
        frame_timer_.start();
        onReadyRead();
    }
}

void BeamStream::onReadyRead() {
    if (socket_ == nullptr) return;
    partial_.append(socket_->readAll());
    takeLines(false);
    if (bad_header_) {
        socket_->abort();  // emits disconnected: onDisconnected ends the connection
        return;
    }
    if (partial_.size() > kMaxLineBytes) {
        report(QStringLiteral("line %1: longer than %2 MiB; the connection was closed")
                   .arg(line_number_ + 1)
                   .arg(kMaxLineBytes >> 20));
        partial_.clear();
        socket_->abort();
    }
}

void BeamStream::takeLines(bool at_end) {
    qsizetype from = 0;
    for (qsizetype newline; (newline = partial_.indexOf('\n', from)) >= 0; from = newline + 1) {
        std::string line(partial_.constData() + from, size_t(newline - from));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        ++line_number_;
        if (header_.empty() && line_number_ == 1) {
            readHeader(line);
            first_pending_line_ = 2;
            // A bad header closes the connection (onReadyRead), and what follows it is no trace.
            if (bad_header_) {
                partial_.clear();
                return;
            }
            continue;
        }
        if (pending_.empty()) first_pending_line_ = line_number_;
        pending_.push_back(std::move(line));
    }
    partial_.remove(0, from);
    if (at_end && !partial_.isEmpty()) {
        // The tracer ended without a final newline: the last line may still be whole.
        ++line_number_;
        if (pending_.empty()) first_pending_line_ = line_number_;
        pending_.emplace_back(partial_.constData(), size_t(partial_.size()));
        partial_.clear();
    }
}

void BeamStream::readHeader(const std::string& line) {
    std::istringstream in(line + "\n");
    trace::TraceReader reader(in, "stream");
    if (!reader.read_header()) {
        report(QStringLiteral("line 1: not a Tasklens trace header (%1); the connection was "
                              "closed")
                   .arg(reader.error() ? QString::fromStdString(reader.error()->message)
                                       : QStringLiteral("empty")));
        bad_header_ = true;
        return;
    }
    header_ = line;
    model_ = std::make_shared<trace::TraceModel>();
    model_->set_run_info(reader.run());
    emit started(QString::fromStdString(reader.run().scenario));
}

void BeamStream::drain() {
    if (pending_.empty() || header_.empty() || !model_) return;
    std::vector<trace::Event> batch;
    batch.reserve(pending_.size());
    // The lines go through the trace file reader (the one parser of the format) behind the
    // connection's header. A bad line stops a reader: it is reported, skipped, and a new reader
    // takes the lines after it.
    size_t next = 0;
    while (next < pending_.size()) {
        std::string text = header_;
        text += '\n';
        for (size_t i = next; i < pending_.size(); ++i) {
            text += pending_[i];
            text += '\n';
        }
        std::istringstream in(std::move(text));
        trace::TraceReader reader(in, "stream");
        trace::Event event;
        size_t taken = next;
        while (reader.next(event)) {
            batch.push_back(std::move(event));
            ++taken;
        }
        if (!reader.error()) break;
        // The reader's line 1 is the header: its line n is pending_[next + n - 2].
        const size_t bad = next + size_t(std::max<uint64_t>(reader.line_number(), 2) - 2);
        report(QStringLiteral("line %1: %2 (skipped)")
                   .arg(first_pending_line_ + bad)
                   .arg(QString::fromStdString(reader.error()->message)));
        next = std::max(bad, taken) + 1;
    }
    pending_.clear();
    if (batch.empty()) return;
    model_->append(batch);
    emit eventsAppended(int(batch.size()), qint64(model_->end_time()));
}

void BeamStream::onDisconnected() {
    if (socket_ == nullptr) return;
    if (!bad_header_) {
        if (socket_->isOpen()) partial_.append(socket_->readAll());
        takeLines(true);
    }
    drain();
    frame_timer_.stop();
    socket_->deleteLater();
    socket_ = nullptr;
    emit finished();
}

// --- the window side
// ------------------------------------------------------------------------------

namespace {

/// Keeps a window's views on a growing BEAM trace. The window's own live mode belongs to its
/// RunController (an engine run it can pause); this drives the same views from outside, through
/// the window's public view accessors: the models grow every batch and the timeline's layout is
/// rebuilt at a rate that follows its cost, with the cursor on the newest event until the user
/// moves it.
class LiveBeamView : public QObject {
  public:
    LiveBeamView(MainWindow* window, BeamStream* stream)
        : QObject(stream), window_(window), stream_(stream) {
        connect(stream, &BeamStream::started, this, &LiveBeamView::onStarted);
        connect(stream, &BeamStream::eventsAppended, this, [this] { refresh(false); });
        connect(stream, &BeamStream::finished, this, [this] {
            refresh(true);
            if (showing())
                window_->statusBar()->showMessage(
                    QStringLiteral("The real node closed its trace: %1 events, %2 processes%3")
                        .arg(stream_->model()->event_count())
                        .arg(stream_->model()->process_count())
                        .arg(stream_->problems().isEmpty()
                                 ? QString()
                                 : QStringLiteral(", %1 bad lines skipped")
                                       .arg(stream_->problems().size())));
        });
        connect(stream, &BeamStream::problem, this, [this](const QString& text) {
            window_->statusBar()->showMessage(QStringLiteral("Real node: %1").arg(text), 10000);
        });
        connect(window->viewState(), &ViewState::cursorChanged, this, [this] {
            // The user moved the cursor away from the live edge: stop following it.
            if (!moving_cursor_ && showing()) following_ = false;
        });
    }

  private:
    bool showing() const {
        return window_ && stream_->model() && window_->traceModel() == stream_->model().get();
    }

    void onStarted(const QString& scenario) {
        title_ = QStringLiteral("%1 (real node, live)").arg(scenario);
        // setTrace moves the cursor: that is not the user leaving the live edge.
        moving_cursor_ = true;
        window_->setTrace(stream_->model(), title_);
        moving_cursor_ = false;
        following_ = true;
        since_rebuild_.invalidate();
        window_->statusBar()->showMessage(
            QStringLiteral("A real node is sending its trace: %1").arg(scenario));
    }

    void refresh(bool now) {
        if (!showing()) return;
        window_->processModel()->refresh();
        window_->eventModel()->refresh();
        const qint64 interval = std::max<qint64>(100, 4 * rebuild_cost_ms_);
        if (!now && since_rebuild_.isValid() && since_rebuild_.elapsed() < interval) return;
        QElapsedTimer cost;
        cost.start();
        rebuildTimeline();
        since_rebuild_.start();
        rebuild_cost_ms_ = cost.elapsed();
    }

    void rebuildTimeline() {
        ViewState* state = window_->viewState();
        const trace::TraceModel& model = *stream_->model();
        const TimeWindow old_trace = state->traceWindow();
        const TimeWindow old_visible = state->visibleWindow();
        const bool showed_all =
            old_visible.begin_us <= old_trace.begin_us && old_visible.end_us >= old_trace.end_us;
        const double old_cursor = state->cursorUs();
        const auto old_selection = state->selection();
        const Pid old_pid = state->selectedPid();
        const int old_first_lane = window_->timeline()->firstLane();
        auto data = std::make_shared<TimelineData>(buildTimelineData(model));
        {
            // setTimelineData resets the view state to the whole run; the user's zoom,
            // selection and cursor are put back.
            const QSignalBlocker block(state);
            window_->timeline()->setTimelineData(data);
        }
        const TimeWindow run = data->range;
        moving_cursor_ = true;
        state->setSelection(old_selection);
        state->setSelectedPid(old_pid);
        if (showed_all)
            state->setVisibleWindow(run);
        else if (following_)
            state->setVisibleWindow({run.end_us - old_visible.duration(), run.end_us});
        else
            state->setVisibleWindow(old_visible);
        window_->timeline()->setFirstLane(old_first_lane);
        state->setCursorUs(following_ ? double(model.end_time()) : old_cursor);
        moving_cursor_ = false;
        // The pictures read the model at the cursor: redraw them even if it did not move.
        auto model_ref = stream_->model();
        window_->treeView()->setSnapshotProvider(
            [model_ref](int64_t t) { return buildTreeSnapshot(*model_ref, t); });
        window_->lineageView()->setLineageProvider(
            [model_ref](Pid pid, int64_t t) { return buildLineage(*model_ref, pid, t); });
    }

    QPointer<MainWindow> window_;
    BeamStream* stream_;
    QString title_;
    bool following_ = true;
    bool moving_cursor_ = false;
    QElapsedTimer since_rebuild_;
    qint64 rebuild_cost_ms_ = 0;
};

}  // namespace

BeamStream* observeRealNodeOnPort(MainWindow* window, quint16 port, QString* error) {
    // One stream per window: observing again replaces the previous one.
    for (BeamStream* old : window->findChildren<BeamStream*>(QString(), Qt::FindDirectChildrenOnly))
        old->deleteLater();
    auto* stream = new BeamStream(window);
    if (!stream->listen(port, error)) {
        delete stream;
        return nullptr;
    }
    new LiveBeamView(window, stream);
    window->statusBar()->showMessage(
        QStringLiteral("Listening on 127.0.0.1:%1. In the program: Tasklens.Tracer.start(port: "
                       "%1), or tasklens record app.exs --port %1")
            .arg(stream->port()));
    return stream;
}

void observeRealNode(MainWindow* window) {
    bool ok = false;
    const int port = QInputDialog::getInt(
        window, QStringLiteral("Observe a real node"),
        QStringLiteral("Listen on 127.0.0.1, port:\n(in the program to observe, call "
                       "Tasklens.Tracer.start(port: PORT) from\nresources/tracer/"
                       "tasklens_tracer.ex; the run shows here as it goes)"),
        4099, 1, 65535, 1, &ok);
    if (!ok) return;
    QString error;
    if (!observeRealNodeOnPort(window, quint16(port), &error))
        QMessageBox::warning(window, QStringLiteral("Observe a real node"), error);
}

}  // namespace tasklens::ui
