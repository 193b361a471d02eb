"""A record to findings: the form's rules, plausibility, OCR row sums."""
