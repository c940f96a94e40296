#pragma once
// Writes any of the views to PNG, SVG (QSvgGenerator) or PDF (QPdfWriter) at a requested size.
// Everything paints through QPainter, so the same code draws on screen, on an image and into a
// vector file, and all of it runs under QT_QPA_PLATFORM=offscreen.
#include <QByteArray>
#include <QSize>
#include <QString>
#include <functional>
#include <optional>

#include "ui/view_data.h"

class QCPPainter;

namespace tasklens::ui {

enum class ImageFormat { Png, Svg, Pdf };

/// `xml` with the control characters XML 1.0 forbids (all below U+0020 except tab, newline and
/// carriage return) replaced by U+FFFD, so an SVG stays well-formed whatever a process is called.
QByteArray withoutXmlControlCharacters(const QByteArray& xml);

/// The format a file name asks for, by extension (.png, .svg, .pdf); nullopt otherwise.
std::optional<ImageFormat> imageFormatForPath(const QString& path);

struct ImageRequest {
    QString path;
    QSize size{1600, 900};  ///< logical pixels (CSS-like px at 96 dpi for SVG and PDF)
    /// Device pixels per logical pixel for PNG: 2 gives a crisp image for a HiDPI screen with the
    /// same layout. SVG and PDF are resolution-independent and ignore it.
    double scale = 1.0;
    QString title;  ///< document title for SVG/PDF metadata and the picture's heading
};

/// Paints a picture of `size` logical pixels onto an active painter.
using PaintFunction = std::function<void(QCPPainter& painter, QSize size)>;

/// Writes the picture painted by `paint`; on failure returns false and says why in `error`.
bool writeImage(const ImageRequest& request, const PaintFunction& paint, QString* error);

/// The timeline of the whole run (or of `window`), with lanes, load chart and legend.
bool exportTimeline(const TimelineData& data, const ImageRequest& request, QString* error,
                    std::optional<TimeWindow> window = std::nullopt);
bool exportTree(const TreeSnapshot& tree, const ImageRequest& request, QString* error);
bool exportLineage(const LineageData& lineage, const ImageRequest& request, QString* error);

}  // namespace tasklens::ui
