// WeChat Official Account XML: inbound pushes -> handlers::Message, handlers::Reply -> passive
// reply XML, and the encrypted envelopes. The only place tinyxml2 is used. No I/O: parsing
// never fetches anything (no DTDs, no external entities). All functions are thread-safe
// (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bot/wechat/crypto.h"
#include "handlers/message.h"
#include "storage/status.h"

namespace gebi::bot {

// Returns s as one or more CDATA sections, splitting any "]]>" so user text cannot close it:
// "a]]>b" -> "<![CDATA[a]]]]><![CDATA[>b]]>". Control characters that XML 1.0 forbids
// (C0 except \t \n \r) are dropped, since WeChat rejects a reply that contains them.
std::string CData(std::string_view s);

// Escapes & < > " ' for XML/SVG text and attribute values (' as &#39;) and drops the control
// characters XML 1.0 forbids (C0 except \t \n \r). For the SVG charts and QR posters.
std::string XmlEscape(std::string_view s);

// The two fields every inbound body has in safe and compatible mode.
struct Envelope {
  std::string to_user;       // ToUserName (our gh_ id); empty if absent
  std::string encrypt;       // text of <Encrypt>
  bool has_encrypt = false;  // true iff an <Encrypt> element is present
  // Only in an encrypted reply envelope; empty otherwise.
  std::string msg_signature;  // MsgSignature
  std::string timestamp;      // TimeStamp
  std::string nonce;          // Nonce
};

// Reads ToUserName and Encrypt from any inbound body (plaintext, compatible or safe mode).
// Failures: InvalidArgument "-40002 xml parse failed: <tinyxml2 ErrorStr>" on malformed XML,
// and "-40002 xml parse failed: ..." when the root is not <xml> or a DOCTYPE is present.
Result<Envelope> ParseEnvelope(std::string_view xml);

// Parses any inbound message or event WeChat pushes into a Message. Every leaf element
// is also stored in `fields` as "Path/Leaf" -> text (relative to <xml>), so an unknown MsgType
// or Event is kept with msg_type/event as sent, never an error. Tolerates surrounding
// whitespace, CDATA or plain text, split CDATA sections, unknown elements, and control
// characters; numbers that do not parse stay 0 (their text is still in `fields`).
// subscribe_msg_* List items are read from SubscribeMsgPopupEvent, SubscribeMsgChangeEvent or
// SubscribeMsgSentEvent, one or many.
// Failures: as ParseEnvelope for bad XML; InvalidArgument "missing FromUserName" /
// "missing MsgType" when either is absent or empty.
Result<handlers::Message> ParseMessage(std::string_view xml);

// Serialises a passive reply: text, image, voice, video, music, news,
// transfer_customer_service. ToUserName = to_user (the sender's openid), FromUserName =
// from_user (our gh_ id). All text goes through CData(). Reply::Kind::kNone returns
// "success" (WeChat then shows nothing and does not retry). News writes every article given;
// WeChat accepts only 1 in reply to a message (up to 8 for other triggers).
std::string SerializeReply(const handlers::Reply& reply, std::string_view to_user,
                           std::string_view from_user, int64_t create_time);

// Returns <xml><Encrypt><![CDATA[..]]></Encrypt><MsgSignature><![CDATA[..]]></MsgSignature>
// <TimeStamp>N</TimeStamp><Nonce><![CDATA[..]]></Nonce></xml> (one line, no spaces).
// REQUIRES: r.timestamp is a decimal number (it is written bare, not as CDATA).
std::string SerializeEncryptedEnvelope(const EncryptedReply& r);

// Builds an inbound plaintext message the way WeChat sends it (for `gebi chat`, tests and
// benchmarks). Writes the common fields plus the fields of m.msg_type: text, image, voice,
// video, shortvideo, location, link, and event (subscribe, unsubscribe, SCAN, LOCATION, CLICK,
// VIEW, scancode_*, pic_*, location_select, view_miniprogram, TEMPLATESENDJOBFINISH,
// MASSSENDJOBFINISH, subscribe_msg_*). Other types get the common fields, Event/EventKey, and
// the top-level entries of m.fields. Empty optional fields are omitted.
// ParseMessage(SerializeInbound(m)) reproduces m's typed fields.
std::string SerializeInbound(const handlers::Message& m);

}  // namespace gebi::bot
