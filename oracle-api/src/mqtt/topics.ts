// The MQTT topics are protocol's (protocol/src/topics.ts); re-exported here only for src/bench/run.ts until it imports them from there.
export { ERRORS_SUBSCRIPTION, READINGS_SUBSCRIPTION, errorsTopic, readingsTopic } from '@gridproof/protocol';
