#include "bot/push/qr_poster.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/support/test_env.h"

namespace gebi::bot {
namespace {

// Runs cmd and returns its stdout (trailing newline removed), or nullopt when it failed.
std::optional<std::string> Run(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (pclose(p) != 0) return std::nullopt;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

PosterInfo Sample() {
  return {"五马社区 第3网格", "鹿城区 · 五马街道 · 五马社区", "王丽",
          "自愿加入，互帮互助，友善交流。实名入群，不发广告，不传谣言，十类内容禁止发布。",
          "http://weixin.qq.com/q/02abcDEF_grid-3"};
}

TEST_CASE("Poster QR decodes to the stored url with a real decoder (A4 and A5)", "[bot][push]") {
  if (!Run("command -v rsvg-convert") || !Run("command -v zbarimg")) {
    FAIL("rsvg-convert (librsvg2-bin) and zbarimg (zbar-tools) are needed: deploy/install-deps.sh");
  }
  testing::TempDir dir;
  for (Paper paper : {Paper::kA4, Paper::kA5}) {
    CAPTURE(paper == Paper::kA4 ? "A4" : "A5");
    auto svg = RenderPosterSvg(Sample(), paper);
    REQUIRE_RESULT_OK(svg);
    std::string path = dir.File(paper == Paper::kA4 ? "p/a4.svg" : "p/a5.svg");
    REQUIRE_OK(WritePoster(path, *svg));
    std::string png = path + ".png";
    REQUIRE(Run("rsvg-convert -w 1200 -o '" + png + "' '" + path + "'"));
    auto decoded = Run("zbarimg -q --raw '" + png + "'");
    REQUIRE(decoded.has_value());
    CHECK(*decoded == Sample().url);
    CHECK(svg->find("微信扫码 加入网格") != std::string::npos);
    CHECK(svg->find("五马社区 第3网格") != std::string::npos);
    CHECK(svg->find("网格员：王丽") != std::string::npos);
    CHECK(svg->find("自愿加入") != std::string::npos);
    CHECK(svg->find(paper == Paper::kA4 ? "width=\"210mm\" height=\"297mm\""
                                        : "width=\"148mm\" height=\"210mm\"") != std::string::npos);
  }
}

TEST_CASE("Poster QR path is exactly the libqrencode matrix", "[bot][push]") {
  auto m = EncodeQr(Sample().url);
  REQUIRE_RESULT_OK(m);
  auto svg = RenderPosterSvg(Sample(), Paper::kA4);
  REQUIRE_RESULT_OK(svg);
  int dark = 0;
  for (bool b : m->dark) dark += b;
  size_t squares = 0;
  for (size_t pos = svg->find("h1v1h-1z"); pos != std::string::npos;
       pos = svg->find("h1v1h-1z", pos + 1)) {
    ++squares;
  }
  CHECK(static_cast<int>(squares) == dark);
  // Finder pattern corner: the top-left module (after the 4-module quiet zone) is dark.
  CHECK(m->at(0, 0));
  CHECK(svg->find("M4 4h1v1h-1z") != std::string::npos);
}

TEST_CASE("Poster text is escaped and bad input refused", "[bot][push]") {
  PosterInfo info = Sample();
  info.grid_name = "<script>alert(1)</script> & \"网格\"";
  info.worker_name = "]]><x/>";
  auto svg = RenderPosterSvg(info, Paper::kA5);
  REQUIRE_RESULT_OK(svg);
  CHECK(svg->find("<script>") == std::string::npos);
  CHECK(svg->find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;网格&quot;") !=
        std::string::npos);
  CHECK(svg->find("<x/>") == std::string::npos);

  info = Sample();
  info.url.clear();
  CHECK(RenderPosterSvg(info, Paper::kA4).status().code() == Status::Code::kInvalidArgument);
  info = Sample();
  info.grid_name.clear();
  CHECK(RenderPosterSvg(info, Paper::kA4).status().code() == Status::Code::kInvalidArgument);
  CHECK(EncodeQr("").status().code() == Status::Code::kInvalidArgument);
  testing::TempDir dir;
  CHECK(WritePoster("/proc/gebi-no/such/dir/x.svg", "x").code() == Status::Code::kIOError);
}

}  // namespace
}  // namespace gebi::bot
