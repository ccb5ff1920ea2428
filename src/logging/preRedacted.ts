/**
 * Marks a log object whose fields were redacted by whoever built it (the request log line): the logger then
 * skips its per-line deep redaction. Symbol keys are not serialised by pino.
 *
 * @example
 * logger.info({ [PRE_REDACTED]: true, path: redactor.redactUrl(url) }, 'request')
 */
export const PRE_REDACTED: unique symbol = Symbol.for('lookout.preRedacted')
