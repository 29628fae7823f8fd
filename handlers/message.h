// Message and Reply: the values that cross between bot/ (WeChat XML) and handlers/.
// Plain values with no behaviour; copyable and thread-compatible. Handlers never see XML:
// bot/wechat/xml.cc turns XML into a Message and a Reply into XML.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gebi::handlers {

// One item of SubscribeMsgPopupEvent / SubscribeMsgChangeEvent / SubscribeMsgSentEvent lists.
struct SubscribeMsgItem {
  std::string template_id;
  std::string status;        // SubscribeStatusString: accept / reject
  std::string popup_scene;   // 1 = H5 page, 2 = article
  std::string msg_id;        // MsgID (sent event)
  std::string error_code;    // ErrorCode (sent event)
  std::string error_status;  // ErrorStatus (sent event)
};

// An inbound push from WeChat. Numbers that WeChat sends as 64-bit ids stay strings.
struct Message {
  // Common to every push.
  std::string to_user;    // ToUserName: our account's gh_ id
  std::string from_user;  // FromUserName: the sender's openid
  int64_t create_time = 0;
  std::string msg_type;  // text, image, voice, video, shortvideo, location, link, event, or unknown
  std::string msg_id;    // MsgId (ordinary messages); empty for events

  // text
  std::string content;
  std::string msg_data_id;   // MsgDataId (from an article)
  std::string idx;           // Idx
  std::string bizmsgmenuid;  // tapped msgmenu option
  // image / voice / video / shortvideo
  std::string pic_url;
  std::string media_id;
  std::string format;          // voice format
  std::string recognition;     // voice speech-to-text (often empty)
  std::string media_id_16k;    // MediaId16K
  std::string thumb_media_id;  // video
  // location (message)
  double location_x = 0;  // latitude
  double location_y = 0;  // longitude
  int64_t scale = 0;
  std::string label;
  // link
  std::string title;
  std::string description;
  std::string url;

  // event
  std::string event;      // Event, as sent (subscribe, SCAN, CLICK, ...)
  std::string event_key;  // EventKey
  std::string ticket;     // Ticket (parametric QR)
  double latitude = 0;    // LOCATION event
  double longitude = 0;
  double precision = 0;
  std::string menu_id;                    // VIEW / view_miniprogram MenuId
  std::string scan_type;                  // ScanCodeInfo/ScanType
  std::string scan_result;                // ScanCodeInfo/ScanResult
  int64_t pics_count = 0;                 // SendPicsInfo/Count
  std::vector<std::string> pic_md5_sums;  // SendPicsInfo/PicList/item/PicMd5Sum
  std::string poiname;                    // SendLocationInfo/Poiname (location_select)
  std::string job_msg_id;  // MsgID of TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH (capital D)
  std::string status;      // Status of those job events
  int64_t total_count = 0, filter_count = 0, sent_count = 0, error_count = 0;
  std::vector<SubscribeMsgItem> subscribe_items;

  // Every leaf element as "Path/To/Leaf" -> text (e.g. "PublishEventInfo/publish_id"), so an
  // unknown MsgType or Event keeps all it carried. Repeated leaves keep the first value.
  std::map<std::string, std::string> fields;

  bool IsEvent() const { return msg_type == "event"; }
};

struct Article {
  std::string title;
  std::string description;
  std::string pic_url;
  std::string url;
};

// A passive reply. kNone answers "success" (nothing shown, no retry).
struct Reply {
  enum class Kind { kNone, kText, kImage, kVoice, kVideo, kMusic, kNews, kTransferCustomerService };
  Kind kind = Kind::kNone;
  std::string content;            // kText
  std::string media_id;           // kImage, kVoice, kVideo
  std::string title;              // kVideo, kMusic
  std::string description;        // kVideo, kMusic
  std::string music_url;          // kMusic
  std::string hq_music_url;       // kMusic
  std::string thumb_media_id;     // kMusic
  std::vector<Article> articles;  // kNews
  std::string kf_account;         // kTransferCustomerService (optional)

  static Reply None() { return Reply{}; }
  static Reply Text(std::string text) {
    Reply r;
    r.kind = Kind::kText;
    r.content = std::move(text);
    return r;
  }
};

}  // namespace gebi::handlers
