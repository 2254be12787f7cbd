// GridProof meter (ESP32 + ATECC608A): wires the device implementations into the portable MeterLoop.
#ifndef ESP_PLATFORM
#error "Device-only (ESP-IDF): build with PlatformIO, see firmware/esp32/README.md. The host build uses lib/gridproof_core only."
#endif

#include <esp_event.h>
#include <esp_log.h>
#include <esp_netif.h>
#include <esp_netif_sntp.h>
#include <esp_random.h>
#include <esp_spiffs.h>
#include <esp_timer.h>
#include <esp_wifi.h>
#include <freertos/FreeRTOS.h>
#include <freertos/task.h>
#include <nvs_flash.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "atecc608_secure_element.h"
#include "https_transport.h"
#include "meter_loop.h"
#include "mqtt_transport.h"
#include "nvs_counter_store.h"
#include "shelly_em_meter.h"

using namespace gridproof;

namespace {

const char* TAG = "gridproof";

class EspClock : public Clock {
 public:
  uint64_t unix_seconds() override { return static_cast<uint64_t>(std::time(nullptr)); }
  uint64_t monotonic_ms() override { return static_cast<uint64_t>(esp_timer_get_time() / 1000); }
};

void start_wifi() {
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  esp_netif_create_default_wifi_sta();
  wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&init));
  wifi_config_t config = {};
  std::strncpy(reinterpret_cast<char*>(config.sta.ssid), GRIDPROOF_WIFI_SSID, sizeof config.sta.ssid);
  std::strncpy(reinterpret_cast<char*>(config.sta.password), GRIDPROOF_WIFI_PASSWORD, sizeof config.sta.password);
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &config));
  ESP_ERROR_CHECK(esp_wifi_start());
  // Reconnects on its own; readings buffer meanwhile.
  esp_event_handler_register(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED,
                             [](void*, esp_event_base_t, int32_t, void*) { esp_wifi_connect(); }, nullptr);
  esp_wifi_connect();
}

void start_sntp() {
  esp_sntp_config_t config = ESP_NETIF_SNTP_DEFAULT_CONFIG("pool.ntp.org");
  esp_netif_sntp_init(&config);  // MeterLoop signs nothing until the clock is past 2025
}

bool mount_storage() {
  esp_vfs_spiffs_conf_t conf = {};
  conf.base_path = "/spiffs";
  conf.partition_label = "storage";
  conf.max_files = 4;
  conf.format_if_mount_failed = true;
  return esp_vfs_spiffs_register(&conf) == ESP_OK;
}

}  // namespace

extern "C" void app_main() {
  esp_err_t err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    // Never erase silently: erasing would reset the counter mark and let counters repeat.
    ESP_LOGE(TAG, "NVS needs erasing (%s); refusing to run with a lost counter", esp_err_to_name(err));
    return;
  }
  ESP_ERROR_CHECK(err);
  bool persistent_buffer = mount_storage();
  if (!persistent_buffer) ESP_LOGW(TAG, "SPIFFS unavailable: readings buffer in RAM only");
  start_wifi();
  start_sntp();

  static Atecc608SecureElement element(GRIDPROOF_ATECC_I2C_ADDRESS, GRIDPROOF_ATECC_KEY_SLOT);
  if (!element.begin()) {
    ESP_LOGE(TAG, "secure element unavailable; not metering");
    return;
  }
  uint8_t public_key[kPublicKeyLength];
  if (element.public_key(public_key)) {
    char hex[2 * kPublicKeyLength + 1];
    for (size_t i = 0; i < kPublicKeyLength; ++i) std::snprintf(hex + 2 * i, 3, "%02x", public_key[i]);
    ESP_LOGI(TAG, "device %s P-256 public key (register on chain, keyType 1): 0x%s", GRIDPROOF_DEVICE_ID, hex);
  }

  static NvsCounterStore counter_store;
  static MonotonicCounter counter(counter_store, 16);  // one NVS write per 16 readings
  static FileReadingBufferStore file_store("/spiffs/buffer.bin");
  static VolatileReadingBufferStore ram_store;
  static ReadingBuffer buffer(512, persistent_buffer ? static_cast<ReadingBufferStore&>(file_store)
                                                      : static_cast<ReadingBufferStore&>(ram_store));
  static ShellyEmMeter meter(GRIDPROOF_SHELLY_URL);
#ifdef GRIDPROOF_TRANSPORT_MQTT
  static MqttTransport transport(GRIDPROOF_MQTT_URI, GRIDPROOF_DEVICE_ID);
  if (!transport.begin()) ESP_LOGE(TAG, "MQTT client did not start");
#else
  static HttpsTransport transport(GRIDPROOF_ORACLE_URL);
#endif
  static EspClock clock;
  static RetryPolicy retry(RetryConfig{}, esp_random());
  MeterLoopConfig config;
  std::strncpy(config.device_id, GRIDPROOF_DEVICE_ID, kDeviceIdLength);
  config.sample_interval_s = 10;
  config.max_batch = 50;
  static MeterLoop loop(config, meter, element, counter, buffer, transport, clock, retry);
  if (loop.begin() != LoopError::Ok) {
    ESP_LOGE(TAG, "meter loop cannot start (device id %s or counter store)", GRIDPROOF_DEVICE_ID);
    return;
  }
  for (;;) {
    loop.tick();
    vTaskDelay(pdMS_TO_TICKS(250));
  }
}
