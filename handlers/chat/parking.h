// Parking (S8): 停车 <车牌> <位置> (a report to the community office, joined when the same plate
// is reported again within 30 minutes; the confirmed owner is pushed 请挪车 without the
// reporter's identity), 我的车 <车牌> (register one's plate), 确认车牌 <车牌> (staff confirm it),
// 已挪 (the owner says the car is moved; reporters are told), 空位 <位置> (a free spot that
// expires), 车位 (unexpired spots, newest first). A photo within 10 minutes attaches to the
// sender's newest report or spot (HandleImage; else the repair photo flow). HandlerFns (see
// handlers/dispatch.h); stateless, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "handlers/context.h"
#include "handlers/message.h"

namespace gebi::handlers {

Result<Reply> HandleParking(Context& ctx);
// Whether 停车 … is a report: a plate in it, or nothing after the keyword (the bot asks).
bool TakesParking(const Context& ctx);
Result<Reply> HandleMyCar(Context& ctx);
Result<Reply> HandleConfirmPlate(Context& ctx);
Result<Reply> HandleCarMoved(Context& ctx);
Result<Reply> HandleFreeSpot(Context& ctx);
Result<Reply> HandleSpots(Context& ctx);
// An image message: a parking photo when the sender reported a car or a spot in the last 10
// minutes (and no newer repair), else HandleMedia (repairs).
Result<Reply> HandleImage(Context& ctx);

// A licence plate found in normalised text: 浙C12345, 浙c 12345, 浙C·12345 (7 characters) and
// the 8-character new-energy plates (浙C·D12345, 浙C12345F) are found and written one way
// (浙C12345 / 浙CD12345). before / after are the text around it, trimmed. nullopt when the
// text holds no plate (a province character and a letter followed by 5 or 6 letters and
// digits; I and O are never used; a 6-character serial starts or ends with D or F).
struct PlateMatch {
  std::string plate;
  std::string before;
  std::string after;
};
std::optional<PlateMatch> FindPlate(std::string_view normalized);

// The same for a text that should be only a plate (我的车, 确认车牌, the console).
std::optional<std::string> NormalizePlate(std::string_view text);

}  // namespace gebi::handlers
