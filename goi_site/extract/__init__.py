"""Bytes to text: decoding, and the text of PDF (text layer or OCR), HTML, Markdown and .docx reports."""
