#include "ui/image_export.h"

#include <qcustomplot.h>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <memory>

#include "ui/lineage_view.h"
#include "ui/timeline_plot.h"
#include "ui/tree_view.h"
#include "ui/view_state.h"

namespace tasklens::ui {

std::optional<ImageFormat> imageFormatForPath(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png")) return ImageFormat::Png;
    if (suffix == QLatin1String("svg")) return ImageFormat::Svg;
    if (suffix == QLatin1String("pdf")) return ImageFormat::Pdf;
    return std::nullopt;
}

bool writeImage(const ImageRequest& request, const PaintFunction& paint, QString* error) {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    const auto format = imageFormatForPath(request.path);
    if (!format)
        return fail(
            QStringLiteral("%1: unknown image type (use .png, .svg or .pdf)").arg(request.path));
    if (request.size.width() < 16 || request.size.height() < 16 || request.size.width() > 20000 ||
        request.size.height() > 20000)
        return fail(QStringLiteral("image size %1x%2 is out of range (16..20000)")
                        .arg(request.size.width())
                        .arg(request.size.height()));
    const QSize size = request.size;
    switch (*format) {
        case ImageFormat::Png: {
            const double scale = std::clamp(request.scale, 0.25, 8.0);
            QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
            if (image.isNull())
                return fail(QStringLiteral("cannot allocate a %1x%2 image")
                                .arg(size.width())
                                .arg(size.height()));
            image.setDevicePixelRatio(scale);
            image.fill(Qt::white);
            {
                QCPPainter painter(&image);
                painter.setRenderHint(QPainter::TextAntialiasing, true);
                paint(painter, size);
            }
            QImageWriter writer(request.path, "png");
            if (!writer.write(image))
                return fail(QStringLiteral("%1: %2").arg(request.path, writer.errorString()));
            return true;
        }
        case ImageFormat::Svg: {
            QSvgGenerator generator;
            generator.setFileName(request.path);
            generator.setSize(size);
            generator.setViewBox(QRect(QPoint(0, 0), size));
            generator.setResolution(96);
            generator.setTitle(request.title.isEmpty() ? QStringLiteral("Tasklens")
                                                       : request.title);
            generator.setDescription(QStringLiteral("Exported by Tasklens"));
            QCPPainter painter;
            if (!painter.begin(&generator))
                return fail(QStringLiteral("%1: cannot write").arg(request.path));
            painter.setMode(QCPPainter::pmVectorized);
            paint(painter, size);
            painter.end();
            return QFileInfo(request.path).size() > 0 ||
                   fail(QStringLiteral("%1: nothing written").arg(request.path));
        }
        case ImageFormat::Pdf: {
            QPdfWriter writer(request.path);
            // 96 dpi and a page of exactly the requested size: one painter unit is one pixel, so
            // the PDF has the same layout as the PNG.
            writer.setResolution(96);
            writer.setPageSize(
                QPageSize(QSizeF(size.width() * 72.0 / 96, size.height() * 72.0 / 96),
                          QPageSize::Point, QString(), QPageSize::ExactMatch));
            writer.setPageMargins(QMarginsF(0, 0, 0, 0));
            writer.setTitle(request.title.isEmpty() ? QStringLiteral("Tasklens") : request.title);
            writer.setCreator(QStringLiteral("Tasklens"));
            QCPPainter painter;
            if (!painter.begin(&writer))
                return fail(QStringLiteral("%1: cannot write").arg(request.path));
            painter.setMode(QCPPainter::pmVectorized);
            paint(painter, size);
            painter.end();
            return QFileInfo(request.path).size() > 0 ||
                   fail(QStringLiteral("%1: nothing written").arg(request.path));
        }
    }
    return fail(QStringLiteral("unreachable"));
}

bool exportTimeline(const TimelineData& data, const ImageRequest& request, QString* error,
                    std::optional<TimeWindow> window) {
    // The plot is a widget but never shown: it only lays out and paints.
    TimelinePlot plot;
    // The plot keeps a shared pointer; the caller's data outlives this call, so alias it.
    plot.setTimelineData(std::shared_ptr<const TimelineData>(std::shared_ptr<void>(), &data));
    if (window) plot.viewState()->setVisibleWindow(*window);
    const TimeWindow shown = plot.viewState()->visibleWindow();
    QString title = request.title;
    if (title.isEmpty()) {
        const double run =
            data.run_end_us > 0 ? double(data.run_end_us) - data.range.begin_us : shown.duration();
        title = QStringLiteral("Timeline \u2014 %1%2 processes \u2014 %3 of virtual time")
                    .arg(data.scenario.empty()
                             ? QString()
                             : QString::fromStdString(data.scenario) + QStringLiteral(" \u2014 "))
                    .arg(data.laneCount())
                    .arg(QString::fromStdString(formatDuration(window ? shown.duration() : run)));
    }
    plot.setTitle(title);
    // No cursor line in a still image: it means "now" only in the live window.
    plot.setCursorVisible(false);
    plot.resize(request.size);
    return writeImage(
        request, [&](QCPPainter& painter, QSize size) { plot.renderTo(painter, size); }, error);
}

bool exportTree(const TreeSnapshot& tree, const ImageRequest& request, QString* error) {
    TreePaintOptions options;
    options.title = request.title;
    return writeImage(
        request, [&](QCPPainter& painter, QSize size) { paintTree(painter, size, tree, options); },
        error);
}

bool exportLineage(const LineageData& lineage, const ImageRequest& request, QString* error) {
    LineagePaintOptions options;
    options.title = request.title;
    return writeImage(
        request,
        [&](QCPPainter& painter, QSize size) { paintLineage(painter, size, lineage, options); },
        error);
}

}  // namespace tasklens::ui
