#pragma once
// Live traces from a real BEAM (docs/real-beam.md): the tracer in resources/tracer
// (`Tasklens.Tracer.start(port: 4099)`) connects to 127.0.0.1 and sends its JSON Lines trace as
// the program runs. BeamStream listens on the loopback interface only, reads the lines as they
// come, and appends them to a growing TraceModel in batches, once per frame, as the EventPump
// does for the engine. A bad line is reported with its line number and skipped; the stream goes
// on. observeRealNode() shows such a stream in the main window while it grows.
#include <QByteArray>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <string>
#include <vector>

#include "engine/trace/trace_model.h"

class QTcpServer;
class QTcpSocket;

namespace tasklens::ui {

class MainWindow;

class BeamStream : public QObject {
    Q_OBJECT
  public:
    explicit BeamStream(QObject* parent = nullptr);
    ~BeamStream() override;

    /// Listens on 127.0.0.1:`port` (0: a free port). False, with the reason in `error`, if the
    /// port cannot be had.
    bool listen(quint16 port, QString* error = nullptr);
    /// The port listened on (0 before listen()).
    quint16 port() const;
    /// The trace as it grows (GUI thread only). A new connection starts a new model.
    std::shared_ptr<trace::TraceModel> model() const { return model_; }
    /// Problems with the input so far ("line 17: unknown event kind \"Spwan\""), oldest first.
    const QStringList& problems() const { return problems_; }
    /// Whether a tracer is connected now.
    bool isConnected() const { return socket_ != nullptr; }
    /// Lines read so far on the current connection (the header included).
    quint64 linesRead() const { return line_number_; }
    /// Appends whatever complete lines are pending now (the frame timer calls this too).
    void drain();

  signals:
    /// A tracer connected and its header was read: model() is the new, empty trace.
    void started(const QString& scenario);
    /// A batch was appended; `count` events, the model now ends at `end_us`.
    void eventsAppended(int count, qint64 end_us);
    /// A line could not be read (it was skipped), or a connection was refused.
    void problem(const QString& text);
    /// The tracer closed the connection (the recording ended).
    void finished();

  private:
    void onNewConnection();
    void onReadyRead();
    void onDisconnected();
    void takeLines(bool at_end);
    void readHeader(const std::string& line);
    void report(const QString& text);

    QTcpServer* server_;
    QTcpSocket* socket_ = nullptr;
    QTimer frame_timer_;
    QByteArray partial_;                ///< bytes after the last newline
    std::vector<std::string> pending_;  ///< complete lines not yet parsed
    quint64 first_pending_line_ = 0;    ///< line number of pending_.front()
    quint64 line_number_ = 0;           ///< lines taken so far on this connection
    std::string header_;                ///< the connection's header line, empty until read
    bool bad_header_ = false;           ///< line 1 was no trace header: the connection closes
    std::shared_ptr<trace::TraceModel> model_;
    QStringList problems_;
};

/// Asks for a port, listens on it and shows what a tracer sends in `window` as it arrives: the
/// views grow as in a live run (the program cannot be paused: it runs on its own BEAM). The
/// stream lives as long as the window; observing again replaces it.
void observeRealNode(MainWindow* window);

/// Without asking: listens on `port` and shows the stream in `window`. Returns the stream, or
/// nullptr with the reason in `error`.
BeamStream* observeRealNodeOnPort(MainWindow* window, quint16 port, QString* error = nullptr);

}  // namespace tasklens::ui
