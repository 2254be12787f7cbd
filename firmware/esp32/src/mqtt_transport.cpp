#include "mqtt_transport.h"

#include <esp_crt_bundle.h>
#include <esp_log.h>

#include <algorithm>
#include <vector>

namespace gridproof {
namespace {
const char* TAG = "mqtt";
constexpr EventBits_t kPublished = BIT0;
}  // namespace

MqttTransport::MqttTransport(std::string broker_uri, const char* device_id)
    : uri_(std::move(broker_uri)), topic_(std::string("gridproof/v1/devices/") + device_id + "/readings") {}

bool MqttTransport::begin() {
  events_ = xEventGroupCreate();
  esp_mqtt_client_config_t config = {};
  config.broker.address.uri = uri_.c_str();
  config.broker.verification.crt_bundle_attach = esp_crt_bundle_attach;
  client_ = esp_mqtt_client_init(&config);
  if (client_ == nullptr || events_ == nullptr) return false;
  esp_mqtt_client_register_event(client_, MQTT_EVENT_ANY, &MqttTransport::on_event, this);
  return esp_mqtt_client_start(client_) == ESP_OK;
}

void MqttTransport::on_event(void* self, esp_event_base_t, int32_t id, void* data) {
  auto* t = static_cast<MqttTransport*>(self);
  auto* event = static_cast<esp_mqtt_event_handle_t>(data);
  switch (static_cast<esp_mqtt_event_id_t>(id)) {
    case MQTT_EVENT_CONNECTED: t->connected_ = true; break;
    case MQTT_EVENT_DISCONNECTED: t->connected_ = false; break;
    case MQTT_EVENT_PUBLISHED:
      t->acked_msg_id_ = event->msg_id;
      xEventGroupSetBits(t->events_, kPublished);
      break;
    default: break;
  }
}

SendResult MqttTransport::send(const SignedReading* readings, size_t count) {
  if (!connected_) return SendResult::RetryLater;
  std::vector<uint8_t> payload(count * kSignedReadingLength);
  for (size_t i = 0; i < count; ++i)
    std::copy(readings[i].bytes, readings[i].bytes + kSignedReadingLength, payload.begin() + i * kSignedReadingLength);
  xEventGroupClearBits(events_, kPublished);
  int msg_id = esp_mqtt_client_publish(client_, topic_.c_str(), reinterpret_cast<const char*>(payload.data()),
                                       static_cast<int>(payload.size()), 1, 0);
  if (msg_id < 0) return SendResult::RetryLater;
  // Wait for this message's PUBACK; a late ack only causes a re-send, which the API deduplicates.
  TickType_t deadline = xTaskGetTickCount() + pdMS_TO_TICKS(10000);
  while (xTaskGetTickCount() < deadline) {
    xEventGroupWaitBits(events_, kPublished, pdTRUE, pdFALSE, pdMS_TO_TICKS(500));
    if (acked_msg_id_ == msg_id) return SendResult::Delivered;
  }
  ESP_LOGW(TAG, "no PUBACK for message %d", msg_id);
  return SendResult::RetryLater;
}

}  // namespace gridproof
