/**
 * @module @gridproof/gateway — the fog node between meters and the oracle API. Importing has no side effects.
 */
export { startGateway, type StartGatewayParameters, type StartGatewayReturnType, type FrameAnswer } from './startGateway.js';
export { GatewayClient, type GatewayClientParameters, type SendReadingsResult } from './gatewayClient.js';
export { GatewayError, type GatewayErrorCode, type ErrorBody } from './errors.js';
export { Aggregator, type IntervalAggregate } from './aggregator.js';
export {
  Forwarder,
  ApiRefusal,
  httpTransport,
  type ForwardedReading,
  type ForwarderOptions,
  type ForwarderTransport,
  type DeliveryResult,
} from './forwarder.js';
export { mqttTransport, type MqttTransportParameters } from './mqttTransport.js';
export { NonceCache, SeqWindow } from './replayGuard.js';
export * from './session.js';
