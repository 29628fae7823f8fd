#include "handlers/chat/phrases.h"

#include <re2/re2.h>

#include <iterator>
#include <vector>

namespace gebi::handlers {

namespace {

// Beyond this a "number" is a pasted id, not something anyone was given.
constexpr int64_t kMaxCount = 999999;
// A person's name: 2-10 CJK characters, or up to 30 bytes of letters.
constexpr size_t kMinNameChars = 2;
constexpr size_t kMaxNameChars = 10;
constexpr size_t kMaxNameBytes = 30;

// One UTF-8 character of s at i: its code point and byte length (invalid bytes: themselves).
struct Char {
  uint32_t cp;
  size_t len;
};
Char At(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  if (c >= 0xC0 && c < 0xE0 && cont(1)) {
    return {((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu), 2};
  }
  if (c >= 0xE0 && c < 0xF0 && cont(1) && cont(2)) {
    return {((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                (static_cast<unsigned char>(s[i + 2]) & 0x3Fu),
            3};
  }
  if (c >= 0xF0 && c < 0xF8 && cont(1) && cont(2) && cont(3)) {
    return {((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                (static_cast<unsigned char>(s[i + 3]) & 0x3Fu),
            4};
  }
  return {c, 1};
}

// 0-9 for a Chinese digit (零〇一二两三…九), -1 otherwise.
int ChineseDigit(uint32_t cp) {
  switch (cp) {
    case 0x96F6: case 0x3007: return 0;  // 零 〇
    case 0x4E00: return 1;               // 一
    case 0x4E8C: case 0x4E24: return 2;  // 二 两
    case 0x4E09: return 3;               // 三
    case 0x56DB: return 4;               // 四
    case 0x4E94: return 5;               // 五
    case 0x516D: return 6;               // 六
    case 0x4E03: return 7;               // 七
    case 0x516B: return 8;               // 八
    case 0x4E5D: return 9;               // 九
    default: return -1;
  }
}
constexpr uint32_t kTen = 0x5341;      // 十
constexpr uint32_t kHundred = 0x767E;  // 百

bool IsChineseNumeral(uint32_t cp) { return ChineseDigit(cp) >= 0 || cp == kTen || cp == kHundred; }

bool IsPunct(uint32_t cp) {
  if (cp < 0x80) {
    return cp == ' ' || cp == ',' || cp == '.' || cp == '!' || cp == '?' || cp == ';' ||
           cp == ':' || cp == '~' || cp == '\'' || cp == '"' || cp == '(' || cp == ')' ||
           cp == '[' || cp == ']' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '/' ||
           cp == '*' || cp == '=' || cp == '_';
  }
  // CJK punctuation block (、。〈〉《》「」『』【】…), full-width forms of ASCII punctuation that
  // Normalize leaves alone in raw text, general punctuation (— … “ ” ‘ ’ ·) and ～.
  return (cp >= 0x3000 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x3011) ||
         (cp >= 0x2010 && cp <= 0x2027) || cp == 0x00B7 || cp == 0xFF5E ||
         (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF1F);
}

bool IsHan(uint32_t cp) { return cp >= 0x4E00 && cp <= 0x9FFF; }

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Strips the first prefix of list that s starts with; true when one was stripped.
template <size_t N>
bool StripPrefix(std::string_view& s, const std::string_view (&list)[N]) {
  for (std::string_view p : list) {
    if (!p.empty() && StartsWith(s, p)) {
      s.remove_prefix(p.size());
      return true;
    }
  }
  return false;
}
template <size_t N>
bool StripSuffix(std::string_view& s, const std::string_view (&list)[N]) {
  for (std::string_view p : list) {
    if (!p.empty() && EndsWith(s, p)) {
      s.remove_suffix(p.size());
      return true;
    }
  }
  return false;
}

// Yes / no words (after TrimPunct and one trailing particle). Longer forms first is not needed:
// these are compared whole.
constexpr std::string_view kYes[] = {"是",   "是的", "对",   "对的", "对了", "好",   "好的",
                                     "嗯",   "嗯嗯", "可以", "确认", "确定", "没错", "没问题",
                                     "行",   "正确", "提交", "好好", "ok",   "okay", "yes",
                                     "y",    "1",    "对对", "是滴", "中"};
constexpr std::string_view kNo[] = {"否",   "不是", "不对", "不要", "算了", "重填", "错了",
                                    "不",   "不行", "要改", "修改", "改",   "改一下", "no",
                                    "n",    "2",    "不用", "错"};
constexpr std::string_view kParticles[] = {"啊", "呀", "吧", "哦", "啦", "哈", "呢"};

bool OneOf(std::string_view text, const std::string_view* list, size_t n) {
  // "嗯？" / "对吗?" ask back; they are not an answer.
  std::string_view raw = TrimSpaces(text);
  if (EndsWith(raw, "?") || EndsWith(raw, "？")) return false;
  std::string t = TrimPunct(text);
  std::string_view v = t;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < n; ++i) {
      if (v == list[i]) return true;
    }
    if (!StripSuffix(v, kParticles)) break;
  }
  return false;
}

// Fillers around a name: what people put before it and after it.
constexpr std::string_view kNamePrefixes[] = {
    "我的名字叫", "我的名字是", "我名字叫", "名字叫", "名字是", "名字", "我叫", "我是", "姓名是",
    "姓名",       "住址是",     "住址",     "地址是", "地址",   "房号", "门牌号", "门牌",
    "叫",         "家住在",     "住在",     "家住",   "家在",   "住",   "在"};
constexpr std::string_view kNameSuffixes[] = {"电话号码", "手机号码", "联系电话", "电话", "手机号",
                                              "手机",     "号码",     "房间",     "室",   "住",
                                              "的",       "是"};

// Replaces runs of Chinese numerals that touch a room marker with ASCII digits ("五幢三零二" ->
// "5幢302"), leaving numerals inside names ("王二小") alone.
std::string DigitsNearMarkers(std::string_view s) {
  struct Piece {
    size_t at, len;
    uint32_t cp;
  };
  std::vector<Piece> chars;
  for (size_t i = 0; i < s.size();) {
    Char c = At(s, i);
    chars.push_back({i, c.len, c.cp});
    i += c.len;
  }
  // 幢 栋 号 单 室 座 楼 - 元 (单元) 房
  auto marker = [](uint32_t cp) {
    return cp == 0x5E62 || cp == 0x680B || cp == 0x53F7 || cp == 0x5355 || cp == 0x5BA4 ||
           cp == 0x5EA7 || cp == 0x697C || cp == '-' || cp == 0x5143 || cp == 0x623F;
  };
  std::string out;
  for (size_t k = 0; k < chars.size();) {
    if (!IsChineseNumeral(chars[k].cp)) {
      out.append(s.substr(chars[k].at, chars[k].len));
      ++k;
      continue;
    }
    size_t end = k;
    while (end < chars.size() && IsChineseNumeral(chars[end].cp)) ++end;
    const size_t from = chars[k].at;
    const size_t to = end < chars.size() ? chars[end].at : s.size();
    std::string_view run = s.substr(from, to - from);
    const bool before = k > 0 && marker(chars[k - 1].cp);
    const bool after = end < chars.size() && marker(chars[end].cp);
    auto value = ParseCount(run);
    if ((before || after) && value) {
      out += std::to_string(*value);
    } else {
      out.append(run);
    }
    k = end;
  }
  return out;
}

// A plausible name, or "" (2-10 CJK characters, or letters and spaces up to 30 bytes).
std::string CleanName(std::string_view text) {
  // Split on punctuation and spaces, strip the fillers of each piece, keep what is left.
  std::vector<std::string> pieces;
  std::string piece;
  auto flush = [&] {
    std::string_view v = piece;
    for (int guard = 0; guard < 4 && (StripPrefix(v, kNamePrefixes) || StripSuffix(v, kNameSuffixes));
         ++guard) {
    }
    if (!v.empty()) pieces.emplace_back(v);
    piece.clear();
  };
  for (size_t i = 0; i < text.size();) {
    Char c = At(text, i);
    if (IsPunct(c.cp)) {
      flush();
    } else {
      piece.append(text.substr(i, c.len));
    }
    i += c.len;
  }
  flush();
  if (pieces.empty()) return "";
  bool ascii = true;
  for (const auto& p : pieces) {
    for (char ch : p) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  }
  std::string name;
  for (const auto& p : pieces) {
    if (!name.empty() && ascii) name += ' ';
    name += p;
  }
  if (ascii) {
    if (name.size() > kMaxNameBytes || name.size() < 2) return "";
    for (char ch : name) {
      if (!((ch >= 'a' && ch <= 'z') || ch == ' ' || ch == '-')) return "";
    }
    return name;
  }
  size_t chars = 0;
  for (size_t i = 0; i < name.size();) {
    Char c = At(name, i);
    if (!IsHan(c.cp) && c.cp != 0x00B7) return "";  // digits, letters mixed in: not a name
    ++chars;
    i += c.len;
  }
  if (chars < kMinNameChars || chars > kMaxNameChars) return "";
  return name;
}

}  // namespace

std::optional<int64_t> ParseCount(std::string_view s) {
  s = TrimSpaces(s);
  if (s.empty()) return std::nullopt;
  bool digits = true;
  for (char c : s) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    if (s.size() > 6) return std::nullopt;
    int64_t v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
  }
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    Char c = At(s, i);
    if (!IsChineseNumeral(c.cp)) return std::nullopt;
    cps.push_back(c.cp);
    i += c.len;
    if (cps.size() > 8) return std::nullopt;
  }
  bool positional = false;
  for (uint32_t cp : cps) positional = positional || cp == kTen || cp == kHundred;
  int64_t v = 0;
  if (!positional) {  // read digit by digit: 三零二 = 302
    for (uint32_t cp : cps) v = v * 10 + ChineseDigit(cp);
    return v <= kMaxCount ? std::optional<int64_t>(v) : std::nullopt;
  }
  int64_t current = 0;
  bool seen_ten = false, seen_hundred = false;
  for (uint32_t cp : cps) {
    if (cp == kHundred) {
      if (current == 0 || seen_hundred || seen_ten) return std::nullopt;
      v += current * 100;
      current = 0;
      seen_hundred = true;
    } else if (cp == kTen) {
      if (seen_ten) return std::nullopt;
      v += (current == 0 ? 1 : current) * 10;
      current = 0;
      seen_ten = true;
    } else {
      current = ChineseDigit(cp);
    }
  }
  return v + current;
}

int64_t ParseTicketNumber(std::string_view s) {
  s = TrimSpaces(s);
  constexpr std::string_view kPrefixes[] = {"#", "no.", "no", "第", "编号"};
  constexpr std::string_view kSuffixes[] = {"号单", "号", "单"};
  StripPrefix(s, kPrefixes);
  StripSuffix(s, kSuffixes);
  auto v = ParseCount(s);
  return v && *v > 0 ? *v : -1;
}

LeadingNumber SplitLeadingNumber(std::string_view text) {
  text = TrimSpaces(text);
  LeadingNumber out;
  size_t sp = text.find(' ');
  std::string_view first = text.substr(0, sp);
  std::string_view after = sp == std::string_view::npos ? "" : text.substr(sp + 1);
  int64_t n = ParseTicketNumber(first);
  if (n < 0) {
    // "2号5分": the number ends at its 号.
    size_t hao = first.find("号");
    if (hao != std::string_view::npos) {
      n = ParseTicketNumber(first.substr(0, hao + std::string_view("号").size()));
      if (n > 0) {
        std::string rest(first.substr(hao + std::string_view("号").size()));
        if (!after.empty()) rest += " " + std::string(after);
        out.number = n;
        out.rest = std::string(TrimSpaces(rest));
        return out;
      }
    }
    out.rest = std::string(text);
    return out;
  }
  out.number = n;
  out.rest = std::string(TrimSpaces(after));
  return out;
}

Score ParseScore(std::string_view text) {
  std::string trimmed = TrimPunct(text);
  std::string_view s = trimmed;
  Score out;
  if (StartsWith(s, "满分")) {
    out.score = 5;
    s.remove_prefix(std::string_view("满分").size());
  } else {
    size_t end = 0;
    while (end < s.size()) {
      Char c = At(s, end);
      const bool digit = c.cp >= '0' && c.cp <= '9';
      if (!digit && !IsChineseNumeral(c.cp)) break;
      end += c.len;
    }
    auto v = ParseCount(s.substr(0, end));
    if (!v || *v < 1 || *v > 5) return Score{0, std::string(TrimSpaces(s))};
    out.score = static_cast<int>(*v);
    s.remove_prefix(end);
    s = TrimSpaces(s);
    constexpr std::string_view kUnits[] = {"颗星", "个星", "分", "星", "颗"};
    StripPrefix(s, kUnits);
  }
  out.rest = TrimPunct(s);
  return out;
}

bool IsYes(std::string_view text) { return OneOf(text, kYes, std::size(kYes)); }
bool IsNo(std::string_view text) { return OneOf(text, kNo, std::size(kNo)); }

std::string TrimPunct(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size()) {
    Char c = At(text, begin);
    if (!IsPunct(c.cp)) break;
    begin += c.len;
  }
  size_t end = begin;
  size_t last_kept = begin;
  while (end < text.size()) {
    Char c = At(text, end);
    end += c.len;
    if (!IsPunct(c.cp)) last_kept = end;
  }
  return std::string(text.substr(begin, last_kept - begin));
}

std::optional<NameRoom> ParseNameRoom(std::string_view text_in) {
  // Byte lengths are bounded by the caller's cap; RE2 keeps the search linear.
  static const RE2 kRoom(
      R"(((?:\p{Han}{2,8}?(?:街|路|巷|弄|道))?) ?(\d{1,4}) ?(号楼|幢|栋|座|号|-) ?)"
      R"((?:(\d{1,2}) ?单元 ?)?(\d{1,5}) ?(?:室|号|房)?)");
  static const RE2 kPhone(R"((?:^|\D)(1\d{10})(?:\D|$))");
  std::string text = DigitsNearMarkers(text_in);
  re2::StringPiece m[6];
  if (!kRoom.Match(text, 0, text.size(), RE2::UNANCHORED, m, 6)) return std::nullopt;
  NameRoom out;
  const std::string marker(m[3].data(), m[3].size());
  const bool road_number = marker == "号";
  const std::string road = road_number ? std::string(m[1].data(), m[1].size()) : "";
  out.building = road + std::string(m[2].data(), m[2].size()) + (road_number ? "号" : "幢");
  out.room = (m[4].size() > 0 ? std::string(m[4].data(), m[4].size()) + "单元" : "") +
             std::string(m[5].data(), m[5].size());
  // The span to cut out of the name: the road too when it was part of the address.
  const size_t cut_from =
      static_cast<size_t>((road_number ? m[0].data() : m[2].data()) - text.data());
  const size_t cut_to = static_cast<size_t>(m[0].data() + m[0].size() - text.data());
  std::string rest = text.substr(0, cut_from) + " " + text.substr(cut_to);
  re2::StringPiece phone;
  if (RE2::PartialMatch(rest, kPhone, &phone)) {
    out.phone = std::string(phone.data(), phone.size());
    const size_t at = static_cast<size_t>(phone.data() - rest.data());
    rest = rest.substr(0, at) + " " + rest.substr(at + phone.size());
  }
  out.name = CleanName(rest);
  if (out.name.empty()) return std::nullopt;
  return out;
}

}  // namespace gebi::handlers
