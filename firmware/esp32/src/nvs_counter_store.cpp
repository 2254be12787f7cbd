#include "nvs_counter_store.h"

#include <nvs.h>

namespace gridproof {
namespace {
constexpr const char* kNamespace = "gridproof";
constexpr const char* kKey = "counter_mark";
}  // namespace

bool NvsCounterStore::load(uint64_t& value) {
  nvs_handle_t handle;
  esp_err_t err = nvs_open(kNamespace, NVS_READONLY, &handle);
  if (err == ESP_ERR_NVS_NOT_FOUND) {
    value = 0;  // first boot: namespace not created yet
    return true;
  }
  if (err != ESP_OK) return false;
  uint64_t stored = 0;
  err = nvs_get_u64(handle, kKey, &stored);
  nvs_close(handle);
  if (err == ESP_ERR_NVS_NOT_FOUND) stored = 0;
  else if (err != ESP_OK) return false;
  value = stored;
  return true;
}

bool NvsCounterStore::save(uint64_t value) {
  nvs_handle_t handle;
  if (nvs_open(kNamespace, NVS_READWRITE, &handle) != ESP_OK) return false;
  bool ok = nvs_set_u64(handle, kKey, value) == ESP_OK && nvs_commit(handle) == ESP_OK;
  nvs_close(handle);
  return ok;
}

}  // namespace gridproof
