#include "ui/image_export.h"

#include <qcustomplot.h>
#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QLocale>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <memory>

#include "ui/lane_folding.h"
#include "ui/lineage_view.h"
#include "ui/timeline_plot.h"
#include "ui/tree_folding.h"
#include "ui/tree_view.h"
#include "ui/view_state.h"

namespace tasklens::ui {

QByteArray withoutXmlControlCharacters(const QByteArray& xml) {
    QByteArray clean;
    clean.reserve(xml.size());
    for (const char c : xml) {
        const auto byte = static_cast<unsigned char>(c);
        // XML 1.0 allows tab, newline and carriage return only. These bytes never occur inside a
        // multi-byte UTF-8 sequence, so replacing them byte by byte keeps the text valid.
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r')
            clean.append("\xEF\xBF\xBD");
        else
            clean.append(c);
    }
    return clean;
}

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
            // Into memory first: text with control characters (a process named "a\u0001b")
            // would make the XML invalid, so they are replaced before the file is written.
            QBuffer svg;
            svg.open(QIODevice::WriteOnly);
            QSvgGenerator generator;
            generator.setOutputDevice(&svg);
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
            QFile file(request.path);
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return fail(QStringLiteral("%1: %2").arg(request.path, file.errorString()));
            const QByteArray xml = withoutXmlControlCharacters(svg.data());
            if (file.write(xml) != xml.size() || !file.flush())
                return fail(QStringLiteral("%1: %2").arg(request.path, file.errorString()));
            return true;
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
        // Say what was folded: the picture has fewer lanes than the run has processes.
        for (const std::string& note : foldNotes(*plot.timelineData()))
            title += QStringLiteral(" \u2014 ") + QString::fromStdString(note);
    }
    plot.setTitle(title);
    // No cursor line in a still image: it means "now" only in the live window.
    plot.setCursorVisible(false);
    plot.resize(request.size);
    return writeImage(
        request, [&](QCPPainter& painter, QSize size) { plot.renderTo(painter, size); }, error);
}

bool exportTree(const TreeSnapshot& tree, const ImageRequest& request, QString* error) {
    // The same folding as the window: similar children become one counted box.
    const TreeSnapshot shown = foldTree(tree);
    TreePaintOptions options;
    options.title = request.title;
    int folded_boxes = 0, folded_processes = 0;
    for (const TreeNode& node : shown.nodes) {
        if (node.group_members == 0) continue;
        ++folded_boxes;
        folded_processes += node.group_members;
    }
    if (options.title.isEmpty()) {
        options.title = QStringLiteral("Supervision tree at %1")
                            .arg(QString::fromStdString(formatDuration(double(tree.at_us))));
        if (folded_boxes > 0)
            options.title +=
                QStringLiteral(" \u2014 %1 similar processes folded into %2 %3")
                    .arg(QLocale(QLocale::English).toString(folded_processes))
                    .arg(folded_boxes)
                    .arg(folded_boxes == 1 ? QStringLiteral("box") : QStringLiteral("boxes"));
    }
    // A big tree is not shrunk to a thumbnail: the canvas grows so boxes stay readable.
    options.min_scale = kTreeMinScale;
    ImageRequest sized = request;
    sized.size = treeExportSize(shown, request.size);
    return writeImage(
        sized, [&](QCPPainter& painter, QSize size) { paintTree(painter, size, shown, options); },
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
