#include <cstring>

#include "check.h"
#include "p256_signature.h"
#include "reading_codec.h"
#include "secure_element.h"
#include "software_secure_element.h"
#include "support.h"

using namespace gridproof;

TEST(vectors_encode_to_the_protocol_bytes) {
  const auto& cases = support::vectors().at("cases");
  CHECK(cases.size() >= 3);
  for (const auto& c : cases) {
    Reading r = support::reading_from_json(c.at("reading"));
    uint8_t bytes[kReadingLength];
    CHECK_EQ(encode_reading(r, bytes), CodecError::Ok);
    CHECK_EQ(support::to_hex(bytes, sizeof bytes), c.at("bytes").get<std::string>());
  }
}

TEST(vectors_decode_back_to_the_same_reading) {
  for (const auto& c : support::vectors().at("cases")) {
    auto bytes = support::from_hex(c.at("bytes").get<std::string>());
    Reading decoded{};
    CHECK_EQ(decode_reading(bytes.data(), bytes.size(), decoded), CodecError::Ok);
    Reading expected = support::reading_from_json(c.at("reading"));
    CHECK_EQ(std::string(decoded.device_id), std::string(expected.device_id));
    CHECK_EQ(decoded.counter, expected.counter);
    CHECK_EQ(decoded.timestamp, expected.timestamp);
    CHECK_EQ(decoded.power_w, expected.power_w);
    CHECK_EQ(decoded.energy_wh, expected.energy_wh);
    CHECK_EQ(decoded.voltage_mv, expected.voltage_mv);
    CHECK_EQ(decoded.status, expected.status);
  }
}

TEST(vectors_digest_is_sha256_of_the_reading) {
  for (const auto& c : support::vectors().at("cases")) {
    auto bytes = support::from_hex(c.at("bytes").get<std::string>());
    uint8_t digest[kDigestLength];
    CHECK(reading_digest(bytes.data(), digest));
    CHECK_EQ(support::to_hex(digest, sizeof digest), c.at("digest").get<std::string>());
  }
}

TEST(software_secure_element_reproduces_p256_vectors) {
  int p256_cases = 0;
  for (const auto& c : support::vectors().at("cases")) {
    if (c.at("keyType").get<int>() != 1) continue;  // Ed25519 is for software meters, not the ATECC608A
    p256_cases++;
    auto key = support::from_hex(c.at("privateKey").get<std::string>());
    SoftwareSecureElement element(key.data());
    CHECK(element.ok());
    uint8_t public_key[kPublicKeyLength];
    CHECK(element.public_key(public_key));
    CHECK_EQ(support::to_hex(public_key, sizeof public_key), c.at("publicKey").get<std::string>());

    auto bytes = support::from_hex(c.at("bytes").get<std::string>());
    SignedReading signed_reading{};
    CHECK(sign_reading(element, bytes.data(), signed_reading));
    const uint8_t* signature = signed_reading.bytes + kReadingLength;
    CHECK(p256_is_low_s(signature));
    auto digest = support::from_hex(c.at("digest").get<std::string>());
    CHECK(support::p256_verify(public_key, digest.data(), signature));
    // RFC 6979 on both sides: byte-identical to the TypeScript signer.
    CHECK_EQ(support::to_hex(signature, kSignatureLength), c.at("signature").get<std::string>());
    CHECK_EQ(support::to_hex(signed_reading.bytes, kSignedReadingLength), c.at("signed").get<std::string>());
  }
  CHECK(p256_cases >= 1);
}

TEST(encode_rejects_bad_device_ids_and_values) {
  Reading r{};
  std::strcpy(r.device_id, "SOLR_0001");
  r.counter = 1;
  r.timestamp = 1767225600;
  r.status = ReadingStatus::On;
  uint8_t out[kReadingLength];
  CHECK_EQ(encode_reading(r, out), CodecError::Ok);
  for (const char* bad : {"solr_0001", "SOLR-0001", "SOLR_001", "SOLR_00 1", "SOLR_000A", "", "SÖLR_0001"}) {
    Reading b = r;
    std::memset(b.device_id, 0, sizeof b.device_id);
    std::strncpy(b.device_id, bad, sizeof b.device_id - 1);
    CHECK_EQ(encode_reading(b, out), CodecError::InvalidDeviceId);
  }
  Reading big = r;
  big.counter = kMaxSafeUint + 1;
  CHECK_EQ(encode_reading(big, out), CodecError::ValueTooLarge);
  big = r;
  big.energy_wh = kMaxSafeUint + 1;
  CHECK_EQ(encode_reading(big, out), CodecError::ValueTooLarge);
  big = r;
  big.timestamp = UINT64_MAX;
  CHECK_EQ(encode_reading(big, out), CodecError::ValueTooLarge);
  CHECK_EQ(std::string(codec_error_code(CodecError::InvalidDeviceId)), std::string("INVALID_DEVICE_ID"));
  CHECK_EQ(std::string(codec_error_code(CodecError::ValueTooLarge)), std::string("INVALID_READING"));
}

TEST(decode_rejects_wrong_length_version_status_and_id) {
  auto bytes = support::from_hex(support::vectors().at("cases").at(0).at("bytes").get<std::string>());
  Reading out{};
  CHECK_EQ(decode_reading(bytes.data(), 42, out), CodecError::InvalidLength);
  auto v = bytes;
  v[0] = 2;
  CHECK_EQ(decode_reading(v.data(), v.size(), out), CodecError::UnknownVersion);
  v = bytes;
  v[42] = 2;
  CHECK_EQ(decode_reading(v.data(), v.size(), out), CodecError::InvalidStatus);
  v = bytes;
  v[5] = '-';
  CHECK_EQ(decode_reading(v.data(), v.size(), out), CodecError::InvalidDeviceId);
  v = bytes;
  v[10] = 0x00;
  v[11] = 0x20;  // counter = 2^53 + 1
  v[17] = 0x01;
  CHECK_EQ(decode_reading(v.data(), v.size(), out), CodecError::ValueTooLarge);
}

namespace {
// n − s, big-endian, to build high-S twins of low-S signatures.
void negate_s(uint8_t signature[64]) {
  static const uint8_t n[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
                                0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int v = n[i] - signature[32 + i] - borrow;
    borrow = v < 0;
    signature[32 + i] = static_cast<uint8_t>(v + 256 * borrow);
  }
}

// Raw (un-normalised) signatures, so roughly half come out high-S.
class RawElement : public SecureElement {
 public:
  explicit RawElement(SoftwareSecureElement& inner) : inner_(inner) {}
  bool sign_digest(const uint8_t d[32], uint8_t s[64]) override { return inner_.sign_digest(d, s); }
  bool public_key(uint8_t out[64]) override { return inner_.public_key(out); }

 private:
  SoftwareSecureElement& inner_;
};
}  // namespace

TEST(low_s_normalisation_flips_high_s_and_keeps_the_signature_valid) {
  auto key = support::from_hex(support::vectors().at("cases").at(0).at("privateKey").get<std::string>());
  SoftwareSecureElement element(key.data());
  uint8_t public_key[64];
  CHECK(element.public_key(public_key));
  int high = 0;
  for (int i = 0; i < 40; ++i) {
    uint8_t digest[32];
    uint8_t reading[kReadingLength] = {};
    reading[0] = static_cast<uint8_t>(i);
    CHECK(gridproof::reading_digest(reading, digest));
    uint8_t raw[64];
    CHECK(element.sign_digest(digest, raw));
    if (!p256_is_low_s(raw)) high++;
    uint8_t normalised[64];
    std::memcpy(normalised, raw, 64);
    bool changed = p256_normalize_low_s(normalised);
    CHECK_EQ(changed, !p256_is_low_s(raw));
    CHECK(p256_is_low_s(normalised));
    CHECK(support::p256_verify(public_key, digest, raw));
    CHECK(support::p256_verify(public_key, digest, normalised));
    // The high-S twin normalises back to exactly the low-S form.
    uint8_t twin[64];
    std::memcpy(twin, normalised, 64);
    negate_s(twin);
    CHECK(!p256_is_low_s(twin));
    CHECK(p256_normalize_low_s(twin));
    CHECK(std::memcmp(twin, normalised, 64) == 0);
    CHECK(!p256_normalize_low_s(normalised));
    RawElement raw_element(element);
    SignedReading signed_reading;
    CHECK(sign_reading(raw_element, reading, signed_reading));
    CHECK(std::memcmp(signed_reading.bytes + kReadingLength, normalised, 64) == 0);
  }
  CHECK(high > 0);  // the flip path actually ran
}

TEST(software_secure_element_rejects_invalid_keys) {
  uint8_t zero[32] = {};
  SoftwareSecureElement element(zero);
  CHECK(!element.ok());
  uint8_t sig[64];
  uint8_t digest[32] = {};
  CHECK(!element.sign_digest(digest, sig));
}
