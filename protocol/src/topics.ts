import { DEVICE_ID_PATTERN } from './reading.js';

/**
 * MQTT topics. Meters (or gateways) publish signed readings, QoS 1, to
 * `gridproof/v1/devices/{deviceId}/readings`: one signed reading or several concatenated
 * (see `concatSignedReadings`). The oracle API answers each refused message on
 * `gridproof/v1/devices/{deviceId}/errors` with an {@link ErrorBody}.
 */
export const MQTT_TOPIC_ROOT = 'gridproof/v1/devices';
export const readingsTopic = (deviceId: string) => `${MQTT_TOPIC_ROOT}/${deviceId}/readings`;
export const errorsTopic = (deviceId: string) => `${MQTT_TOPIC_ROOT}/${deviceId}/errors`;
export const READINGS_SUBSCRIPTION = `${MQTT_TOPIC_ROOT}/+/readings`;
export const ERRORS_SUBSCRIPTION = `${MQTT_TOPIC_ROOT}/+/errors`;

const TOPIC = /^gridproof\/v1\/devices\/([^/]+)\/(readings|errors)$/;

/** The device id and kind of a GridProof topic (the id checked only against the pattern), or undefined. */
export function parseTopic(topic: string): { deviceId: string; kind: 'readings' | 'errors'; valid: boolean } | undefined {
  const m = TOPIC.exec(topic);
  if (!m) return undefined;
  return { deviceId: m[1], kind: m[2] as 'readings' | 'errors', valid: DEVICE_ID_PATTERN.test(m[1]) };
}
