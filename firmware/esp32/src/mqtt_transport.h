// MQTT over TLS (esp-mqtt): one QoS 1 message per batch, payload = the signed readings back to back
// (107 bytes each), topic gridproof/v1/devices/<deviceId>/readings (the oracle API's scheme). Delivered once the broker's PUBACK arrives.
#pragma once
#ifndef ESP_PLATFORM
#error "Device-only (ESP-IDF): build with PlatformIO, see firmware/esp32/README.md. The host build uses lib/gridproof_core only."
#endif

#include <freertos/FreeRTOS.h>
#include <freertos/event_groups.h>
#include <mqtt_client.h>

#include <string>

#include "transport.h"

namespace gridproof {

class MqttTransport : public Transport {
 public:
  MqttTransport(std::string broker_uri, const char* device_id);
  bool begin();
  SendResult send(const SignedReading* readings, size_t count) override;

 private:
  static void on_event(void* self, esp_event_base_t base, int32_t id, void* data);
  std::string uri_;
  std::string topic_;
  esp_mqtt_client_handle_t client_ = nullptr;
  EventGroupHandle_t events_ = nullptr;
  volatile int acked_msg_id_ = -1;
  volatile bool connected_ = false;
};

}  // namespace gridproof
