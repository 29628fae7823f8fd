// Printable grid posters: the QR payload (the url qrcode/create returned) encoded with
// libqrencode and laid out as an SVG page (A4 or A5) with the grid's name, its worker,
// "微信扫码 加入网格" and the convention's short text. Pure functions of plain values, no I/O
// except WritePoster; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "storage/status.h"

namespace gebi::bot {

struct PosterInfo {
  std::string grid_name;    // e.g. "五马社区 第3网格"
  std::string grid_path;    // e.g. "鹿城区 · 五马街道 · 五马社区" (may be empty)
  std::string worker_name;  // e.g. "王丽"
  std::string convention;   // the convention's short text; wrapped on the page
  std::string url;          // the QR payload
  // What scanning does and who runs it: a circle's poster says 加入圈子 and names its owner.
  std::string action = "微信扫码 加入网格";
  std::string worker_label = "网格员：";
};

enum class Paper { kA4, kA5 };

// The QR matrix of text (error correction level M, 8-bit mode): width x width modules,
// row-major, true = dark. InvalidArgument for empty text, Internal if libqrencode fails.
struct QrMatrix {
  int width = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[static_cast<size_t>(y) * width + x]; }
};
Result<QrMatrix> EncodeQr(const std::string& text);

// The poster as SVG text (millimetre user units, width/height in mm). InvalidArgument when
// url or grid_name is empty.
Result<std::string> RenderPosterSvg(const PosterInfo& info, Paper paper);

// Writes text to path atomically, creating folders. IOError naming the path.
Status WritePoster(const std::string& path, const std::string& svg);

}  // namespace gebi::bot
