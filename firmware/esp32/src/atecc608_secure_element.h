// ATECC608A over I2C through CryptoAuthLib: the private key never leaves the chip.
#pragma once
#ifndef ESP_PLATFORM
#error "Device-only (ESP-IDF): build with PlatformIO, see firmware/esp32/README.md. The host build uses lib/gridproof_core only."
#endif

#include "secure_element.h"

namespace gridproof {

class Atecc608SecureElement : public SecureElement {
 public:
  // `i2c_address`: 8-bit address as CryptoAuthLib expects it (0xC0 factory default, 0x6A on TrustFLEX).
  Atecc608SecureElement(uint8_t i2c_address, uint16_t key_slot) : address_(i2c_address), slot_(key_slot) {}
  // Wakes the chip and checks it is a provisioned, locked ATECC608.
  bool begin();
  bool sign_digest(const uint8_t digest[kDigestLength], uint8_t signature[kSignatureLength]) override;
  bool public_key(uint8_t out[kPublicKeyLength]) override;

 private:
  uint8_t address_;
  uint16_t slot_;
  bool ready_ = false;
};

}  // namespace gridproof
