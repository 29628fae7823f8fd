#include "bot/wechat/xml.h"

#include <tinyxml2.h>

#include <charconv>
#include <cstring>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace gebi::bot {
namespace {

using handlers::Message;
using handlers::Reply;
using handlers::SubscribeMsgItem;

constexpr std::string_view kRootName = "xml";
// tinyxml2 itself stops at TINYXML2_MAX_ELEMENT_DEPTH (100); this guards our own recursion
// should a future tinyxml2 raise that limit.
constexpr int kMaxWalkDepth = 128;
// Wrappers of the subscribe_msg_* List items. The change event's official sample uses the
// popup wrapper (a reported doc bug), so every wrapper is read for every event.
constexpr const char* kSubscribeWrappers[] = {"SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent",
                                              "SubscribeMsgSentEvent"};

Status ParseError(std::string detail) {
  return Status::InvalidArgument("-40002 xml parse failed: " + std::move(detail));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Parses into `doc` and checks the shape every WeChat push has: a single <xml> root and no
// DOCTYPE (WeChat never sends one; refusing it keeps entity tricks out entirely).
Status ParseDocument(std::string_view xml, tinyxml2::XMLDocument& doc) {
  if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    return ParseError(doc.ErrorStr() != nullptr ? doc.ErrorStr() : "unknown tinyxml2 error");
  }
  for (const tinyxml2::XMLNode* n = doc.FirstChild(); n != nullptr; n = n->NextSibling()) {
    if (n->ToUnknown() != nullptr) return ParseError("DOCTYPE or <!...> declaration not allowed");
  }
  const tinyxml2::XMLElement* root = doc.RootElement();
  if (root == nullptr) return ParseError("no root element");
  if (kRootName != root->Name()) {
    return ParseError(std::string("root element is <") + root->Name() + ">, want <xml>");
  }
  return Status::Ok();
}

// The text of an element: CDATA sections verbatim, plain text trimmed, all pieces joined
// (our own CData() splits "]]>" into two sections).
std::string ElementText(const tinyxml2::XMLElement* e) {
  std::string out;
  for (const tinyxml2::XMLNode* n = e->FirstChild(); n != nullptr; n = n->NextSibling()) {
    const tinyxml2::XMLText* t = n->ToText();
    if (t == nullptr || t->Value() == nullptr) continue;
    if (t->CData()) {
      out += t->Value();
    } else {
      out += Trim(t->Value());
    }
  }
  return out;
}

std::string ChildText(const tinyxml2::XMLElement* e, const char* name) {
  const tinyxml2::XMLElement* c = e->FirstChildElement(name);
  return c != nullptr ? ElementText(c) : std::string();
}

// Records every leaf as "A/B/Leaf" -> text; the first occurrence of a path wins.
Status CollectLeaves(const tinyxml2::XMLElement* e, const std::string& prefix, int depth,
                     std::map<std::string, std::string>& fields) {
  if (depth > kMaxWalkDepth) return ParseError("elements nested too deeply");
  for (const tinyxml2::XMLElement* c = e->FirstChildElement(); c != nullptr;
       c = c->NextSiblingElement()) {
    std::string path = prefix.empty() ? c->Name() : prefix + "/" + c->Name();
    if (c->FirstChildElement() == nullptr) {
      fields.emplace(std::move(path), ElementText(c));
    } else {
      GEBI_RETURN_IF_ERROR(CollectLeaves(c, path, depth + 1, fields));
    }
  }
  return Status::Ok();
}

template <typename T>
T ToNumber(const std::map<std::string, std::string>& fields, const char* key) {
  auto it = fields.find(key);
  if (it == fields.end()) return T{};
  std::string_view s = Trim(it->second);
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return T{};
  return v;
}

std::string Get(const std::map<std::string, std::string>& fields, const char* key) {
  auto it = fields.find(key);
  return it != fields.end() ? it->second : std::string();
}

std::string FormatDouble(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, ptr) : std::string("0");
}

// Element names we are willing to emit from `fields` keys (a conservative subset of XML names).
bool IsSafeElementName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9') || name[0] == '-' || name[0] == '.') {
    return false;
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool IsXmlForbiddenControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

// Appends elements in WeChat's shape: text as CDATA, numbers bare.
class XmlWriter {
 public:
  XmlWriter() { out_ = "<xml>"; }
  void Text(std::string_view name, std::string_view value) {
    Open(name);
    out_ += CData(value);
    Close(name);
  }
  void TextIfSet(std::string_view name, std::string_view value) {
    if (!value.empty()) Text(name, value);
  }
  // A bare value (numbers, ids). REQUIRES: value needs no escaping.
  void Bare(std::string_view name, std::string_view value) {
    Open(name);
    out_ += value;
    Close(name);
  }
  void BareIfSet(std::string_view name, std::string_view value) {
    if (!value.empty()) Bare(name, value);
  }
  void Int(std::string_view name, int64_t v) { Bare(name, std::to_string(v)); }
  void Double(std::string_view name, double v) { Bare(name, FormatDouble(v)); }
  void Open(std::string_view name) {
    out_ += '<';
    out_ += name;
    out_ += '>';
    if (depth_ == 0) written_.emplace(name);
    ++depth_;
  }
  void Close(std::string_view name) {
    --depth_;
    out_ += "</";
    out_ += name;
    out_ += '>';
  }
  bool Written(const std::string& name) const { return written_.count(name) > 0; }
  std::string Finish() && {
    out_ += "</xml>";
    return std::move(out_);
  }

 private:
  std::string out_;
  int depth_ = 0;
  std::set<std::string, std::less<>> written_;  // top-level names, for SerializeInbound
};

void WriteCommon(XmlWriter& w, std::string_view to_user, std::string_view from_user,
                 int64_t create_time, std::string_view msg_type) {
  w.Text("ToUserName", to_user);
  w.Text("FromUserName", from_user);
  w.Int("CreateTime", create_time);
  w.Text("MsgType", msg_type);
}

const char* SubscribeWrapperFor(std::string_view event) {
  if (event == "subscribe_msg_change_event") return "SubscribeMsgChangeEvent";
  if (event == "subscribe_msg_sent_event") return "SubscribeMsgSentEvent";
  return "SubscribeMsgPopupEvent";
}

void WriteEventFields(XmlWriter& w, const Message& m) {
  const std::string& e = m.event;
  if (e == "subscribe" || e == "SCAN") {
    w.TextIfSet("EventKey", m.event_key);
    w.TextIfSet("Ticket", m.ticket);
  } else if (e == "unsubscribe") {
    w.Text("EventKey", "");
  } else if (e == "LOCATION") {
    w.Double("Latitude", m.latitude);
    w.Double("Longitude", m.longitude);
    w.Double("Precision", m.precision);
  } else if (e == "CLICK") {
    w.Text("EventKey", m.event_key);
  } else if (e == "VIEW" || e == "view_miniprogram") {
    w.Text("EventKey", m.event_key);
    w.BareIfSet("MenuId", m.menu_id);
  } else if (e == "scancode_push" || e == "scancode_waitmsg") {
    w.Text("EventKey", m.event_key);
    w.Open("ScanCodeInfo");
    w.Text("ScanType", m.scan_type);
    w.Text("ScanResult", m.scan_result);
    w.Close("ScanCodeInfo");
  } else if (e == "pic_sysphoto" || e == "pic_photo_or_album" || e == "pic_weixin") {
    w.Text("EventKey", m.event_key);
    w.Open("SendPicsInfo");
    w.Int("Count", m.pics_count);
    w.Open("PicList");
    for (const std::string& md5 : m.pic_md5_sums) {
      w.Open("item");
      w.Text("PicMd5Sum", md5);
      w.Close("item");
    }
    w.Close("PicList");
    w.Close("SendPicsInfo");
  } else if (e == "location_select") {
    w.Text("EventKey", m.event_key);
    w.Open("SendLocationInfo");
    w.Text("Location_X", FormatDouble(m.location_x));
    w.Text("Location_Y", FormatDouble(m.location_y));
    w.Text("Scale", std::to_string(m.scale));
    w.Text("Label", m.label);
    w.Text("Poiname", m.poiname);
    w.Close("SendLocationInfo");
  } else if (e == "TEMPLATESENDJOBFINISH") {
    w.Bare("MsgID", m.job_msg_id);
    w.Text("Status", m.status);
  } else if (e == "MASSSENDJOBFINISH") {
    w.Bare("MsgID", m.job_msg_id);
    w.Text("Status", m.status);
    w.Int("TotalCount", m.total_count);
    w.Int("FilterCount", m.filter_count);
    w.Int("SentCount", m.sent_count);
    w.Int("ErrorCount", m.error_count);
  } else if (e == "subscribe_msg_popup_event" || e == "subscribe_msg_change_event" ||
             e == "subscribe_msg_sent_event") {
    const char* wrapper = SubscribeWrapperFor(e);
    w.Open(wrapper);
    for (const SubscribeMsgItem& item : m.subscribe_items) {
      w.Open("List");
      w.Text("TemplateId", item.template_id);
      w.TextIfSet("SubscribeStatusString", item.status);
      w.BareIfSet("PopupScene", item.popup_scene);
      w.BareIfSet("MsgID", item.msg_id);
      w.BareIfSet("ErrorCode", item.error_code);
      w.TextIfSet("ErrorStatus", item.error_status);
      w.Close("List");
    }
    w.Close(wrapper);
  } else {
    w.TextIfSet("EventKey", m.event_key);
  }
}

}  // namespace

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
          out += c;
        }
    }
  }
  return out;
}

std::string CData(std::string_view s) {
  static constexpr std::string_view kClose = "]]>";
  std::string out = "<![CDATA[";
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, kClose.size(), kClose) == 0) {
      // End the section after "]]" and start a new one with ">": no "]]>" survives inside.
      out += "]]]]><![CDATA[>";
      i += kClose.size() - 1;
    } else if (!IsXmlForbiddenControl(s[i])) {
      out += s[i];
    }
  }
  out += "]]>";
  return out;
}

Result<Envelope> ParseEnvelope(std::string_view xml) {
  tinyxml2::XMLDocument doc;
  GEBI_RETURN_IF_ERROR(ParseDocument(xml, doc));
  const tinyxml2::XMLElement* root = doc.RootElement();
  Envelope env;
  env.to_user = ChildText(root, "ToUserName");
  if (const tinyxml2::XMLElement* enc = root->FirstChildElement("Encrypt")) {
    env.has_encrypt = true;
    env.encrypt = ElementText(enc);
  }
  // Present on an encrypted reply (what `gebi chat` and the tests read back).
  env.msg_signature = ChildText(root, "MsgSignature");
  env.timestamp = ChildText(root, "TimeStamp");
  env.nonce = ChildText(root, "Nonce");
  return env;
}

Result<Message> ParseMessage(std::string_view xml) {
  tinyxml2::XMLDocument doc;
  GEBI_RETURN_IF_ERROR(ParseDocument(xml, doc));
  const tinyxml2::XMLElement* root = doc.RootElement();

  Message m;
  GEBI_RETURN_IF_ERROR(CollectLeaves(root, "", 0, m.fields));
  const auto& f = m.fields;

  m.to_user = Get(f, "ToUserName");
  m.from_user = Get(f, "FromUserName");
  m.msg_type = Get(f, "MsgType");
  if (m.from_user.empty()) return Status::InvalidArgument("missing FromUserName");
  if (m.msg_type.empty()) return Status::InvalidArgument("missing MsgType");
  m.create_time = ToNumber<int64_t>(f, "CreateTime");
  m.msg_id = std::string(Trim(Get(f, "MsgId")));

  m.content = Get(f, "Content");
  m.msg_data_id = Get(f, "MsgDataId");
  m.idx = Get(f, "Idx");
  m.bizmsgmenuid = Get(f, "bizmsgmenuid");
  m.pic_url = Get(f, "PicUrl");
  m.media_id = Get(f, "MediaId");
  m.format = Get(f, "Format");
  m.recognition = Get(f, "Recognition");
  m.media_id_16k = Get(f, "MediaId16K");
  m.thumb_media_id = Get(f, "ThumbMediaId");
  m.location_x = ToNumber<double>(f, "Location_X");
  m.location_y = ToNumber<double>(f, "Location_Y");
  m.scale = ToNumber<int64_t>(f, "Scale");
  m.label = Get(f, "Label");
  m.title = Get(f, "Title");
  m.description = Get(f, "Description");
  m.url = Get(f, "Url");

  m.event = Get(f, "Event");
  m.event_key = Get(f, "EventKey");
  m.ticket = Get(f, "Ticket");
  m.latitude = ToNumber<double>(f, "Latitude");
  m.longitude = ToNumber<double>(f, "Longitude");
  m.precision = ToNumber<double>(f, "Precision");
  m.menu_id = Get(f, "MenuId");
  m.scan_type = Get(f, "ScanCodeInfo/ScanType");
  m.scan_result = Get(f, "ScanCodeInfo/ScanResult");
  m.pics_count = ToNumber<int64_t>(f, "SendPicsInfo/Count");
  if (const tinyxml2::XMLElement* info = root->FirstChildElement("SendPicsInfo")) {
    if (const tinyxml2::XMLElement* list = info->FirstChildElement("PicList")) {
      for (const tinyxml2::XMLElement* item = list->FirstChildElement("item"); item != nullptr;
           item = item->NextSiblingElement("item")) {
        m.pic_md5_sums.push_back(ChildText(item, "PicMd5Sum"));
      }
    }
  }
  if (f.count("SendLocationInfo/Location_X") > 0) {
    m.location_x = ToNumber<double>(f, "SendLocationInfo/Location_X");
    m.location_y = ToNumber<double>(f, "SendLocationInfo/Location_Y");
    m.scale = ToNumber<int64_t>(f, "SendLocationInfo/Scale");
    m.label = Get(f, "SendLocationInfo/Label");
  }
  m.poiname = Get(f, "SendLocationInfo/Poiname");
  m.job_msg_id = std::string(Trim(Get(f, "MsgID")));
  m.status = Get(f, "Status");
  m.total_count = ToNumber<int64_t>(f, "TotalCount");
  m.filter_count = ToNumber<int64_t>(f, "FilterCount");
  m.sent_count = ToNumber<int64_t>(f, "SentCount");
  m.error_count = ToNumber<int64_t>(f, "ErrorCount");

  for (const char* wrapper_name : kSubscribeWrappers) {
    for (const tinyxml2::XMLElement* wrapper = root->FirstChildElement(wrapper_name);
         wrapper != nullptr; wrapper = wrapper->NextSiblingElement(wrapper_name)) {
      for (const tinyxml2::XMLElement* list = wrapper->FirstChildElement("List"); list != nullptr;
           list = list->NextSiblingElement("List")) {
        SubscribeMsgItem item;
        item.template_id = ChildText(list, "TemplateId");
        item.status = ChildText(list, "SubscribeStatusString");
        item.popup_scene = ChildText(list, "PopupScene");
        item.msg_id = ChildText(list, "MsgID");
        item.error_code = ChildText(list, "ErrorCode");
        item.error_status = ChildText(list, "ErrorStatus");
        m.subscribe_items.push_back(std::move(item));
      }
    }
  }
  return m;
}

std::string SerializeReply(const Reply& reply, std::string_view to_user, std::string_view from_user,
                           int64_t create_time) {
  XmlWriter w;
  switch (reply.kind) {
    case Reply::Kind::kNone:
      return "success";
    case Reply::Kind::kText:
      WriteCommon(w, to_user, from_user, create_time, "text");
      w.Text("Content", reply.content);
      break;
    case Reply::Kind::kImage:
      WriteCommon(w, to_user, from_user, create_time, "image");
      w.Open("Image");
      w.Text("MediaId", reply.media_id);
      w.Close("Image");
      break;
    case Reply::Kind::kVoice:
      WriteCommon(w, to_user, from_user, create_time, "voice");
      w.Open("Voice");
      w.Text("MediaId", reply.media_id);
      w.Close("Voice");
      break;
    case Reply::Kind::kVideo:
      WriteCommon(w, to_user, from_user, create_time, "video");
      w.Open("Video");
      w.Text("MediaId", reply.media_id);
      w.Text("Title", reply.title);
      w.Text("Description", reply.description);
      w.Close("Video");
      break;
    case Reply::Kind::kMusic:
      WriteCommon(w, to_user, from_user, create_time, "music");
      w.Open("Music");
      w.Text("Title", reply.title);
      w.Text("Description", reply.description);
      w.Text("MusicUrl", reply.music_url);
      w.Text("HQMusicUrl", reply.hq_music_url);
      w.Text("ThumbMediaId", reply.thumb_media_id);
      w.Close("Music");
      break;
    case Reply::Kind::kNews:
      WriteCommon(w, to_user, from_user, create_time, "news");
      w.Int("ArticleCount", static_cast<int64_t>(reply.articles.size()));
      w.Open("Articles");
      for (const handlers::Article& a : reply.articles) {
        w.Open("item");
        w.Text("Title", a.title);
        w.Text("Description", a.description);
        w.Text("PicUrl", a.pic_url);
        w.Text("Url", a.url);
        w.Close("item");
      }
      w.Close("Articles");
      break;
    case Reply::Kind::kTransferCustomerService:
      WriteCommon(w, to_user, from_user, create_time, "transfer_customer_service");
      if (!reply.kf_account.empty()) {
        w.Open("TransInfo");
        w.Text("KfAccount", reply.kf_account);
        w.Close("TransInfo");
      }
      break;
  }
  return std::move(w).Finish();
}

std::string SerializeEncryptedEnvelope(const EncryptedReply& r) {
  XmlWriter w;
  w.Text("Encrypt", r.encrypt);
  w.Text("MsgSignature", r.msg_signature);
  w.Bare("TimeStamp", r.timestamp);
  w.Text("Nonce", r.nonce);
  return std::move(w).Finish();
}

std::string SerializeInbound(const Message& m) {
  XmlWriter w;
  WriteCommon(w, m.to_user, m.from_user, m.create_time, m.msg_type);
  const std::string& t = m.msg_type;
  bool known = true;
  if (t == "text") {
    w.Text("Content", m.content);
    w.BareIfSet("MsgDataId", m.msg_data_id);
    w.BareIfSet("Idx", m.idx);
    w.BareIfSet("bizmsgmenuid", m.bizmsgmenuid);
  } else if (t == "image") {
    w.Text("PicUrl", m.pic_url);
    w.Text("MediaId", m.media_id);
    w.BareIfSet("MsgDataId", m.msg_data_id);
    w.BareIfSet("Idx", m.idx);
  } else if (t == "voice") {
    w.Text("MediaId", m.media_id);
    w.Text("Format", m.format);
    w.TextIfSet("MediaId16K", m.media_id_16k);
    w.TextIfSet("Recognition", m.recognition);
  } else if (t == "video" || t == "shortvideo") {
    w.Text("MediaId", m.media_id);
    w.Text("ThumbMediaId", m.thumb_media_id);
  } else if (t == "location") {
    w.Double("Location_X", m.location_x);
    w.Double("Location_Y", m.location_y);
    w.Int("Scale", m.scale);
    w.Text("Label", m.label);
  } else if (t == "link") {
    w.Text("Title", m.title);
    w.Text("Description", m.description);
    w.Text("Url", m.url);
  } else if (t == "event") {
    w.Text("Event", m.event);
    WriteEventFields(w, m);
    static const std::set<std::string, std::less<>> kKnownEvents = {"subscribe",
                                                                    "unsubscribe",
                                                                    "SCAN",
                                                                    "LOCATION",
                                                                    "CLICK",
                                                                    "VIEW",
                                                                    "view_miniprogram",
                                                                    "scancode_push",
                                                                    "scancode_waitmsg",
                                                                    "pic_sysphoto",
                                                                    "pic_photo_or_album",
                                                                    "pic_weixin",
                                                                    "location_select",
                                                                    "TEMPLATESENDJOBFINISH",
                                                                    "MASSSENDJOBFINISH",
                                                                    "subscribe_msg_popup_event",
                                                                    "subscribe_msg_change_event",
                                                                    "subscribe_msg_sent_event"};
    known = kKnownEvents.count(m.event) > 0;
  } else {
    known = false;
  }
  if (!m.IsEvent()) w.BareIfSet("MsgId", m.msg_id);
  if (!known) {
    // Keep what an unknown type carried: its top-level leaves, in name order. Nested paths
    // ("A/B") are skipped: '/' is not a valid name character.
    for (const auto& [key, value] : m.fields) {
      if (IsSafeElementName(key) && !w.Written(key)) w.Text(key, value);
    }
  }
  return std::move(w).Finish();
}

}  // namespace gebi::bot
