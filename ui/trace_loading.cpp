#include "ui/trace_loading.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProgressDialog>
#include <memory>

namespace tasklens::ui {

TraceLoadResult loadTraceWithProgress(const QString& path, QWidget* parent, int show_after_ms) {
    TraceLoadResult result;
    std::unique_ptr<QProgressDialog> dialog;
    QElapsedTimer started;
    started.start();
    qint64 last_update_ms = 0;
    trace::TraceLoadOptions options;
    options.progress = [&](uint64_t bytes_read, uint64_t total_bytes) {
        // The reader calls back every 4,096 events (~0.4 MB); the event loop runs at most every
        // 50 ms, so a 200 MB trace spends a few milliseconds on progress.
        const qint64 now = started.elapsed();
        if (now - last_update_ms < 50) return true;
        last_update_ms = now;
        if (!dialog && now >= show_after_ms) {
            dialog = std::make_unique<QProgressDialog>(
                QStringLiteral("Opening %1…").arg(QFileInfo(path).fileName()),
                QStringLiteral("Cancel"), 0, 1000, parent);
            dialog->setWindowTitle(QStringLiteral("Opening trace"));
            dialog->setWindowModality(Qt::WindowModal);
            dialog->setMinimumDuration(0);
            dialog->setAutoClose(false);
            dialog->setAutoReset(false);
            dialog->show();
        }
        if (dialog) {
            if (total_bytes > 0)
                dialog->setValue(int(std::min<uint64_t>(1000, bytes_read * 1000 / total_bytes)));
            dialog->setLabelText(QStringLiteral("Opening %1… %2 of %3 MB")
                                     .arg(QFileInfo(path).fileName())
                                     .arg(double(bytes_read) / 1e6, 0, 'f', 0)
                                     .arg(double(total_bytes) / 1e6, 0, 'f', 0));
        }
        QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
        if (dialog && dialog->wasCanceled()) {
            result.cancelled = true;
            return false;
        }
        return true;
    };
    QApplication::setOverrideCursor(Qt::WaitCursor);
    result.loaded = trace::load_trace_file(path.toStdString(), options);
    QApplication::restoreOverrideCursor();
    return result;
}

}  // namespace tasklens::ui
