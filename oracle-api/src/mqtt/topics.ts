import { DEVICE_ID_PATTERN } from '@gridproof/protocol';

/** Meters publish signed readings here (QoS 1): one 107-byte reading, or several concatenated. */
export const readingsTopic = (deviceId: string) => `gridproof/v1/devices/${deviceId}/readings`;
/** The service reports each refused message here, with the HTTP error body and code. */
export const errorsTopic = (deviceId: string) => `gridproof/v1/devices/${deviceId}/errors`;
export const READINGS_SUBSCRIPTION = 'gridproof/v1/devices/+/readings';

const READINGS_TOPIC = /^gridproof\/v1\/devices\/([^/]+)\/readings$/;

/** The device id of a readings topic (validated only as far as the pattern), or undefined for other topics. */
export function deviceIdOfTopic(topic: string): { deviceId: string; valid: boolean } | undefined {
  const m = READINGS_TOPIC.exec(topic);
  if (!m) return undefined;
  return { deviceId: m[1], valid: DEVICE_ID_PATTERN.test(m[1]) };
}
