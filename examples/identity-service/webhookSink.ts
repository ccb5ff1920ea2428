// The demo's local alert sink is Lookout's own test double: a loopback webhook receiver that verifies the
// HMAC signature and keeps what it receives (see src/testing/createAlertSink.ts).
export { createAlertSink as startWebhookSink } from 'lookout/testing'
