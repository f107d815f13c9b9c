"""Agreements of an introduction with electronic signatures (issue 10.4): documents (PDF checks
and storage), transitions (every change, one core), signing (the signatory's link), notices
(emails), queries (pages, certificate, /verify) and audit (the admins' event log)."""
