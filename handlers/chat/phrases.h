// How residents actually write the parts of a command: numbers ("2号", "#2", "二号"), scores
// ("5分", "五星", "五"), yes / no ("对的", "算了"), free text with stray punctuation, and a name
// with a building and room ("我叫李桂英，住7幢201", "王秀英 五幢三零二", "陈明 23号201").
// Inputs are normalised texts (handlers/normalize.h) unless said otherwise; every function is
// linear in its input. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gebi::handlers {

// A whole number written in ASCII digits or Chinese numerals: "302", "三零二", "十二", "二十三",
// "一百零五", "两". nullopt when s is anything else or above 999999.
std::optional<int64_t> ParseCount(std::string_view s);

// A ticket / request number as people write it: "2", "#2", "2号", "第2号", "二号", "No.2".
// -1 when s is not one (0 is not a number anyone was given).
int64_t ParseTicketNumber(std::string_view s);

// "2号 5分 很好" / "#2 五" / "2号5分": the number and the text after it (trimmed). number is -1
// when the text does not start with a ticket number (rest is then the whole text, trimmed).
struct LeadingNumber {
  int64_t number = -1;
  std::string rest;
};
LeadingNumber SplitLeadingNumber(std::string_view text);

// A 1-5 score at the start of text: "5", "5分", "五星", "五", "满分", "五星好评 修得好"; rest is
// what follows (trimmed, punctuation at its edges dropped). score is 0 when there is none.
struct Score {
  int score = 0;
  std::string rest;
};
Score ParseScore(std::string_view text);

// Yes / no as people reply to "对吗？": 是 是的 对 对的 好 好的 嗯 可以 确认 … / 否 不是 不对 不要
// 算了 重填 …; punctuation and a trailing 啊/呀/吧 do not matter.
bool IsYes(std::string_view text);
bool IsNo(std::string_view text);

// text without the punctuation and spaces at its two ends ("，楼道灯坏了。" -> "楼道灯坏了").
// Works on raw (un-normalised) text too: it cuts whole UTF-8 characters only.
std::string TrimPunct(std::string_view text);

// A resident's name with their building and room (and optionally a phone). Accepts the room
// as 5幢302, 5-302, 5号楼302, 5号楼3单元302, 5栋302室, 23号201 (a road's number + room),
// 信河街23号201, Chinese numerals (五幢三零二), before or after the name, with fillers
// (我叫 我是 姓名 住 住在 家住 电话 手机 …) and punctuation around them. nullopt when no room
// is found or what is left is not a plausible name (2-10 CJK characters or up to 30 letters).
struct NameRoom {
  std::string name;
  std::string building;  // "5幢", "23号", "信河街23号"
  std::string room;      // "302", "3单元302"
  std::string phone;     // 11 digits, or empty
};
std::optional<NameRoom> ParseNameRoom(std::string_view text);

}  // namespace gebi::handlers
