// A look at live observing with real eyes: runs a real Elixir program that streams its trace into
// the window, the way "Observe a real node..." does, and saves the window while the run goes on.
//   beam_live_shot TASKLENS SCRIPT.exs OUT_PREFIX [PORT]
// The window listens on 127.0.0.1:PORT (default 4099); `TASKLENS record SCRIPT --port PORT` runs
// the script on the BEAM with the tracer sending there. The window is saved every 400 ms while
// events arrive (OUT_PREFIX-live-N.png) and once when the program has ended (OUT_PREFIX-end.png).
// Needs a display (Xvfb) or QT_QPA_PLATFORM=offscreen, and elixir.
#include <QApplication>
#include <QProcess>
#include <QTextStream>
#include <QTimer>

#include "ui/beam_stream.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QTextStream err(stderr);
    const QStringList args = app.arguments();
    if (args.size() < 4) {
        err << "usage: beam_live_shot TASKLENS SCRIPT.exs OUT_PREFIX [PORT]\n";
        return 2;
    }
    const QString tasklens = args[1], script = args[2], prefix = args[3];
    const quint16 port = args.size() > 4 ? quint16(args[4].toUInt()) : quint16(4099);

    tasklens::ui::MainWindow window;
    window.resize(1600, 1000);
    window.show();
    QString error;
    tasklens::ui::BeamStream* stream = tasklens::ui::observeRealNodeOnPort(&window, port, &error);
    if (stream == nullptr) {
        err << "beam_live_shot: " << error << "\n";
        return 1;
    }
    int shots = 0;
    auto save = [&](const QString& name) {
        const QString path = prefix + name;
        if (!window.grab().save(path)) err << "beam_live_shot: cannot write " << path << "\n";
        err << "beam_live_shot: " << path << " ("
            << (stream->model() ? stream->model()->event_count() : 0) << " events)\n";
    };
    QTimer shooter;
    shooter.setInterval(400);
    QObject::connect(&shooter, &QTimer::timeout, [&] {
        if (stream->model() && stream->model()->event_count() > 0 && shots < 8)
            save(QStringLiteral("-live-%1.png").arg(++shots));
    });
    shooter.start();

    QProcess elixir;
    elixir.setProcessChannelMode(QProcess::ForwardedChannels);
    QObject::connect(&elixir, &QProcess::finished, [&](int status) {
        // Let the last lines arrive and the views settle, then the final picture.
        QTimer::singleShot(1000, [&, status] {
            save(QStringLiteral("-end.png"));
            for (const QString& problem : stream->problems()) err << "problem: " << problem << "\n";
            app.exit(status);
        });
    });
    elixir.start(tasklens, {QStringLiteral("record"), script, QStringLiteral("--port"),
                            QString::number(port)});
    return app.exec();
}
