#include "bot/push/qr_poster.h"

#include <fmt/format.h>
#include <qrencode.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "bot/wechat/xml.h"

namespace gebi::bot {

namespace {

constexpr int kQuietZoneModules = 4;       // the QR standard's white margin
constexpr size_t kMaxConventionLines = 6;  // the short text; more would crowd the page

struct Layout {
  double width, height;      // mm
  double qr_size;            // mm, including the quiet zone
  double title, name, body;  // font sizes, mm
  size_t chars_per_line;     // convention wrap (CJK characters)
};

Layout LayoutFor(Paper paper) {
  if (paper == Paper::kA4) return {210, 297, 130, 14, 9, 5.5, 30};
  return {148, 210, 92, 10, 6.5, 4, 28};
}

// Splits s into UTF-8 code points.
std::vector<std::string> CodePoints(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// Wraps text into lines of at most `width` code points (ASCII counts half), honouring \n.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  double used = 0;
  for (const std::string& cp : CodePoints(text)) {
    if (cp == "\n") {
      lines.push_back(line);
      line.clear();
      used = 0;
      continue;
    }
    double w = cp.size() == 1 ? 0.5 : 1.0;
    if (used + w > static_cast<double>(width)) {
      lines.push_back(line);
      line.clear();
      used = 0;
    }
    line += cp;
    used += w;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

Result<QrMatrix> EncodeQr(const std::string& text) {
  if (text.empty()) return Status::InvalidArgument("QR text is empty");
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!code) return Status::Internal("libqrencode could not encode the text");
  QrMatrix m;
  m.width = code->width;
  m.dark.resize(static_cast<size_t>(m.width) * m.width);
  for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (code->data[i] & 1) != 0;
  return m;
}

Result<std::string> RenderPosterSvg(const PosterInfo& info, Paper paper) {
  if (info.url.empty()) return Status::InvalidArgument("poster needs the QR url");
  if (info.grid_name.empty()) return Status::InvalidArgument("poster needs the grid name");
  GEBI_ASSIGN_OR_RETURN(QrMatrix qr, EncodeQr(info.url));
  const Layout L = LayoutFor(paper);
  const int modules = qr.width + 2 * kQuietZoneModules;
  const double module = L.qr_size / modules;
  const double qr_x = (L.width - L.qr_size) / 2;
  double y = L.height * 0.1;

  std::string svg = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}mm\" height=\"{1}mm\" "
      "viewBox=\"0 0 {0} {1}\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n"
      "<g font-family=\"Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif\" "
      "text-anchor=\"middle\" fill=\"#000000\">\n",
      L.width, L.height);
  svg +=
      fmt::format("<text x=\"{}\" y=\"{:.2f}\" font-size=\"{}\" font-weight=\"bold\">{}</text>\n",
                  L.width / 2, y, L.title, XmlEscape(info.action));
  y += L.name * 1.8;
  svg += fmt::format("<text x=\"{}\" y=\"{:.2f}\" font-size=\"{}\">{}</text>\n", L.width / 2, y,
                     L.name, XmlEscape(info.grid_name));
  if (!info.grid_path.empty()) {
    y += L.body * 1.6;
    svg += fmt::format("<text x=\"{}\" y=\"{:.2f}\" font-size=\"{}\">{}</text>\n", L.width / 2, y,
                       L.body, XmlEscape(info.grid_path));
  }
  svg += "</g>\n";
  y += L.body * 1.5;

  // The QR code: white quiet zone, then one path of unit squares in module coordinates.
  svg += fmt::format(
      "<g id=\"qr\" transform=\"translate({:.3f} {:.3f}) scale({:.5f})\">\n"
      "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n<path fill=\"#000000\" "
      "shape-rendering=\"crispEdges\" d=\"",
      qr_x, y, module, modules, modules);
  for (int row = 0; row < qr.width; ++row) {
    for (int col = 0; col < qr.width; ++col) {
      if (qr.at(col, row)) {
        svg += fmt::format("M{} {}h1v1h-1z", col + kQuietZoneModules, row + kQuietZoneModules);
      }
    }
  }
  svg += "\"/>\n</g>\n";
  y += L.qr_size + L.name * 1.5;

  svg +=
      "<g font-family=\"Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif\" "
      "text-anchor=\"middle\" fill=\"#000000\">\n";
  if (!info.worker_name.empty()) {
    svg += fmt::format("<text x=\"{}\" y=\"{:.2f}\" font-size=\"{}\">{}</text>\n", L.width / 2, y,
                       L.name, XmlEscape(info.worker_label + info.worker_name));
    y += L.name * 1.6;
  }
  auto lines = Wrap(info.convention, L.chars_per_line);
  if (lines.size() > kMaxConventionLines) {
    lines.resize(kMaxConventionLines);
    lines.back() += "…";
  }
  for (const auto& line : lines) {
    svg += fmt::format("<text x=\"{}\" y=\"{:.2f}\" font-size=\"{}\">{}</text>\n", L.width / 2, y,
                       L.body, XmlEscape(line));
    y += L.body * 1.5;
  }
  svg += "</g>\n</svg>\n";
  return svg;
}

Status WritePoster(const std::string& path, const std::string& svg) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec)
    return Status::IOError(fmt::format("create {}: {}", p.parent_path().string(), ec.message()));
  std::string tmp = fmt::format("{}.tmp{}", path, getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << svg;
    if (!out) return Status::IOError("write " + tmp);
  }
  std::filesystem::rename(tmp, p, ec);
  if (ec) return Status::IOError(fmt::format("rename {}: {}", path, ec.message()));
  return Status::Ok();
}

}  // namespace gebi::bot
