#include "shelly_em_meter.h"

#include <cJSON.h>
#include <esp_http_client.h>
#include <esp_log.h>

#include <cmath>
#include <string>

namespace gridproof {
namespace {

const char* TAG = "shelly";

bool http_get(const std::string& url, std::string& body) {
  esp_http_client_config_t config = {};
  config.url = url.c_str();
  config.timeout_ms = 3000;
  esp_http_client_handle_t client = esp_http_client_init(&config);
  if (client == nullptr) return false;
  bool ok = false;
  if (esp_http_client_open(client, 0) == ESP_OK && esp_http_client_fetch_headers(client) >= 0 &&
      esp_http_client_get_status_code(client) == 200) {
    char chunk[512];
    int n;
    while ((n = esp_http_client_read(client, chunk, sizeof chunk)) > 0 && body.size() < 16384) body.append(chunk, n);
    ok = n >= 0;
  }
  esp_http_client_close(client);
  esp_http_client_cleanup(client);
  return ok;
}

}  // namespace

bool ShellyEmMeter::measure(Measurement& out) {
  std::string body;
  if (!http_get(base_url_ + "/status", body)) {
    ESP_LOGW(TAG, "GET %s/status failed", base_url_.c_str());
    return false;
  }
  cJSON* root = cJSON_Parse(body.c_str());
  if (root == nullptr) return false;
  bool ok = false;
  const cJSON* emeter = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "emeters"), 0);
  const cJSON* relay = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "relays"), 0);
  const cJSON* power = cJSON_GetObjectItem(emeter, "power");
  const cJSON* voltage = cJSON_GetObjectItem(emeter, "voltage");
  const cJSON* total = cJSON_GetObjectItem(emeter, "total");
  const cJSON* valid = cJSON_GetObjectItem(emeter, "is_valid");
  if (cJSON_IsNumber(power) && cJSON_IsNumber(voltage) && cJSON_IsNumber(total) && cJSON_IsTrue(valid)) {
    double w = std::fabs(power->valuedouble);
    uint64_t wh = total->valuedouble > 0 ? static_cast<uint64_t>(total->valuedouble) : 0;
    if (wh < last_energy_wh_) wh = last_energy_wh_;
    last_energy_wh_ = wh;
    out.power_w = static_cast<uint32_t>(std::lround(w));
    out.energy_wh = wh;
    out.voltage_mv = static_cast<uint32_t>(std::lround(voltage->valuedouble * 1000.0));
    // Without a relay object (EM without contactor) the meter counts as ON.
    out.status = relay == nullptr || cJSON_IsTrue(cJSON_GetObjectItem(relay, "ison")) ? ReadingStatus::On : ReadingStatus::Off;
    ok = true;
  }
  cJSON_Delete(root);
  return ok;
}

}  // namespace gridproof
