// Tests for bot/wechat/xml: every inbound message and event type from tests/data/*.xml, every
// reply type parsed back with tinyxml2, CDATA splitting, round trips, and hostile input.
#include "bot/wechat/xml.h"

#include <tinyxml2.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/test_env.h"

namespace gebi::bot {
namespace {

using handlers::Article;
using handlers::Message;
using handlers::Reply;
using handlers::SubscribeMsgItem;

Message ParseData(const std::string& name) {
  INFO(name);
  auto m = ParseMessage(testing::ReadTestData(name));
  REQUIRE_RESULT_OK(m);
  CHECK(m->to_user == "gh_0123456789ab");
  CHECK(m->from_user == "oUser_OpenId_123");
  CHECK(m->create_time == 1348831860);
  return std::move(m).value();
}

// Text of the element at "A/B/C" under the root of a parsed reply, or "<missing>".
std::string At(const tinyxml2::XMLDocument& doc, const std::string& path) {
  const tinyxml2::XMLElement* e = doc.RootElement();
  std::stringstream ss(path);
  std::string part;
  while (e != nullptr && std::getline(ss, part, '/')) e = e->FirstChildElement(part.c_str());
  if (e == nullptr) return "<missing>";
  std::string out;
  for (const tinyxml2::XMLNode* n = e->FirstChild(); n != nullptr; n = n->NextSibling()) {
    if (n->ToText() != nullptr) out += n->Value();
  }
  return out;
}

void ParseReply(const std::string& xml, tinyxml2::XMLDocument& doc) {
  INFO(xml);
  REQUIRE(doc.Parse(xml.c_str(), xml.size()) == tinyxml2::XML_SUCCESS);
  REQUIRE(std::string(doc.RootElement()->Name()) == "xml");
  CHECK(At(doc, "ToUserName") == "oUserOpenId");
  CHECK(At(doc, "FromUserName") == "gh_0123456789ab");
  CHECK(At(doc, "CreateTime") == "1713424427");
}

// Compares every typed field (not `fields`).
void CheckSameTyped(const Message& a, const Message& b) {
  CHECK(a.to_user == b.to_user);
  CHECK(a.from_user == b.from_user);
  CHECK(a.create_time == b.create_time);
  CHECK(a.msg_type == b.msg_type);
  CHECK(a.msg_id == b.msg_id);
  CHECK(a.content == b.content);
  CHECK(a.msg_data_id == b.msg_data_id);
  CHECK(a.idx == b.idx);
  CHECK(a.bizmsgmenuid == b.bizmsgmenuid);
  CHECK(a.pic_url == b.pic_url);
  CHECK(a.media_id == b.media_id);
  CHECK(a.format == b.format);
  CHECK(a.recognition == b.recognition);
  CHECK(a.media_id_16k == b.media_id_16k);
  CHECK(a.thumb_media_id == b.thumb_media_id);
  CHECK(a.location_x == b.location_x);
  CHECK(a.location_y == b.location_y);
  CHECK(a.scale == b.scale);
  CHECK(a.label == b.label);
  CHECK(a.title == b.title);
  CHECK(a.description == b.description);
  CHECK(a.url == b.url);
  CHECK(a.event == b.event);
  CHECK(a.event_key == b.event_key);
  CHECK(a.ticket == b.ticket);
  CHECK(a.latitude == b.latitude);
  CHECK(a.longitude == b.longitude);
  CHECK(a.precision == b.precision);
  CHECK(a.menu_id == b.menu_id);
  CHECK(a.scan_type == b.scan_type);
  CHECK(a.scan_result == b.scan_result);
  CHECK(a.pics_count == b.pics_count);
  CHECK(a.pic_md5_sums == b.pic_md5_sums);
  CHECK(a.poiname == b.poiname);
  CHECK(a.job_msg_id == b.job_msg_id);
  CHECK(a.status == b.status);
  CHECK(a.total_count == b.total_count);
  CHECK(a.filter_count == b.filter_count);
  CHECK(a.sent_count == b.sent_count);
  CHECK(a.error_count == b.error_count);
  REQUIRE(a.subscribe_items.size() == b.subscribe_items.size());
  for (size_t i = 0; i < a.subscribe_items.size(); ++i) {
    CHECK(a.subscribe_items[i].template_id == b.subscribe_items[i].template_id);
    CHECK(a.subscribe_items[i].status == b.subscribe_items[i].status);
    CHECK(a.subscribe_items[i].popup_scene == b.subscribe_items[i].popup_scene);
    CHECK(a.subscribe_items[i].msg_id == b.subscribe_items[i].msg_id);
    CHECK(a.subscribe_items[i].error_code == b.subscribe_items[i].error_code);
    CHECK(a.subscribe_items[i].error_status == b.subscribe_items[i].error_status);
  }
}

Message Base(std::string msg_type) {
  Message m;
  m.to_user = "gh_0123456789ab";
  m.from_user = "oUser_OpenId_123";
  m.create_time = 1713424427;
  m.msg_type = std::move(msg_type);
  if (m.msg_type != "event") m.msg_id = "23637352235060880";
  return m;
}

Message Event(std::string event) {
  Message m = Base("event");
  m.event = std::move(event);
  return m;
}

}  // namespace

TEST_CASE("CData splits the CDATA end marker and drops forbidden control characters",
          "[protocol]") {
  CHECK(CData("") == "<![CDATA[]]>");
  CHECK(CData("hello") == "<![CDATA[hello]]>");
  CHECK(CData("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>");
  CHECK(CData("]]>") == "<![CDATA[]]]]><![CDATA[>]]>");
  CHECK(CData("]]>]]>") == "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>");
  CHECK(CData("]]]>>") == "<![CDATA[]]]]]><![CDATA[>>]]>");
  CHECK(CData("a\x1d"
              "b\tc\nd\re") == "<![CDATA[ab\tc\nd\re]]>");
  CHECK(CData("你好 😀") == "<![CDATA[你好 😀]]>");
  // Whatever the text, it survives a parse unchanged.
  for (std::string s : {"a]]>b", "]]>", "]]>]]>", "x]]]]>>y", "<xml></xml>", "&amp;&lt;"}) {
    CAPTURE(s);
    std::string xml = "<xml><C>" + CData(s) + "</C></xml>";
    tinyxml2::XMLDocument doc;
    REQUIRE(doc.Parse(xml.c_str()) == tinyxml2::XML_SUCCESS);
    CHECK(At(doc, "C") == s);
  }
}

TEST_CASE("ParseEnvelope reads ToUserName and Encrypt in every mode", "[protocol]") {
  SECTION("safe mode") {
    auto env = ParseEnvelope(testing::ReadTestData("safe_mode.xml"));
    REQUIRE_RESULT_OK(env);
    CHECK(env->to_user == "gh_10f6c3c3ac5a");
    CHECK(env->has_encrypt);
    CHECK(env->encrypt.size() == 428);
    CHECK(env->encrypt.rfind("hyzAe4Oz", 0) == 0);
    // The envelope's Encrypt decrypts with the V5 parameters.
    auto c = MsgCrypt::Create("spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                              "wx2c2769f8efd9abc2");
    REQUIRE_RESULT_OK(c);
    auto inner = c->Decrypt("5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132",
                            env->encrypt);
    REQUIRE_RESULT_OK(inner);
    auto m = ParseMessage(*inner);
    REQUIRE_RESULT_OK(m);
    CHECK(m->content == "abcdteT");
    CHECK(m->msg_id == "6054768590064713728");
  }
  SECTION("compatible mode") {
    auto env = ParseEnvelope(testing::ReadTestData("compatible_mode.xml"));
    REQUIRE_RESULT_OK(env);
    CHECK(env->has_encrypt);
    auto m = ParseMessage(testing::ReadTestData("compatible_mode.xml"));
    REQUIRE_RESULT_OK(m);
    CHECK(m->content == "abcdteT");
  }
  SECTION("plaintext mode") {
    auto env = ParseEnvelope(testing::ReadTestData("text.xml"));
    REQUIRE_RESULT_OK(env);
    CHECK(env->to_user == "gh_0123456789ab");
    CHECK_FALSE(env->has_encrypt);
    CHECK(env->encrypt.empty());
  }
  SECTION("errors") {
    for (std::string bad :
         {std::string(""), std::string("<xml><Encrypt>abc</xml>"),
          std::string("<root><Encrypt>x</Encrypt></root>"), std::string("not xml at all"),
          testing::ReadTestData("hostile_doctype.xml")}) {
      CAPTURE(bad);
      auto env = ParseEnvelope(bad);
      REQUIRE_FALSE(env.ok());
      CHECK(env.status().code() == Status::Code::kInvalidArgument);
      CHECK_THAT(env.status().message(), Catch::StartsWith("-40002 xml parse failed: "));
    }
  }
}

TEST_CASE("ParseMessage: ordinary messages", "[protocol]") {
  SECTION("text") {
    Message m = ParseData("text.xml");
    CHECK(m.msg_type == "text");
    CHECK_FALSE(m.IsEvent());
    CHECK(m.content == "this is a test");
    CHECK(m.msg_id == "1234567890123456");
    CHECK(m.fields.at("Content") == "this is a test");
    CHECK(m.fields.at("CreateTime") == "1348831860");
  }
  SECTION("text from an article") {
    Message m = ParseData("text_from_article.xml");
    CHECK(m.msg_data_id == "2247483660");
    CHECK(m.idx == "2");
    CHECK(m.msg_id == "23637352235060880");
  }
  SECTION("text from a msgmenu tap") {
    Message m = ParseData("text_msgmenu.xml");
    CHECK(m.content == "满意");
    CHECK(m.bizmsgmenuid == "101");
  }
  SECTION("image") {
    Message m = ParseData("image.xml");
    CHECK(m.msg_type == "image");
    CHECK(m.pic_url == "http://mmbiz.qpic.cn/example.jpg");
    CHECK(m.media_id == "media_id_image");
    CHECK(m.msg_id == "1234567890123458");
  }
  SECTION("voice") {
    Message m = ParseData("voice.xml");
    CHECK(m.media_id == "media_id_voice");
    CHECK(m.format == "amr");
    CHECK(m.media_id_16k == "media_id_16k");
    CHECK(m.recognition == "腾讯微信团队");
  }
  SECTION("video and shortvideo") {
    Message v = ParseData("video.xml");
    CHECK(v.msg_type == "video");
    CHECK(v.media_id == "media_id_video");
    CHECK(v.thumb_media_id == "thumb_media_id_video");
    Message s = ParseData("shortvideo.xml");
    CHECK(s.msg_type == "shortvideo");
    CHECK(s.thumb_media_id == "thumb_media_id_short");
  }
  SECTION("location") {
    Message m = ParseData("location.xml");
    CHECK(m.location_x == Approx(23.134521));
    CHECK(m.location_y == Approx(113.358803));
    CHECK(m.scale == 20);
    CHECK(m.label == "位置信息");
  }
  SECTION("link") {
    Message m = ParseData("link.xml");
    CHECK(m.title == "公众平台官网链接");
    CHECK(m.description == "公众平台官网链接");
    CHECK(m.url == "https://mp.weixin.qq.com/");
  }
}

TEST_CASE("ParseMessage: events", "[protocol]") {
  SECTION("subscribe, plain and via parametric QR") {
    Message plain = ParseData("event_subscribe.xml");
    CHECK(plain.IsEvent());
    CHECK(plain.event == "subscribe");
    CHECK(plain.event_key.empty());
    CHECK(plain.msg_id.empty());
    Message qr = ParseData("event_subscribe_qrscene.xml");
    CHECK(qr.event_key == "qrscene_123123");
    CHECK(qr.ticket == "TICKET");
  }
  SECTION("unsubscribe") { CHECK(ParseData("event_unsubscribe.xml").event == "unsubscribe"); }
  SECTION("SCAN") {
    Message m = ParseData("event_scan.xml");
    CHECK(m.event == "SCAN");
    CHECK(m.event_key == "123123");
    CHECK(m.ticket == "TICKET");
  }
  SECTION("LOCATION") {
    Message m = ParseData("event_location.xml");
    CHECK(m.latitude == Approx(23.137466));
    CHECK(m.longitude == Approx(113.352425));
    CHECK(m.precision == Approx(119.385040));
  }
  SECTION("CLICK") { CHECK(ParseData("event_click.xml").event_key == "V1001_TODAY_MUSIC"); }
  SECTION("VIEW and view_miniprogram") {
    Message v = ParseData("event_view.xml");
    CHECK(v.event_key == "https://www.qq.com/");
    CHECK(v.menu_id == "6277");
    Message mp = ParseData("event_view_miniprogram.xml");
    CHECK(mp.event == "view_miniprogram");
    CHECK(mp.event_key == "pages/index/index");
    CHECK(mp.menu_id == "MENUID");
  }
  SECTION("scancode_push / scancode_waitmsg") {
    Message p = ParseData("event_scancode_push.xml");
    CHECK(p.scan_type == "qrcode");
    CHECK(p.scan_result == "1");
    CHECK(p.fields.at("ScanCodeInfo/ScanType") == "qrcode");
    Message w = ParseData("event_scancode_waitmsg.xml");
    CHECK(w.event == "scancode_waitmsg");
    CHECK(w.scan_result == "2");
  }
  SECTION("pic_* events, one or many pictures") {
    Message sys = ParseData("event_pic_sysphoto.xml");
    CHECK(sys.pics_count == 1);
    CHECK(sys.pic_md5_sums == std::vector<std::string>{"1b5f7c23b5bf75682a53e7b6d163e185"});
    Message album = ParseData("event_pic_photo_or_album.xml");
    CHECK(album.pics_count == 2);
    CHECK(album.pic_md5_sums == std::vector<std::string>{"5a75aaca956d97be686719218f275c6b",
                                                         "0f0c9b2d6c8e4f1a3b5d7e9f1a2b3c4d"});
    CHECK(album.fields.at("SendPicsInfo/PicList/item/PicMd5Sum") ==
          "5a75aaca956d97be686719218f275c6b");
    CHECK(ParseData("event_pic_weixin.xml").event == "pic_weixin");
  }
  SECTION("location_select") {
    Message m = ParseData("event_location_select.xml");
    CHECK(m.location_x == 23);
    CHECK(m.location_y == 113);
    CHECK(m.scale == 15);
    CHECK(m.label == " 广州市海珠区客村艺苑路 106号");
    CHECK(m.poiname.empty());
  }
  SECTION("TEMPLATESENDJOBFINISH") {
    Message m = ParseData("event_templatesendjobfinish.xml");
    CHECK(m.job_msg_id == "200163836");
    CHECK(m.msg_id.empty());
    CHECK(m.status == "failed:user block");
  }
  SECTION("MASSSENDJOBFINISH") {
    Message m = ParseData("event_masssendjobfinish.xml");
    CHECK(m.job_msg_id == "1988");
    CHECK(m.status == "sendsuccess");
    CHECK(m.total_count == 100);
    CHECK(m.filter_count == 80);
    CHECK(m.sent_count == 75);
    CHECK(m.error_count == 5);
  }
  SECTION("subscribe_msg_popup_event with two List items") {
    Message m = ParseData("event_subscribe_msg_popup.xml");
    REQUIRE(m.subscribe_items.size() == 2);
    CHECK(m.subscribe_items[0].template_id == "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc");
    CHECK(m.subscribe_items[0].status == "accept");
    CHECK(m.subscribe_items[0].popup_scene == "2");
    CHECK(m.subscribe_items[1].template_id == "9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI");
    CHECK(m.subscribe_items[1].status == "reject");
  }
  SECTION("subscribe_msg_change_event under either wrapper") {
    for (const char* file :
         {"event_subscribe_msg_change.xml", "event_subscribe_msg_change_doc.xml"}) {
      CAPTURE(file);
      Message m = ParseData(file);
      CHECK(m.event == "subscribe_msg_change_event");
      REQUIRE(m.subscribe_items.size() == 1);
      CHECK(m.subscribe_items[0].status == "reject");
    }
  }
  SECTION("subscribe_msg_sent_event") {
    Message m = ParseData("event_subscribe_msg_sent.xml");
    REQUIRE(m.subscribe_items.size() == 1);
    CHECK(m.subscribe_items[0].msg_id == "1700827132819554304");
    CHECK(m.subscribe_items[0].error_code == "0");
    CHECK(m.subscribe_items[0].error_status == "success");
  }
  SECTION("PUBLISHJOBFINISH keeps its nested leaves in fields") {
    Message m = ParseData("event_publishjobfinish.xml");
    CHECK(m.event == "PUBLISHJOBFINISH");
    CHECK(m.fields.at("PublishEventInfo/publish_id") == "2247503051");
    CHECK(m.fields.at("PublishEventInfo/publish_status") == "0");
    CHECK(m.fields.at("PublishEventInfo/article_id") ==
          "b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy_ZLvRA");
    CHECK(m.fields.at("PublishEventInfo/article_detail/item/article_url") == "ARTICLE_URL");
  }
}

TEST_CASE("ParseMessage keeps unknown MsgType and Event", "[protocol]") {
  Message m = ParseData("unknown_msgtype.xml");
  CHECK(m.msg_type == "miniprogrampage");
  CHECK(m.msg_id == "1234567890123499");
  CHECK(m.fields.at("AppId") == "wx0000000000000000");
  CHECK(m.fields.at("PagePath") == "pages/index/index");

  Message e = ParseData("unknown_event.xml");
  CHECK(e.event == "brand_new_event");
  CHECK(e.event_key == "k1");
  CHECK(e.fields.at("Extra/Inner") == "42");

  // Re-serialising an unknown type keeps its top-level leaves.
  auto again = ParseMessage(SerializeInbound(m));
  REQUIRE_RESULT_OK(again);
  CHECK(again->fields.at("AppId") == "wx0000000000000000");
  CHECK(again->fields.at("ThumbUrl") == "http://mmbiz.qpic.cn/thumb.jpg");
  CHECK(again->msg_id == "1234567890123499");
}

TEST_CASE("ParseMessage is tolerant of formatting", "[protocol]") {
  SECTION("plain text instead of CDATA, whitespace, unknown elements, any order") {
    auto m = ParseMessage(
        "<xml>\n\t<Unknown><Deep>1</Deep></Unknown><MsgId> 42 </MsgId>"
        "<MsgType>text</MsgType><Content>  a &amp; b &lt;c&gt;  </Content>"
        "<CreateTime>\n 1700000000 \n</CreateTime><FromUserName> oX </FromUserName>\n</xml>");
    REQUIRE_RESULT_OK(m);
    CHECK(m->msg_type == "text");
    CHECK(m->from_user == "oX");
    CHECK(m->content == "a & b <c>");
    CHECK(m->create_time == 1700000000);
    CHECK(m->msg_id == "42");
    CHECK(m->to_user.empty());
    CHECK(m->fields.at("Unknown/Deep") == "1");
  }
  SECTION("CDATA is kept verbatim, including inner whitespace and split sections") {
    auto m = ParseMessage(
        "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType>"
        "<Content>\n  <![CDATA[  two  spaces ]]]]><![CDATA[> ]]>\n</Content></xml>");
    REQUIRE_RESULT_OK(m);
    CHECK(m->content == "  two  spaces ]]> ");
  }
  SECTION("control characters in text do not crash") {
    std::string xml =
        "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content><![CDATA[a";
    for (int c = 1; c < 0x20; ++c) xml.push_back(static_cast<char>(c));
    xml += "b]]></Content></xml>";
    auto m = ParseMessage(xml);
    REQUIRE_RESULT_OK(m);
    CHECK(m->content.front() == 'a');
    CHECK(m->content.back() == 'b');
    std::string with_nul = "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content>";
    with_nul.push_back('\0');
    with_nul += "x</Content></xml>";
    (void)ParseMessage(with_nul);  // must not crash; either result is fine
  }
  SECTION("bad numbers stay 0 and keep their text") {
    auto m = ParseMessage(
        "<xml><FromUserName>o</FromUserName><MsgType>location</MsgType>"
        "<CreateTime>soon</CreateTime><Location_X>north</Location_X>"
        "<Scale>99999999999999999999999</Scale></xml>");
    REQUIRE_RESULT_OK(m);
    CHECK(m->create_time == 0);
    CHECK(m->location_x == 0);
    CHECK(m->scale == 0);
    CHECK(m->fields.at("CreateTime") == "soon");
  }
  SECTION("an entity reference without a DTD is not expanded") {
    auto m = ParseMessage(
        "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType>"
        "<Content>&xxe;</Content></xml>");
    REQUIRE_RESULT_OK(m);
    CHECK(m->content == "&xxe;");
  }
}

TEST_CASE("ParseMessage rejects malformed and hostile bodies", "[protocol]") {
  SECTION("missing FromUserName or MsgType") {
    auto no_from = ParseMessage("<xml><MsgType>text</MsgType></xml>");
    REQUIRE_FALSE(no_from.ok());
    CHECK(no_from.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(no_from.status().message(), Catch::Contains("FromUserName"));
    auto no_type = ParseMessage("<xml><FromUserName>o</FromUserName><MsgType></MsgType></xml>");
    REQUIRE_FALSE(no_type.ok());
    CHECK_THAT(no_type.status().message(), Catch::Contains("MsgType"));
  }
  SECTION("truncated") {
    std::string full = testing::ReadTestData("text.xml");
    for (size_t n : {size_t{0}, size_t{1}, size_t{5}, full.size() / 2, full.size() - 3}) {
      CAPTURE(n);
      auto m = ParseMessage(full.substr(0, n));
      REQUIRE_FALSE(m.ok());
      CHECK_THAT(m.status().message(), Catch::StartsWith("-40002 xml parse failed: "));
    }
  }
  SECTION("root is not <xml>") {
    auto m =
        ParseMessage("<message><FromUserName>o</FromUserName><MsgType>text</MsgType></message>");
    REQUIRE_FALSE(m.ok());
    CHECK_THAT(m.status().message(), Catch::Contains("root element is <message>"));
    auto json = ParseMessage(R"({"ToUserName":"gh","MsgType":"text"})");
    REQUIRE_FALSE(json.ok());
  }
  SECTION("DOCTYPE with entities neither expands nor crashes") {
    auto m = ParseMessage(testing::ReadTestData("hostile_doctype.xml"));
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(m.status().message(), Catch::StartsWith("-40002 xml parse failed: "));
    CHECK_THAT(m.status().message(), !Catch::Contains("root:"));  // no /etc/passwd content
    CHECK_THAT(m.status().message(), !Catch::Contains("lollol"));
  }
  SECTION("10000 nested elements (about 1 MB as text) do not crash") {
    std::string deep = "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType>";
    for (int i = 0; i < 10000; ++i) deep += "<nest_element_name_padding_padding_padding_padding>";
    for (int i = 0; i < 10000; ++i) deep += "</nest_element_name_padding_padding_padding_padding>";
    deep += "</xml>";
    REQUIRE(deep.size() > 1000000);
    auto m = ParseMessage(deep);
    CHECK_FALSE(m.ok());
    auto env = ParseEnvelope(deep);
    CHECK_FALSE(env.ok());
    // Unclosed nesting as well.
    std::string open_only(1 << 20, '<');
    CHECK_FALSE(ParseMessage(open_only).ok());
  }
  SECTION("many siblings are fine") {
    std::string wide = "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType>";
    for (int i = 0; i < 10000; ++i)
      wide += "<e" + std::to_string(i) + ">v</e" + std::to_string(i) + ">";
    wide += "</xml>";
    auto m = ParseMessage(wide);
    REQUIRE_RESULT_OK(m);
    CHECK(m->fields.size() == 10002);
  }
}

TEST_CASE("SerializeReply writes every passive reply type", "[protocol]") {
  constexpr std::string_view kTo = "oUserOpenId";
  constexpr std::string_view kFrom = "gh_0123456789ab";
  constexpr int64_t kTime = 1713424427;
  tinyxml2::XMLDocument doc;

  SECTION("none -> success") {
    CHECK(SerializeReply(Reply::None(), kTo, kFrom, kTime) == "success");
  }
  SECTION("text, with hostile user text") {
    std::string text = "line1\nline2 ]]><xml>&amp; 😀";
    std::string xml = SerializeReply(Reply::Text(text), kTo, kFrom, kTime);
    CHECK(
        xml ==
        "<xml><ToUserName><![CDATA[oUserOpenId]]></ToUserName><FromUserName><![CDATA[gh_"
        "0123456789ab]]></FromUserName><CreateTime>1713424427</CreateTime><MsgType><![CDATA[text]]>"
        "</MsgType><Content><![CDATA[line1\nline2 ]]]]><![CDATA[><xml>&amp; 😀]]></Content></xml>");
    ParseReply(xml, doc);
    CHECK(At(doc, "MsgType") == "text");
    CHECK(At(doc, "Content") == text);
  }
  SECTION("image and voice") {
    Reply r;
    r.kind = Reply::Kind::kImage;
    r.media_id = "img-media";
    ParseReply(SerializeReply(r, kTo, kFrom, kTime), doc);
    CHECK(At(doc, "MsgType") == "image");
    CHECK(At(doc, "Image/MediaId") == "img-media");
    r.kind = Reply::Kind::kVoice;
    r.media_id = "voice-media";
    ParseReply(SerializeReply(r, kTo, kFrom, kTime), doc);
    CHECK(At(doc, "MsgType") == "voice");
    CHECK(At(doc, "Voice/MediaId") == "voice-media");
  }
  SECTION("video") {
    Reply r;
    r.kind = Reply::Kind::kVideo;
    r.media_id = "vid";
    r.title = "标题";
    r.description = "desc";
    ParseReply(SerializeReply(r, kTo, kFrom, kTime), doc);
    CHECK(At(doc, "MsgType") == "video");
    CHECK(At(doc, "Video/MediaId") == "vid");
    CHECK(At(doc, "Video/Title") == "标题");
    CHECK(At(doc, "Video/Description") == "desc");
  }
  SECTION("music") {
    Reply r;
    r.kind = Reply::Kind::kMusic;
    r.title = "t";
    r.description = "d";
    r.music_url = "http://x/m.mp3?a=1&b=2";
    r.hq_music_url = "http://x/hq.mp3";
    r.thumb_media_id = "thumb";
    ParseReply(SerializeReply(r, kTo, kFrom, kTime), doc);
    CHECK(At(doc, "MsgType") == "music");
    CHECK(At(doc, "Music/Title") == "t");
    CHECK(At(doc, "Music/Description") == "d");
    CHECK(At(doc, "Music/MusicUrl") == "http://x/m.mp3?a=1&b=2");
    CHECK(At(doc, "Music/HQMusicUrl") == "http://x/hq.mp3");
    CHECK(At(doc, "Music/ThumbMediaId") == "thumb");
  }
  SECTION("news") {
    Reply r;
    r.kind = Reply::Kind::kNews;
    r.articles.push_back(Article{"A1", "D1", "http://p/1.jpg", "http://u/1?x=1&y=2"});
    r.articles.push_back(Article{"A2", "D2", "http://p/2.png", "http://u/2"});
    ParseReply(SerializeReply(r, kTo, kFrom, kTime), doc);
    CHECK(At(doc, "MsgType") == "news");
    CHECK(At(doc, "ArticleCount") == "2");
    const tinyxml2::XMLElement* item =
        doc.RootElement()->FirstChildElement("Articles")->FirstChildElement("item");
    REQUIRE(item != nullptr);
    CHECK(std::string(item->FirstChildElement("Title")->GetText()) == "A1");
    CHECK(std::string(item->FirstChildElement("Description")->GetText()) == "D1");
    CHECK(std::string(item->FirstChildElement("PicUrl")->GetText()) == "http://p/1.jpg");
    CHECK(std::string(item->FirstChildElement("Url")->GetText()) == "http://u/1?x=1&y=2");
    item = item->NextSiblingElement("item");
    REQUIRE(item != nullptr);
    CHECK(std::string(item->FirstChildElement("Title")->GetText()) == "A2");
    CHECK(item->NextSiblingElement("item") == nullptr);
  }
  SECTION("transfer_customer_service, with and without KfAccount") {
    Reply r;
    r.kind = Reply::Kind::kTransferCustomerService;
    ParseReply(SerializeReply(r, kTo, kFrom, kTime), doc);
    CHECK(At(doc, "MsgType") == "transfer_customer_service");
    CHECK(At(doc, "TransInfo") == "<missing>");
    r.kf_account = "test1@test";
    ParseReply(SerializeReply(r, kTo, kFrom, kTime), doc);
    CHECK(At(doc, "TransInfo/KfAccount") == "test1@test");
  }
}

TEST_CASE("SerializeEncryptedEnvelope matches the documented shape", "[protocol]") {
  EncryptedReply r{"ELGduP2Y+/==", "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1", "1713424427",
                   "415670741"};
  std::string xml = SerializeEncryptedEnvelope(r);
  CHECK(xml ==
        "<xml><Encrypt><![CDATA[ELGduP2Y+/==]]></Encrypt><MsgSignature><![CDATA["
        "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1]]></MsgSignature><TimeStamp>1713424427</"
        "TimeStamp><Nonce><![CDATA[415670741]]></Nonce></xml>");
  auto env = ParseEnvelope(xml);
  REQUIRE_RESULT_OK(env);
  CHECK(env->encrypt == "ELGduP2Y+/==");

  // Full reply path: serialise, encrypt, wrap, then unwrap and decrypt.
  auto c = MsgCrypt::Create("AAAAA", std::string(43, 'A'), "wxba5fad812f8e6fb9");
  REQUIRE_RESULT_OK(c);
  std::string plain = SerializeReply(Reply::Text("你好"), "oUser", "gh_x", 1713424427);
  auto enc = c->Encrypt(plain, "1713424427", "415670741");
  REQUIRE_RESULT_OK(enc);
  auto wrapped = ParseEnvelope(SerializeEncryptedEnvelope(*enc));
  REQUIRE_RESULT_OK(wrapped);
  auto back = c->Decrypt(enc->msg_signature, "1713424427", "415670741", wrapped->encrypt);
  REQUIRE_RESULT_OK(back);
  CHECK(*back == plain);
}

TEST_CASE("SerializeInbound -> ParseMessage round trip for every type", "[protocol]") {
  std::vector<Message> cases;
  {
    Message m = Base("text");
    m.content = "hi ]]> there\n第二行";
    cases.push_back(m);
    m.msg_data_id = "2247483660";
    m.idx = "1";
    m.bizmsgmenuid = "101";
    cases.push_back(m);
  }
  {
    Message m = Base("image");
    m.pic_url = "http://mmbiz.qpic.cn/a.jpg";
    m.media_id = "mid";
    cases.push_back(m);
  }
  {
    Message m = Base("voice");
    m.media_id = "mid";
    m.format = "speex";
    cases.push_back(m);
    m.recognition = "你好";
    m.media_id_16k = "mid16k";
    cases.push_back(m);
  }
  for (const char* t : {"video", "shortvideo"}) {
    Message m = Base(t);
    m.media_id = "mid";
    m.thumb_media_id = "thumb";
    cases.push_back(m);
  }
  {
    Message m = Base("location");
    m.location_x = 23.134521;
    m.location_y = -113.358803;
    m.scale = 20;
    m.label = "位置";
    cases.push_back(m);
  }
  {
    Message m = Base("link");
    m.title = "T";
    m.description = "D";
    m.url = "https://example.com/?a=1&b=2";
    cases.push_back(m);
  }
  cases.push_back(Event("subscribe"));
  {
    Message m = Event("subscribe");
    m.event_key = "qrscene_123123";
    m.ticket = "TICKET";
    cases.push_back(m);
    m.event = "SCAN";
    m.event_key = "123123";
    cases.push_back(m);
  }
  cases.push_back(Event("unsubscribe"));
  {
    Message m = Event("LOCATION");
    m.latitude = 23.137466;
    m.longitude = 113.352425;
    m.precision = 119.38504;
    cases.push_back(m);
  }
  {
    Message m = Event("CLICK");
    m.event_key = "V1001_TODAY_MUSIC";
    cases.push_back(m);
  }
  for (const char* e : {"VIEW", "view_miniprogram"}) {
    Message m = Event(e);
    m.event_key = "https://www.qq.com/";
    m.menu_id = "6277";
    cases.push_back(m);
  }
  for (const char* e : {"scancode_push", "scancode_waitmsg"}) {
    Message m = Event(e);
    m.event_key = "6";
    m.scan_type = "qrcode";
    m.scan_result = "https://x/?a=1";
    cases.push_back(m);
  }
  for (const char* e : {"pic_sysphoto", "pic_photo_or_album", "pic_weixin"}) {
    Message m = Event(e);
    m.event_key = "6";
    m.pics_count = 2;
    m.pic_md5_sums = {"1b5f7c23b5bf75682a53e7b6d163e185", "5a75aaca956d97be686719218f275c6b"};
    cases.push_back(m);
  }
  {
    Message m = Event("location_select");
    m.event_key = "6";
    m.location_x = 23;
    m.location_y = 113.5;
    m.scale = 15;
    m.label = "广州";
    m.poiname = "客村";
    cases.push_back(m);
  }
  {
    Message m = Event("TEMPLATESENDJOBFINISH");
    m.job_msg_id = "200163836";
    m.status = "success";
    cases.push_back(m);
  }
  {
    Message m = Event("MASSSENDJOBFINISH");
    m.job_msg_id = "1988";
    m.status = "sendsuccess";
    m.total_count = 100;
    m.filter_count = 80;
    m.sent_count = 75;
    m.error_count = 5;
    cases.push_back(m);
  }
  {
    Message m = Event("subscribe_msg_popup_event");
    m.subscribe_items.push_back(SubscribeMsgItem{"tpl1", "accept", "2", "", "", ""});
    m.subscribe_items.push_back(SubscribeMsgItem{"tpl2", "reject", "1", "", "", ""});
    cases.push_back(m);
    m.event = "subscribe_msg_change_event";
    m.subscribe_items = {SubscribeMsgItem{"tpl1", "reject", "", "", "", ""}};
    cases.push_back(m);
    m.event = "subscribe_msg_sent_event";
    m.subscribe_items = {
        SubscribeMsgItem{"tpl1", "", "", "1700827132819554304", "0", "success"},
        SubscribeMsgItem{"tpl2", "", "", "1700827132819554305", "20001", "failed"}};
    cases.push_back(m);
  }
  {
    Message m = Event("some_future_event");
    m.event_key = "k";
    cases.push_back(m);
  }

  for (const Message& m : cases) {
    std::string xml = SerializeInbound(m);
    CAPTURE(xml);
    auto parsed = ParseMessage(xml);
    REQUIRE_RESULT_OK(parsed);
    CheckSameTyped(m, *parsed);
  }
}

}  // namespace gebi::bot
