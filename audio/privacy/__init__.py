"""Keeping personal data out of what belcoach writes: redaction and its number checks.

Public API: `redact.redact_text`, `redact.redact_words`, `redact.redact_event`,
`redact.redacting` (a bus subscriber wrapper), `redact.find` and `redact.Finding`;
`checks` validates what looks like a phone number, IBAN, BSN or card number
before it is masked (`iban_valid`, `bsn_valid`, `luhn_valid`).
"""
