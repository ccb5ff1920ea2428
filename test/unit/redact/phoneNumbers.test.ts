import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createRedactor } from '../../../src/redact/index.ts'

const P = '[REDACTED_PHONE]'
const { redactString } = createRedactor()

// [sentence, input, expected output]
const redacted: [string, string, string][] = [
  ['an international number ending a sentence', 'call +1 415 555 2671.', `call ${P}.`],
  ['an international number followed by an exclamation mark', 'call +1 415 555 2671!', `call ${P}!`],
  ['an unformatted number in a tel: URI', 'tel:4155552671', `tel:${P}`],
  ['a tel: URI in upper case', 'TEL:4155552671', `TEL:${P}`],
  ['a tel: URI with an extension parameter', 'tel:4155552671;ext=12', `tel:${P};ext=12`],
  ['a tel: URI in an HTML link', '<a href="tel:+14155552671">', `<a href="tel:${P}">`],
  ['an unformatted number under a phone key', 'phone=4155552671', `phone=${P}`],
  [
    'an unformatted number under a quoted phone_number key',
    '{"phone_number": "4155552671"}',
    `{"phone_number": "${P}"}`,
  ],
  ['an unformatted number under a prefixed mobile key', 'user.mobile: 07700900123', `user.mobile: ${P}`],
  ['a NANP number with the country code and dashes', 'call 1-415-555-2671 now', `call ${P} now`],
  ['a NANP number with the country code before parentheses', '1 (415) 555-2671', P],
  ['a NANP number in dots', 'price list 415.555.2671', `price list ${P}`],
  ['a number written as in domain records', 'Phone: +1.4155552671', `Phone: ${P}`],
  ['a number after a key and colon', 'id:415-555-2671', `id:${P}`],
  ['two numbers separated by a slash', '415-555-2671/415-555-2672', `${P}/${P}`],
  ['two numbers separated by a comma', '+14155552671,+14155552672', `${P},${P}`],
  ['a number after a timestamp and a space', '1733490000123 +1 415 555 2671', `1733490000123 ${P}`],
  ['a trunk-prefixed national number ending a sentence', 'call 020 7946 0958.', `call ${P}.`],
]

const kept: [string, string][] = [
  ['digits glued to a word', 'order12345678901'],
  ['a formatted number glued to a word', 'key_415-555-2671'],
  ['a formatted number glued to a letter in front', 'a(415) 555-2671'],
  ['a formatted number glued to a letter behind', '415-555-2671x'],
  ['a formatted number glued to an underscore behind', '415-555-2671_x'],
  ['an international number glued to a word', 'call+14155552671'],
  ['a millisecond timestamp', 'ts 1733490000123 ms'],
  ['a long numeric id after a key', 'id=1733490000123'],
  ['a long numeric id after a hash', 'order#4155552671'],
  ['unformatted digits without a phone label', 'ref 4155552671'],
  ['unformatted digits under a key that only ends in tel', 'hotel:4155552671'],
  ['unformatted digits under a key that only ends in phone', 'smartphone=4155552671'],
  ['too few digits in a tel: URI', 'tel:12345'],
  ['more digits than a phone number after tel:', 'tel:41555526711234567890'],
  ['a formatted number with a digit glued behind', 'id 415-555-26711'],
  ['a formatted number with a digit glued in front', 'id 1415-555-2671'],
  ['a formatted number with digits and a dash in front', 'at 2024-415-555-2671'],
  ['a formatted number with an area-like group in front', 'id 123-415-555-2671'],
  ['a dotted number after a version prefix', 'v1.415.555.2671'],
  ['a trunk-prefixed run with more digits', 'ref 0207946095812'],
  ['a trunk-prefixed number with a digit glued behind', '020 7946 09581'],
  ['an amount with cents', 'sum=4155552671.00'],
  ['a formatted number followed by a decimal part', '415-555-2671.50'],
  ['a signed amount', 'balance +1234567.89'],
  ['a signed decimal with one fractional digit', 'delta +14155552671.5'],
  ['a signed run longer than any phone number', '+1415555267100000000'],
]

describe('phone numbers are redacted in ordinary text', () => {
  for (const [name, input, expected] of redacted)
    test(name, () => {
      assert.equal(redactString(input), expected)
    })
})

describe('digit runs that are not phone numbers are kept whole', () => {
  for (const [name, input] of kept)
    test(name, () => {
      assert.equal(redactString(input), input)
    })
})
