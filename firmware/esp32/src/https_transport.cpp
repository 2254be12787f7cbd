#include "https_transport.h"

#include <cJSON.h>
#include <esp_crt_bundle.h>
#include <esp_http_client.h>
#include <esp_log.h>

namespace gridproof {
namespace {

const char* TAG = "https";

void append_hex(std::string& out, const uint8_t* data, size_t length) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < length; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
}

}  // namespace

SendResult HttpsTransport::send(const SignedReading* readings, size_t count) {
  std::string body = "{\"readings\":[";
  body.reserve(16 + count * (kSignedReadingLength * 2 + 5));
  for (size_t i = 0; i < count; ++i) {
    body += i ? ",\"0x" : "\"0x";
    append_hex(body, readings[i].bytes, kSignedReadingLength);
    body += '"';
  }
  body += "]}";

  esp_http_client_config_t config = {};
  config.url = url_.c_str();
  config.method = HTTP_METHOD_POST;
  config.timeout_ms = 10000;
  config.crt_bundle_attach = esp_crt_bundle_attach;
  esp_http_client_handle_t client = esp_http_client_init(&config);
  if (client == nullptr) return SendResult::RetryLater;
  esp_http_client_set_header(client, "content-type", "application/json");
  int status = 0;
  std::string answer;
  if (esp_http_client_open(client, static_cast<int>(body.size())) == ESP_OK &&
      esp_http_client_write(client, body.data(), static_cast<int>(body.size())) == static_cast<int>(body.size()) &&
      esp_http_client_fetch_headers(client) >= 0) {
    status = esp_http_client_get_status_code(client);
    char chunk[256];
    int n;
    while ((n = esp_http_client_read(client, chunk, sizeof chunk)) > 0 && answer.size() < 4096) answer.append(chunk, n);
  }
  esp_http_client_close(client);
  esp_http_client_cleanup(client);
  // Error bodies are {"error": {"code", "message", "details"}}.
  std::string code;
  if (cJSON* root = cJSON_Parse(answer.c_str())) {
    const cJSON* c = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "error"), "code");
    if (cJSON_IsString(c)) code = c->valuestring;
    cJSON_Delete(root);
  }
  SendResult result = classify_oracle_response(status, code.empty() ? nullptr : code.c_str());
  if (result != SendResult::Delivered) ESP_LOGW(TAG, "POST %s: status %d %s", url_.c_str(), status, code.c_str());
  return result;
}

}  // namespace gridproof
